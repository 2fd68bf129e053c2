// streamtensor_csim.h - threaded C simulation of HLS dataflow regions.
//
// In hardware every dataflow process runs concurrently and FIFOs have a fixed
// depth, so a design can deadlock when a FIFO is too shallow. A sequential C
// simulation can hide that (or hang). Here every process runs on its own
// thread and hls::stream (hls_stream.h) is a bounded blocking FIFO, so the
// simulation behaves like the hardware, and a deadlock is reported instead of
// hanging:
//
//   * A process is "live" while it runs, except while it waits in
//     Dataflow::join() for its children. A thread that was not spawned by a
//     Dataflow (the testbench's main thread) is live while it has a Dataflow
//     open and is not joining it, or while it is blocked on a stream.
//   * When every live process is blocked on a stream, none can ever unblock
//     another: the runtime throws DeadlockError, whose message reports every
//     blocked process and its stream, out of every blocked read/write.
//     Dataflow::join() rethrows the first exception of its children, so the
//     testbench's call to the top function throws.
//   * When a process throws anything else, its siblings (and their children)
//     are stopped: their stream operations throw CancelledError, so join()
//     returns and rethrows the original exception.
//
// All stream and process state is guarded by one global mutex: a consistent
// view of "who is blocked on what" is what makes the detection exact. The
// bookkeeping is updated by whoever changes a process's state, in the same
// critical section: a reader woken by a write counts as running from the
// moment of the write, not from when its thread gets scheduled, and a parent
// in join() counts as live again from the moment its last child ends.
//
// Limits: a process that busy-waits (polling empty() or read_nb()) is never
// "blocked", so such a livelock is not detected. Threads not started by a
// Dataflow are invisible unless blocked on a stream.

