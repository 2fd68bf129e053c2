//===- CrashGuard.cpp - Exit code 3 on a crash, whatever the heap's state -===//
//
// The handler may run after glibc found the heap corrupt ("malloc():
// corrupted top size") and called abort() while holding malloc's arena
// lock: whatever allocates after that waits for the lock forever. llvm's
// crash handler allocates (it symbolizes the stack by running
// llvm-symbolizer), and the driver, which ran the commands under
// llvm::CrashRecoveryContext and so under that handler, hung there.
//
// So the fatal signals get a handler of our own that calls only
// async-signal-safe functions: the stack as raw addresses
// (backtrace_symbols_fd writes straight to the descriptor), then the one
// line of docs/cli.md, composed in a buffer filled before the command ran,
// then _exit. A watchdog ends the dump if even that blocks. The handler is
// process-wide, so a crash in a pass running on a worker thread is caught
// as well.
//
//===----------------------------------------------------------------------===//

#include "CrashGuard.h"
#include "Commands.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <execinfo.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

/// Seconds the stack dump may take before the line is printed anyway.
constexpr unsigned kWatchdogSeconds = 10;

/// "streamtensor <command>: internal error: streamtensor crashed (",
/// written before the command runs: the handler cannot format.
char linePrefix[128];
constexpr char kLineSuffix[] = ") (a bug in streamtensor; please report it "
                               "with the command line and the input)\n";

/// The thread that is reporting a crash (0: none yet) and its signal.
std::atomic<long> crashingThread{0};
std::atomic<int> crashSignal{0};

/// The handler's stack on the main thread, where a stack overflow leaves
/// no room for it (64 KiB: SIGSTKSZ is no constant in newer glibc).
alignas(16) char alternateStack[1 << 16];

void writeText(const char *text) {
  size_t length = std::strlen(text);
  while (length > 0) {
    ssize_t written = write(STDERR_FILENO, text, length);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return;
    text += written;
    length -= size_t(written);
  }
}

const char *getSignalName(int signal) {
  switch (signal) {
  case SIGSEGV:
    return "SIGSEGV";
  case SIGBUS:
    return "SIGBUS";
  case SIGILL:
    return "SIGILL";
  case SIGFPE:
    return "SIGFPE";
  case SIGABRT:
    return "SIGABRT";
  }
  return "a fatal signal";
}

[[noreturn]] void finish(int signal) {
  writeText(linePrefix);
  writeText(getSignalName(signal));
  writeText(kLineSuffix);
  _exit(streamtensor::driver::Internal);
}

void onWatchdog(int) { finish(crashSignal.load()); }

void onFatalSignal(int signal) {
  long self = syscall(SYS_gettid);
  long first = 0;
  if (!crashingThread.compare_exchange_strong(first, self)) {
    // The dump itself faulted: report the first signal and stop.
    if (first == self)
      finish(crashSignal.load());
    // Another thread crashed meanwhile; the first one reports and exits.
    for (;;)
      pause();
  }
  crashSignal = signal;
  struct sigaction watchdog = {};
  watchdog.sa_handler = onWatchdog;
  sigemptyset(&watchdog.sa_mask);
  sigaction(SIGALRM, &watchdog, nullptr);
  alarm(kWatchdogSeconds);

  void *frames[64];
  int count = backtrace(frames, 64);
  writeText("Stack (llvm-symbolizer --obj=FILE OFFSET names a frame):\n");
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  finish(signal);
}

/// Where corruptHeap() keeps its blocks; volatile, so that the compiler
/// keeps the allocations.
void *volatile heapBlocks[2];

/// Overwrites the size of malloc's top chunk, as a write past the end of
/// the last block would, then asks for memory from it: glibc aborts with
/// "malloc(): corrupted top size" while it holds its arena lock.
///
/// Under AddressSanitizer (`make sanitize`) malloc is ASan's, not glibc's:
/// there is no arena lock to hold, and the write would be ASan's report of
/// a heap overflow, which that build counts as a bug. There the hook only
/// aborts, as glibc would, and the test still sees the handler's line.
[[noreturn]] void corruptHeap() {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) &&                    \
    !defined(STREAMTENSOR_ADDRESS_SANITIZER)
  // Larger than any free chunk yet and below the mmap threshold: carved
  // from the top chunk, whose size field follows it.
  char *block = static_cast<char *>(std::malloc(100000));
  heapBlocks[0] = block;
  std::memset(block + malloc_usable_size(block), 0xff, sizeof(size_t));
  heapBlocks[1] = std::malloc(100000);
#endif
  std::abort();
}

/// Stores through a null pointer. The fault is the point: UBSan's check
/// (`make sanitize`) would report the store and abort before it faulted.
__attribute__((no_sanitize("undefined"))) void writeThroughNull() {
  static int *volatile nowhere = nullptr;
  *nowhere = 1;
}

} // namespace

void streamtensor::driver::installCrashGuard(llvm::StringRef command) {
  std::snprintf(linePrefix, sizeof(linePrefix),
                "streamtensor %.*s: internal error: streamtensor crashed (",
                int(command.size()), command.data());
  // The first backtrace() loads the unwinder, which allocates: now, not in
  // the handler.
  void *frame;
  backtrace(&frame, 1);

  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
    stack_t stack = {};
    stack.ss_sp = alternateStack;
    stack.ss_size = sizeof(alternateStack);
    sigaltstack(&stack, nullptr);
  }
  struct sigaction action = {};
  action.sa_handler = onFatalSignal;
  // SA_NODEFER: a fault inside the handler enters it again (and finishes)
  // instead of killing the process without the line.
  action.sa_flags = SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (int signal : kFatalSignals)
    sigaction(signal, &action, nullptr);
}

void streamtensor::driver::crashIfAskedForTest() {
  const char *how = std::getenv("STREAMTENSOR_TEST_CRASH");
  if (!how)
    return;
  llvm::StringRef kind(how);
  if (kind == "segv")
    writeThroughNull();
  if (kind == "abort")
    std::abort();
  if (kind == "heap")
    corruptHeap();
  if (kind == "thread")
    std::thread(writeThroughNull).join();
}
