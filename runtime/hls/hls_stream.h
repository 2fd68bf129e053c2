// hls_stream.h - hls::stream for C simulation without AMD tools.
//
// A bounded, blocking, thread-safe FIFO with the interface of Vitis HLS's
// hls::stream. Its depth is the Depth template argument, or 2 (the default
// FIFO depth of Vitis) when Depth is 0. Unlike Vitis's own C simulation, where
// streams are unbounded, a write to a full stream blocks, so a FIFO that is
// too shallow shows up in simulation as the deadlock it causes in hardware;
// the deadlock detector of streamtensor_csim.h reports it (DeadlockError)
// instead of hanging. This also holds in a plain single-threaded testbench:
// reading an empty stream, or writing a full one, with no process that could
// ever unblock it throws DeadlockError.
//
// hls::stream<T, N> derives from hls::stream<T>, so a stream of any depth can
// be passed to a function taking `hls::stream<T> &`.

#ifndef STREAMTENSOR_HLS_STREAM_H
#define STREAMTENSOR_HLS_STREAM_H

#include "streamtensor_csim.h"

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

namespace hls {

template <typename T, int Depth = 0> class stream;

// The stream of default depth, and the implementation of every depth.
template <typename T> class stream<T, 0> {
public:
  static constexpr std::size_t kDefaultDepth = 2;

  stream() : stream(nullptr, kDefaultDepth) {}
  explicit stream(const char *name) : stream(name, kDefaultDepth) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  // Blocks while the stream is empty.
  T read() {
    auto lock = hls_sim::detail::runtime().lock();
    fifo_.waitUntil(lock, /*toWrite=*/false, [&] { return !items_.empty(); });
    return popFront();
  }
  void read(T &item) { item = read(); }
  void operator>>(T &item) { item = read(); }

  // Blocks while the stream is full.
  void write(const T &item) {
    auto lock = hls_sim::detail::runtime().lock();
    fifo_.waitUntil(lock, /*toWrite=*/true,
                    [&] { return items_.size() < fifo_.depth(); });
    pushBack(item);
  }
  void operator<<(const T &item) { write(item); }

  // Non-blocking: false, and nothing done, when empty (full).
  bool read_nb(T &item) {
    auto lock = hls_sim::detail::runtime().lock();
    fifo_.checkNotCancelled();
    if (items_.empty())
      return false;
    item = popFront();
    return true;
  }
  bool write_nb(const T &item) {
    auto lock = hls_sim::detail::runtime().lock();
    fifo_.checkNotCancelled();
    if (items_.size() >= fifo_.depth())
      return false;
    pushBack(item);
    return true;
  }

  bool empty() const {
    auto lock = hls_sim::detail::runtime().lock();
    return items_.empty();
  }
  bool full() const {
    auto lock = hls_sim::detail::runtime().lock();
    return items_.size() >= fifo_.depth();
  }
  std::size_t size() const {
    auto lock = hls_sim::detail::runtime().lock();
    return items_.size();
  }
  std::size_t depth() const { return fifo_.depth(); }
  const std::string &name() const { return fifo_.name(); }

protected:
  // name == nullptr: a generated name, "stream#<n>".
  stream(const char *name, std::size_t depth)
      : fifo_(name ? std::string(name) : hls_sim::detail::defaultStreamName(),
              depth) {}

private:
  // Both with the runtime lock held.
  T popFront() {
    T item = std::move(items_.front());
    items_.pop_front();
    fifo_.wakeWriter();
    return item;
  }
  void pushBack(const T &item) {
    items_.push_back(item);
    fifo_.wakeReader();
  }

  hls_sim::detail::FifoWaiters fifo_;
  std::deque<T> items_;
};

// A stream whose depth is the template argument.
template <typename T, int Depth> class stream : public stream<T, 0> {
  static_assert(Depth > 0, "hls::stream depth must be positive (0: default)");

public:
  stream() : stream<T, 0>(nullptr, Depth) {}
  explicit stream(const char *name) : stream<T, 0>(name, Depth) {}
};

} // namespace hls

#endif // STREAMTENSOR_HLS_STREAM_H
