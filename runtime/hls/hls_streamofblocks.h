// hls_streamofblocks.h - C simulation of Vitis HLS's hls::stream_of_blocks.
//
// A stream of blocks hands whole arrays from one dataflow process to another:
// the producer takes an empty block with hls::write_lock, fills it and hands
// it over when the lock goes out of scope; the consumer takes the oldest full
// block with hls::read_lock and gives it back empty the same way. With two
// blocks (the default) this is a ping-pong buffer: one is filled while the
// other is drained.
//
// Here the blocks travel through two bounded FIFOs of block indices (empty
// ones and full ones), so that a process waiting for a block is seen by the
// deadlock detector like any process waiting on a stream.

#ifndef STREAMTENSOR_HLS_STREAMOFBLOCKS_H
#define STREAMTENSOR_HLS_STREAMOFBLOCKS_H

#include "hls_stream.h"

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace hls {

template <typename Block, int Depth = 2> class stream_of_blocks {
  static_assert(Depth >= 1, "a stream of blocks needs at least one block");

public:
  stream_of_blocks() : stream_of_blocks("stream_of_blocks") {}
  explicit stream_of_blocks(const char *name)
      : blocks_(new Block[Depth]),
        emptyBlocks_((std::string(name) + " (empty blocks)").c_str()),
        fullBlocks_((std::string(name) + " (full blocks)").c_str()) {
    for (int index = 0; index < Depth; ++index)
      emptyBlocks_.write(index);
  }
  stream_of_blocks(const stream_of_blocks &) = delete;
  stream_of_blocks &operator=(const stream_of_blocks &) = delete;

  // Whether a read_lock (empty) or a write_lock (full) would wait.
  bool empty() const { return fullBlocks_.empty(); }
  bool full() const { return emptyBlocks_.empty(); }

  // For the locks.
  int acquireEmpty() { return emptyBlocks_.read(); }
  void releaseFull(int index) { fullBlocks_.write(index); }
  int acquireFull() { return fullBlocks_.read(); }
  void releaseEmpty(int index) { emptyBlocks_.write(index); }
  Block &block(int index) { return blocks_[index]; }

private:
  std::unique_ptr<Block[]> blocks_;
  hls::stream<int, Depth> emptyBlocks_;
  hls::stream<int, Depth> fullBlocks_;
};

namespace detail {
// A block held until the end of the lock's scope. When the scope is left by
// an exception (the simulation is failing), the block is not handed on.
template <typename Block> class block_lock {
public:
  block_lock(Block &block, int index, std::function<void(int)> release)
      : block_(&block), index_(index), release_(std::move(release)) {}
  block_lock(const block_lock &) = delete;
  block_lock &operator=(const block_lock &) = delete;
  ~block_lock() {
    if (std::uncaught_exceptions() > uncaught_)
      return;
    try {
      release_(index_);
    } catch (...) {
      // The next stream operation of this process reports the failure.
    }
  }
  auto &operator[](std::size_t index) { return (*block_)[index]; }
  operator Block &() { return *block_; }

private:
  Block *block_;
  int index_;
  std::function<void(int)> release_;
  int uncaught_ = std::uncaught_exceptions();
};
} // namespace detail

template <typename Block> class write_lock : public detail::block_lock<Block> {
public:
  template <int Depth>
  explicit write_lock(stream_of_blocks<Block, Depth> &blocks)
      : write_lock(blocks, blocks.acquireEmpty()) {}

private:
  template <int Depth>
  write_lock(stream_of_blocks<Block, Depth> &blocks, int index)
      : detail::block_lock<Block>(
            blocks.block(index), index,
            [&blocks](int held) { blocks.releaseFull(held); }) {}
};

template <typename Block> class read_lock : public detail::block_lock<Block> {
public:
  template <int Depth>
  explicit read_lock(stream_of_blocks<Block, Depth> &blocks)
      : read_lock(blocks, blocks.acquireFull()) {}

private:
  template <int Depth>
  read_lock(stream_of_blocks<Block, Depth> &blocks, int index)
      : detail::block_lock<Block>(
            blocks.block(index), index,
            [&blocks](int held) { blocks.releaseEmpty(held); }) {}
};

} // namespace hls

#endif // STREAMTENSOR_HLS_STREAMOFBLOCKS_H
