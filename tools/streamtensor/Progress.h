//===- Progress.h - Progress lines of long commands -------------*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_PROGRESS_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_PROGRESS_H

#include "llvm/ADT/Twine.h"

#include <chrono>
#include <memory>
#include <string>

namespace streamtensor::driver {

/// Adds `steps` to the steps the command will take (the n of "[i/n]").
void planProgress(unsigned steps);

/// One step of a command. A step that takes over a second shows as
/// "[3/9] sizing FIFOs ... 4.2 s" on stderr, but only when stderr is a
/// terminal and --quiet was not given: logs and pipes stay clean.
class ProgressStep {
public:
  explicit ProgressStep(const llvm::Twine &what);
  ~ProgressStep();
  ProgressStep(const ProgressStep &) = delete;
  ProgressStep &operator=(const ProgressStep &) = delete;

private:
  struct Watch;
  std::unique_ptr<Watch> watch;
};

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_PROGRESS_H
