//===- CSim.cpp - streamtensor csim ---------------------------------------===//
//
// Builds the design's testbench with g++ against our simulation headers
// (every process on its own thread, bounded blocking FIFOs, deadlock
// detection) and runs it on input files, comparing with goldens.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace streamtensor::driver;

namespace {

constexpr llvm::StringLiteral command = "csim";

/// Runs a program, its output going to ours; returns its exit code, or -1
/// when it could not be started.
int run(llvm::StringRef program, llvm::ArrayRef<std::string> args) {
  std::vector<llvm::StringRef> argv{program};
  for (const std::string &arg : args)
    argv.push_back(arg);
  std::string message;
  int code = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, {}, 0, 0,
                                       &message);
  if (code < 0)
    reportError(command, "cannot run " + program + ": " + message);
  return code;
}

std::string absolute(llvm::StringRef path) {
  llvm::SmallString<256> result(path);
  llvm::sys::fs::make_absolute(result);
  return std::string(result);
}

} // namespace

int streamtensor::driver::runCSim(llvm::ArrayRef<const char *> args) {
  Arguments arguments;
  if (!arguments.parse(command, args, {"inputs", "golden", "tolerance", "cxx"},
                       {}))
    return Failure;
  if (arguments.positionals.size() != 1) {
    reportError(command, "expects one design folder (written by streamtensor "
                         "compile)");
    return Failure;
  }
  std::string design = absolute(arguments.positionals.front());
  if (!llvm::sys::fs::exists(design + "/report.json")) {
    reportError(command, design + " is not a design written by streamtensor "
                                  "compile");
    return Failure;
  }
  if (!llvm::sys::fs::exists(design + "/csim/testbench.cpp")) {
    reportError(command, design + " has no C-simulation testbench (the "
                                  "reason is under \"csim\" in report.json)");
    return Failure;
  }
  std::string inputs =
      absolute(arguments.get("inputs").value_or(design + "/csim/inputs"));
  if (!llvm::sys::fs::is_directory(inputs)) {
    reportError(command, "no inputs: " + inputs +
                             " is not a folder (give --inputs DIR with "
                             "input_0.bin, input_1.bin, ...)");
    return Failure;
  }
  std::optional<std::string> golden = arguments.get("golden");
  if (golden && !llvm::sys::fs::is_directory(*golden)) {
    reportError(command, "--golden " + *golden + " is not a folder");
    return Failure;
  }
  std::string tolerance = arguments.get("tolerance").value_or("1e-4");
  double toleranceValue;
  if (llvm::StringRef(tolerance).getAsDouble(toleranceValue) ||
      toleranceValue < 0) {
    reportError(command, "--tolerance must be a non-negative number, got '" +
                             tolerance + "'");
    return Failure;
  }

  // Build.
  std::string compilerName = arguments.get("cxx").value_or(
      getenv("CXX") ? getenv("CXX") : "g++");
  llvm::ErrorOr<std::string> compiler =
      llvm::sys::findProgramByName(compilerName);
  if (!compiler) {
    reportError(command, "cannot find the C++ compiler '" + compilerName + "'");
    return Failure;
  }
  std::vector<std::string> compileArgs{
      "-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-pthread",
      "-DSTREAMTENSOR_CSIM",
      "-DSTREAMTENSOR_PARAMS_DIR=\"" + design + "/csim/params\"",
      "-I" + design + "/csim/include", "-I" + design + "/hls"};
  std::error_code error;
  for (llvm::sys::fs::directory_iterator file(design + "/hls", error), end;
       file != end && !error; file.increment(error))
    if (llvm::StringRef(file->path()).ends_with(".cpp"))
      compileArgs.push_back(file->path());
  compileArgs.push_back(design + "/csim/testbench.cpp");
  std::string executable = design + "/csim/testbench";
  compileArgs.push_back("-o");
  compileArgs.push_back(executable);
  if (run(*compiler, compileArgs) != 0) {
    reportError(command, "building the testbench failed");
    return Failure;
  }

  // Run.
  std::string outputs = design + "/csim/outputs";
  llvm::sys::fs::create_directories(outputs);
  std::vector<std::string> runArgs{inputs, outputs};
  if (golden) {
    runArgs.push_back(absolute(*golden));
    runArgs.push_back(tolerance);
  }
  int code = run(executable, runArgs);
  if (code == 0) {
    llvm::outs() << "streamtensor csim: " << design << ": outputs in "
                 << outputs
                 << (golden ? ", all match the golden" : " (no golden given)")
                 << "\n";
    return Success;
  }
  reportError(command, code == 3   ? "outputs do not match the golden"
                       : code == 2 ? "the simulation failed (see above)"
                                   : "the testbench failed");
  return Failure;
}
