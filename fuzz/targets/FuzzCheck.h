//===- FuzzCheck.h - What every fuzz target checks -------------*- C++ -*-===//
//
// Besides crashes, leaks and undefined behaviour (the sanitizers' job), the
// targets check what the readers promise of their errors: one line, starting
// with the name of the input, so that a bad file never yields a message that
// names nothing or spills over several lines. A broken promise aborts, which
// libFuzzer reports as a crash with the input that caused it.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_FUZZ_FUZZCHECK_H
#define STREAMTENSOR_FUZZ_FUZZCHECK_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace streamtensor::fuzz {

/// Aborts with `what` when `condition` does not hold.
inline void check(bool condition, const llvm::Twine &what) {
  if (condition)
    return;
  llvm::errs() << "fuzz check failed: " << what << "\n";
  std::abort();
}

/// Consumes `error` and checks its message: one non-empty line that starts
/// with `prefix`.
inline void checkErrorMessage(llvm::Error error, llvm::StringRef prefix) {
  std::string message = llvm::toString(std::move(error));
  llvm::StringRef text(message);
  check(text.starts_with(prefix) && text.size() > prefix.size(),
        "error message does not start with '" + prefix + "': " + text);
  check(!text.contains('\n') && !text.contains('\r'),
        "error message is not one line: " + text);
}

} // namespace streamtensor::fuzz

#endif // STREAMTENSOR_FUZZ_FUZZCHECK_H