#ifndef STREAMTENSOR_CSIM_H
#define STREAMTENSOR_CSIM_H

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace hls_sim {

// Thrown out of a blocked stream read/write when every live process is
// blocked; what() is the report (one line per blocked process).
class DeadlockError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Thrown out of the stream operations of a process that is being stopped
// because another process of its dataflow region failed.
class CancelledError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

namespace detail {

struct Region;
class FifoWaiters;
class Runtime;

// What a blocked process is told when it is woken up without its wish met.
enum class Abort { None, Deadlock, Cancelled };

// One process: a thread spawned by a Dataflow, or a testbench thread.
struct Process {
  Process(std::string processName, bool isSpawned, Region *parent)
      : name(std::move(processName)), spawned(isSpawned), region(parent),
        id(nextId()) {}

  const std::string name;
  const bool spawned;   // started by Dataflow::spawn (else a testbench thread)
  Region *const region; // the region that spawned it; null for testbench
  const std::uint64_t id; // creation order, to print reports in that order

  bool finished = false;
  Region *joining = nullptr;         // region whose children join() waits for
  std::vector<Region *> openRegions; // Dataflows it created, not yet destroyed
  FifoWaiters *blockedOn = nullptr;
  bool blockedToWrite = false;
  Abort abort = Abort::None;
  std::string abortMessage;
  std::condition_variable wake; // notified when blockedOn is cleared

  bool isLive() const {
    if (finished || joining)
      return false;
    return spawned || !openRegions.empty() || blockedOn;
  }

private:
  static std::uint64_t nextId() {
    static std::atomic<std::uint64_t> counter{0};
    return counter++;
  }
};

// The part of a Dataflow the runtime needs. Owned by the Dataflow object.
struct Region {
  std::string name;
  Process *owner = nullptr; // the thread that created the Dataflow
  std::vector<std::unique_ptr<Process>> processes;
  std::size_t running = 0; // spawned processes that have not finished
  std::exception_ptr firstError;
  bool cancelled = false;
};

// The part of a stream the runtime sees: its name, its depth and the
// processes waiting on it. The items themselves live in hls::stream.
class FifoWaiters {
public:
  FifoWaiters(std::string name, std::size_t depth)
      : name_(std::move(name)), depth_(depth) {}
  FifoWaiters(const FifoWaiters &) = delete;
  FifoWaiters &operator=(const FifoWaiters &) = delete;

  const std::string &name() const { return name_; }
  std::size_t depth() const { return depth_; }

  // The following are called with the runtime lock held.

  // Blocks the calling process until ready() holds. Throws DeadlockError or
  // CancelledError instead when the process is told to give up.
  template <typename Ready>
  void waitUntil(std::unique_lock<std::mutex> &lock, bool toWrite, Ready ready);
  // Throws CancelledError when the calling process is being stopped.
  void checkNotCancelled();
  // An item was written (read): one waiting reader (writer) may proceed.
  void wakeReader();
  void wakeWriter();

private:
  friend class Runtime;
  const std::string name_;
  const std::size_t depth_;
  std::deque<Process *> readers_; // blocked because the FIFO is empty
  std::deque<Process *> writers_; // blocked because the FIFO is full
};

// Process of the calling thread: set by Dataflow::spawn for its threads.
inline Process *&spawnedProcessOfThisThread() {
  thread_local Process *self = nullptr;
  return self;
}

inline Process &currentProcess() {
  if (Process *self = spawnedProcessOfThisThread())
    return *self;
  thread_local Process testbench("main", /*isSpawned=*/false, nullptr);
  return testbench;
}

// The global bookkeeping. Every member function except lock() expects the
// lock to be held.
class Runtime {
public:
  std::unique_lock<std::mutex> lock() {
    return std::unique_lock<std::mutex>(mutex_);
  }

  // A process spawned into a region: live from now on.
  void start(Process &p) {
    if (p.isLive())
      ++live_;
  }

  // Applies change() to p and keeps the live/blocked counts in step.
  template <typename Change> void update(Process &p, Change change) {
    bool wasLive = p.isLive();
    bool wasBlocked = p.blockedOn != nullptr;
    change();
    if (p.isLive() != wasLive)
      p.isLive() ? ++live_ : --live_;
    if ((p.blockedOn != nullptr) != wasBlocked)
      p.blockedOn ? ++blocked_ : --blocked_;
  }

  void block(Process &self, FifoWaiters &fifo, bool toWrite) {
    update(self, [&] {
      self.blockedOn = &fifo;
      self.blockedToWrite = toWrite;
    });
    (toWrite ? fifo.writers_ : fifo.readers_).push_back(&self);
    blockedById_[self.id] = &self;
    detectDeadlock();
  }

  void unblock(Process &p) {
    std::deque<Process *> &waiters =
        p.blockedToWrite ? p.blockedOn->writers_ : p.blockedOn->readers_;
    waiters.erase(std::find(waiters.begin(), waiters.end(), &p));
    blockedById_.erase(p.id);
    update(p, [&] { p.blockedOn = nullptr; });
    p.wake.notify_one();
  }

  void wakeFirst(std::deque<Process *> &waiters) {
    if (!waiters.empty())
      unblock(*waiters.front());
  }

  void throwIfAborted(Process &self) {
    if (self.abort == Abort::None)
      return;
    std::string message = self.abortMessage;
    if (self.abort == Abort::Cancelled)
      throw CancelledError(message); // sticky: the process is being stopped
    // A deadlock is over once reported; a testbench thread may go on.
    self.abort = Abort::None;
    throw DeadlockError(message);
  }

  // Call after any change that makes a process blocked or not live.
  void detectDeadlock() {
    if (live_ == 0 || blocked_ != live_)
      return;
    std::string report = "deadlock: every process is blocked";
    for (const auto &entry : blockedById_) {
      const Process &p = *entry.second;
      bool write = p.blockedToWrite;
      report += "\n  process '" + p.name + "' waits to " +
                (write ? "write '" : "read '") + p.blockedOn->name() + "' (" +
                (write ? "full" : "empty") + ", depth " +
                std::to_string(p.blockedOn->depth()) + ")";
    }
    std::vector<Process *> victims;
    for (const auto &entry : blockedById_)
      victims.push_back(entry.second);
    for (Process *p : victims) {
      p->abort = Abort::Deadlock;
      p->abortMessage = report;
      unblock(*p);
    }
  }

  // Stops every process of the region, and recursively their own regions.
  void cancel(Region &region, const std::string &reason) {
    if (region.cancelled)
      return;
    region.cancelled = true;
    for (const auto &p : region.processes) {
      if (p->finished)
        continue;
      if (p->abort == Abort::None) {
        p->abort = Abort::Cancelled;
        p->abortMessage = "process '" + p->name + "' stopped: " + reason;
        if (p->blockedOn)
          unblock(*p);
      }
      for (Region *child : p->openRegions)
        cancel(*child, reason);
    }
  }

  // A spawned process returned or threw.
  void finish(Process &p, std::exception_ptr error, const std::string &what) {
    Region &region = *p.region;
    update(p, [&] { p.finished = true; });
    if (error) {
      if (!region.firstError)
        region.firstError = error;
      cancel(region, "process '" + p.name + "' in dataflow '" + region.name +
                         "' failed: " + what);
    }
    if (--region.running == 0 && region.owner->joining == &region)
      update(*region.owner, [&] { region.owner->joining = nullptr; });
    detectDeadlock();
  }

  // For tests: processes currently counted as live / blocked.
  std::size_t liveCount() const { return live_; }
  std::size_t blockedCount() const { return blocked_; }

private:
  std::mutex mutex_;
  std::size_t live_ = 0;
  std::size_t blocked_ = 0;
  std::map<std::uint64_t, Process *> blockedById_;
};

inline Runtime &runtime() {
  static Runtime instance;
  return instance;
}

template <typename Ready>
void FifoWaiters::waitUntil(std::unique_lock<std::mutex> &lock, bool toWrite,
                            Ready ready) {
  Runtime &rt = runtime();
  Process &self = currentProcess();
  rt.throwIfAborted(self);
  while (!ready()) {
    rt.block(self, *this, toWrite);
    self.wake.wait(lock, [&] { return self.blockedOn == nullptr; });
    rt.throwIfAborted(self);
  }
}

inline void FifoWaiters::checkNotCancelled() {
  Process &self = currentProcess();
  if (self.abort == Abort::Cancelled)
    runtime().throwIfAborted(self);
}

inline void FifoWaiters::wakeReader() { runtime().wakeFirst(readers_); }
inline void FifoWaiters::wakeWriter() { runtime().wakeFirst(writers_); }

inline std::string defaultStreamName() {
  static std::atomic<unsigned> counter{0};
  return "stream#" + std::to_string(counter++);
}

} // namespace detail

namespace detail {

// Generated processes keep their tile and converter buffers on the stack, as
// Vitis HLS code does: each process thread gets a stack large enough for the
// on-chip buffers of a design (megabytes, where the default is 8 MiB).
// Override with -DSTREAMTENSOR_CSIM_STACK_BYTES=<bytes>.
#ifndef STREAMTENSOR_CSIM_STACK_BYTES
#define STREAMTENSOR_CSIM_STACK_BYTES (std::size_t(256) << 20)
#endif

class ProcessThread {
public:
  explicit ProcessThread(std::function<void()> body) : body_(std::move(body)) {
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, STREAMTENSOR_CSIM_STACK_BYTES);
    int error = pthread_create(&thread_, &attributes, &ProcessThread::run, this);
    pthread_attr_destroy(&attributes);
    if (error != 0)
      throw std::system_error(error, std::generic_category(),
                              "cannot start a process thread");
  }
  ProcessThread(const ProcessThread &) = delete;
  ProcessThread &operator=(const ProcessThread &) = delete;
  ~ProcessThread() { join(); }

  void join() {
    if (!joined_) {
      pthread_join(thread_, nullptr);
      joined_ = true;
    }
  }

private:
  static void *run(void *self) {
    static_cast<ProcessThread *>(self)->body_();
    return nullptr;
  }

  std::function<void()> body_;
  pthread_t thread_;
  bool joined_ = false;
};

} // namespace detail

