//===- Progress.cpp - Progress lines of long commands ---------------------===//
//
// A step's line appears once the step has run for a second (a watcher
// thread waits that long), so that fast runs print nothing and a slow stage
// is visible while it runs, not only after it.
//
//===----------------------------------------------------------------------===//

#include "Progress.h"
#include "Commands.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace streamtensor::driver;
using Clock = std::chrono::steady_clock;

namespace {
unsigned plannedSteps = 0;
unsigned startedSteps = 0;

bool isShown() {
  return !isQuiet() && llvm::sys::Process::StandardErrIsDisplayed();
}
} // namespace

struct ProgressStep::Watch {
  std::string line;
  Clock::time_point start = Clock::now();
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  bool printed = false;
  std::thread watcher;
};

void streamtensor::driver::planProgress(unsigned steps) {
  plannedSteps += steps;
}

ProgressStep::ProgressStep(const llvm::Twine &what) {
  ++startedSteps;
  if (!isShown())
    return;
  watch = std::make_unique<Watch>();
  watch->line = llvm::formatv("[{0}/{1}] {2} ...", startedSteps,
                              std::max(plannedSteps, startedSteps), what.str())
                    .str();
  Watch *state = watch.get();
  state->watcher = std::thread([state] {
    std::unique_lock<std::mutex> lock(state->mutex);
    if (state->finished.wait_for(lock, std::chrono::seconds(1),
                                 [state] { return state->done; }))
      return;
    llvm::errs() << state->line;
    llvm::errs().flush();
    state->printed = true;
  });
}

ProgressStep::~ProgressStep() {
  if (!watch)
    return;
  {
    std::lock_guard<std::mutex> lock(watch->mutex);
    watch->done = true;
  }
  watch->finished.notify_one();
  watch->watcher.join();
  if (watch->printed)
    llvm::errs() << llvm::formatv(
        " {0:F1} s\n",
        std::chrono::duration<double>(Clock::now() - watch->start).count());
}
