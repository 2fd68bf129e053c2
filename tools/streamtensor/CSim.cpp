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

std::optional<std::string> findCompiler(const Arguments &arguments) {
  std::string name =
      arguments.get("cxx").value_or(getenv("CXX") ? getenv("CXX") : "g++");
  llvm::ErrorOr<std::string> compiler = llvm::sys::findProgramByName(name);
  if (!compiler) {
    reportError(command, "cannot find the C++ compiler '" + name + "'");
    return std::nullopt;
  }
  return *compiler;
}

/// Compiles the design's kernels with `sources` against the simulation
/// headers into `executable`.
bool buildProgram(const std::string &compiler, const std::string &design,
                  const std::vector<std::string> &sources,
                  const std::string &executable) {
  std::vector<std::string> compileArgs{"-std=c++17",
                                       "-O2",
                                       "-Wall",
                                       "-Wextra",
                                       "-Werror",
                                       "-pthread",
                                       "-DSTREAMTENSOR_CSIM",
                                       "-DSTREAMTENSOR_PARAMS_DIR=\"" + design +
                                           "/csim/params\"",
                                       "-I" + design + "/csim/include",
                                       "-I" + design + "/hls",
                                       "-I" + design + "/csim"};
  std::error_code error;
  for (llvm::sys::fs::directory_iterator file(design + "/hls", error), end;
       file != end && !error; file.increment(error))
    if (llvm::StringRef(file->path()).ends_with(".cpp"))
      compileArgs.push_back(file->path());
  compileArgs.insert(compileArgs.end(), sources.begin(), sources.end());
  compileArgs.push_back("-o");
  compileArgs.push_back(executable);
  if (run(compiler, compileArgs) != 0) {
    reportError(command, "building " + executable + " failed");
    return false;
  }
  return true;
}

/// An LLM design: the host program runs prefill of the prompt, then greedy
/// decode steps, layer by layer, and compares logits and tokens with a
/// reference's when given one.
int runModel(const Arguments &arguments, const std::string &design,
             const std::string &compiler,
             const std::optional<std::string> &golden,
             const std::string &tolerance) {
  if (arguments.has("inputs")) {
    reportError(command, "--inputs applies to MLIR designs; an LLM design "
                         "takes --prompt ids");
    return Failure;
  }
  if (!llvm::sys::fs::exists(design + "/params/embed_tokens.bin")) {
    reportError(command, design + " has no packed weights (compile with "
                                  "--params yes)");
    return Failure;
  }
  std::string prompt = arguments.get("prompt").value_or("1,2,3,4,5,6,7,8");
  std::optional<int64_t> steps =
      arguments.getInteger(command, "steps", 8, 0, 1 << 20);
  if (!steps)
    return Failure;
  std::string executable = design + "/csim/llm_host";
  if (!buildProgram(
          compiler, design,
          {design + "/csim/llm_graphs.cpp", design + "/csim/llm_host.cpp"},
          executable))
    return Failure;
  std::string outputs = design + "/csim/outputs";
  llvm::sys::fs::create_directories(outputs);
  std::vector<std::string> runArgs{design + "/params", outputs,
                                   "--prompt",         prompt,
                                   "--steps",          std::to_string(*steps)};
  if (golden) {
    runArgs.insert(runArgs.end(),
                   {"--golden", absolute(*golden), "--tolerance", tolerance});
  }
  int code = run(executable, runArgs);
  if (code == 0) {
    llvm::outs() << "streamtensor csim: " << design << ": logits and tokens in "
                 << outputs << (golden ? ", all match the reference" : "")
                 << "\n";
    return Success;
  }
  reportError(command, code == 3 ? "logits or tokens do not match the "
                                   "reference"
                                 : "the host program failed (see above)");
  return Failure;
}

} // namespace

int streamtensor::driver::runCSim(llvm::ArrayRef<const char *> args) {
  Arguments arguments;
  if (!arguments.parse(
          command, args,
          {"inputs", "golden", "tolerance", "cxx", "prompt", "steps"}, {}))
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
  std::string tolerance = arguments.get("tolerance").value_or("1e-4");
  double toleranceValue;
  if (llvm::StringRef(tolerance).getAsDouble(toleranceValue) ||
      toleranceValue < 0) {
    reportError(command, "--tolerance must be a non-negative number, got '" +
                             tolerance + "'");
    return Failure;
  }
  std::optional<std::string> golden = arguments.get("golden");
  if (golden && !llvm::sys::fs::is_directory(*golden)) {
    reportError(command, "--golden " + *golden + " is not a folder");
    return Failure;
  }
  std::optional<std::string> compiler = findCompiler(arguments);
  if (!compiler)
    return Failure;
  if (llvm::sys::fs::exists(design + "/csim/llm_host.cpp"))
    return runModel(arguments, design, *compiler, golden, tolerance);
  for (const char *modelOption : {"prompt", "steps"})
    if (arguments.has(modelOption)) {
      reportError(command, "--" + llvm::Twine(modelOption) +
                               " applies to LLM designs only");
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
  std::string executable = design + "/csim/testbench";
  if (!buildProgram(*compiler, design, {design + "/csim/testbench.cpp"},
                    executable))
    return Failure;

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