// A dataflow region: spawn() starts each process on its own thread, join()
// waits for all of them and rethrows the first exception one of them threw.
// Regions nest: a process may open its own Dataflow. Create, spawn into and
// join a Dataflow from one thread.
class Dataflow {
public:
  explicit Dataflow(const char *regionName) {
    detail::Runtime &rt = detail::runtime();
    auto lock = rt.lock();
    detail::Process &owner = detail::currentProcess();
    region_.name = regionName;
    region_.owner = &owner;
    // A process being stopped must not start new work.
    region_.cancelled = owner.abort == detail::Abort::Cancelled;
    // The owner counts as live until it joins: children may block on streams
    // it has yet to feed, or on siblings it has yet to spawn.
    rt.update(owner, [&] { owner.openRegions.push_back(&region_); });
  }

  Dataflow(const Dataflow &) = delete;
  Dataflow &operator=(const Dataflow &) = delete;

  void spawn(const char *processName, std::function<void()> body) {
    detail::Runtime &rt = detail::runtime();
    detail::Process *process;
    {
      auto lock = rt.lock();
      if (region_.cancelled)
        return; // a process already failed; join() will report it
      region_.processes.push_back(std::make_unique<detail::Process>(
          processName, /*isSpawned=*/true, &region_));
      process = region_.processes.back().get();
      // Live from now on, before its thread exists: no window in which the
      // others could look deadlocked.
      rt.start(*process);
      ++region_.running;
    }
    try {
      threads_.push_back(std::make_unique<detail::ProcessThread>(
          [process, body = std::move(body)] {
        detail::spawnedProcessOfThisThread() = process;
        std::exception_ptr error;
        std::string what;
        try {
          body();
        } catch (const std::exception &e) {
          error = std::current_exception();
          what = e.what();
        } catch (...) {
          error = std::current_exception();
          what = "unknown exception";
        }
        detail::Runtime &runtime = detail::runtime();
        auto lock = runtime.lock();
        runtime.finish(*process, error, what);
      }));
    } catch (...) {
      auto lock = rt.lock();
      rt.finish(*process, std::current_exception(), "could not start thread");
      throw;
    }
  }

