//===- CrashGuard.h - Exit code 3 on a crash --------------------*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_CRASHGUARD_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_CRASHGUARD_H

#include "llvm/ADT/StringRef.h"

namespace streamtensor::driver {

/// From now on a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) in
/// any thread prints the raw stack and the line "streamtensor <command>:
/// internal error: streamtensor crashed (<signal>) ..." and exits with
/// code 3 (Internal). Call once, after llvm::InitLLVM.
void installCrashGuard(llvm::StringRef command);

/// The test hook: crashes the way the environment variable
/// STREAMTENSOR_TEST_CRASH says (segv, abort, heap, thread), or does
/// nothing when it is not set. Not in --help; for the tests only.
void crashIfAskedForTest();

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_CRASHGUARD_H