  void join() {
    detail::Runtime &rt = detail::runtime();
    {
      auto lock = rt.lock();
      detail::Process &owner = *region_.owner;
      if (region_.running > 0) {
        // While waiting the owner is not live; the last child to finish
        // makes it live again (Runtime::finish).
        rt.update(owner, [&] { owner.joining = &region_; });
        rt.detectDeadlock();
      }
    }
    for (std::unique_ptr<detail::ProcessThread> &thread : threads_)
      thread->join();
    threads_.clear();
    std::exception_ptr error;
    {
      auto lock = rt.lock();
      region_.processes.clear();
      std::swap(error, region_.firstError);
    }
    if (error)
      std::rethrow_exception(error);
  }

  ~Dataflow() {
    detail::Runtime &rt = detail::runtime();
    if (!threads_.empty()) {
      bool unwinding = std::uncaught_exceptions() > uncaughtAtStart_;
      if (unwinding) {
        // Left by an exception before join(): stop the children.
        auto lock = rt.lock();
        rt.cancel(region_,
                  "dataflow '" + region_.name + "' was left by an exception");
      }
      try {
        join();
      } catch (const std::exception &e) {
        if (!unwinding)
          std::fprintf(stderr,
                       "hls_sim: dataflow '%s' destroyed without join(); "
                       "dropped error: %s\n",
                       region_.name.c_str(), e.what());
      } catch (...) {
      }
    }
    auto lock = rt.lock();
    detail::Process &owner = *region_.owner;
    rt.update(owner, [&] {
      auto &open = owner.openRegions;
      open.erase(std::find(open.begin(), open.end(), &region_));
    });
    rt.detectDeadlock();
  }

private:
  detail::Region region_;
  std::vector<std::unique_ptr<detail::ProcessThread>> threads_;
  int uncaughtAtStart_ = std::uncaught_exceptions();
};

} // namespace hls_sim

#endif // STREAMTENSOR_CSIM_H
