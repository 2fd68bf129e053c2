//===- CSim.cpp - streamtensor csim ---------------------------------------===//
//
// Builds the design's testbench with g++ against our simulation headers
// (every process on its own thread, bounded blocking FIFOs, deadlock
// detection) and runs it on input files, comparing with goldens.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "streamtensor/Target/HLSCpp.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

using namespace streamtensor;
using namespace streamtensor::driver;

namespace {

constexpr llvm::StringLiteral command = "csim";

const OptionSpec csimOptions[] = {
    {"inputs", "DIR",
     "MLIR designs: input_0.bin, input_1.bin, ... (default <out-dir>/csim/"
     "inputs)"},
    {"golden", "DIR",
     "expected outputs to compare with (output_<i>.bin; for LLMs a "
     "reference's logits and tokens)"},
    {"tolerance", "T",
     "largest relative L2 error that still matches (default 1e-4)"},
    {"cxx", "PROGRAM", "the C++ compiler (default $CXX, else g++)"},
    {"prompt", "IDS",
     "LLM designs: comma-separated prompt token ids (default 1,...,8)"},
    {"steps", "N", "LLM designs: greedy decode steps after the prompt "
                   "(default 8)"},
};

const llvm::StringLiteral csimExamples[] = {
    "streamtensor csim out/attention --inputs examples/attention/data "
    "--golden out/attention.golden",
    "streamtensor csim out/llama --prompt 3,14,15,92 --steps 8",
    "streamtensor csim out/attention --inputs DIR --golden DIR --json",
};

const CommandSpec csimSpec{
    "csim",
    "csim <out-dir> [options]",
    "Builds the design with g++ against the C-simulation headers (a thread\n"
    "per dataflow process, bounded blocking FIFOs, deadlock detection) and\n"
    "runs it: an MLIR model's testbench on input files, or an LLM's host\n"
    "program (prefill, then greedy decode; csim/llm_host also samples, see\n"
    "docs/host.md). With --golden, the outputs are compared and any\n"
    "mismatch fails the command (exit code 1).",
    csimOptions,
    csimExamples,
    "pass or fail, the largest errors against the golden and the outputs "
    "folder"};

/// Where a child's output goes: ours, or a log file when ours must stay
/// quiet or hold JSON only.
std::optional<std::string> childLog;

/// Runs a program; returns its exit code, -1 when it could not be started
/// and -2 when it crashed.
int run(llvm::StringRef program, llvm::ArrayRef<std::string> args) {
  std::vector<llvm::StringRef> argv{program};
  for (const std::string &arg : args)
    argv.push_back(arg);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, std::nullopt,
                                                std::nullopt};
  if (childLog)
    redirects[1] = redirects[2] = llvm::StringRef(*childLog);
  std::string message;
  int code = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, redirects,
                                       0, 0, &message);
  if (code == -1)
    reportError(command, "cannot run " + program + ": " + message);
  if (code == -2)
    reportInternalError(command, program + " crashed: " + message);
  return code;
}

/// The child's captured output, to stderr after a failure.
void showChildLog() {
  if (!childLog)
    return;
  if (auto buffer = llvm::MemoryBuffer::getFile(*childLog))
    llvm::errs() << (*buffer)->getBuffer();
}

/// What --json reports of a run: the comparison lines the testbench and
/// the host program print.
llvm::json::Object summarizeRun(bool passed, const std::string &design,
                                const std::string &outputs, bool golden) {
  llvm::json::Object summary{{"command", "csim"},
                             {"status", passed ? "pass" : "fail"},
                             {"design", design},
                             {"outputs", outputs},
                             {"golden", golden}};
  if (!childLog)
    return summary;
  auto buffer = llvm::MemoryBuffer::getFile(*childLog);
  if (!buffer)
    return summary;
  llvm::Regex tensor("^([^ ]+): relative L2 error ([^ ,]+), max abs error "
                     "([^ :]+): (match|MISMATCH)$");
  llvm::Regex step("^step ([0-9]+): logits relative L2 error ([^ ,]+), "
                   "token (-?[0-9]+) \\(reference (-?[0-9]+)\\): "
                   "(match|MISMATCH)$");
  llvm::json::Array compared, tokens;
  double maxRelative = 0, maxAbsolute = 0;
  bool anyAbsolute = false;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    llvm::SmallVector<llvm::StringRef> match;
    double relative = 0, absolute = 0;
    if (tensor.match(line, &match) && !match[2].getAsDouble(relative) &&
        !match[3].getAsDouble(absolute)) {
      compared.push_back(llvm::json::Object{{"name", match[1]},
                                            {"relative_l2_error", relative},
                                            {"max_abs_error", absolute},
                                            {"match", match[4] == "match"}});
      maxRelative = std::max(maxRelative, relative);
      maxAbsolute = std::max(maxAbsolute, absolute);
      anyAbsolute = true;
    } else if (step.match(line, &match) && !match[2].getAsDouble(relative)) {
      compared.push_back(llvm::json::Object{{"step", match[1]},
                                            {"logits_relative_l2_error",
                                             relative},
                                            {"token", match[3]},
                                            {"reference_token", match[4]},
                                            {"match", match[5] == "match"}});
      maxRelative = std::max(maxRelative, relative);
    } else if (line.consume_front("tokens:")) {
      llvm::SmallVector<llvm::StringRef> ids;
      line.split(ids, ' ', -1, /*KeepEmpty=*/false);
      for (llvm::StringRef id : ids) {
        int64_t value;
        if (!id.getAsInteger(10, value))
          tokens.push_back(value);
      }
    }
  }
  if (!compared.empty()) {
    summary["max_relative_l2_error"] = maxRelative;
    if (anyAbsolute)
      summary["max_abs_error"] = maxAbsolute;
    summary["compared"] = std::move(compared);
  }
  if (!tokens.empty())
    summary["tokens"] = std::move(tokens);
  return summary;
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
  std::vector<std::string> compileArgs = getCSimFlags(design);
  std::error_code error;
  for (llvm::sys::fs::directory_iterator file(design + "/hls", error), end;
       file != end && !error; file.increment(error))
    if (llvm::StringRef(file->path()).ends_with(".cpp"))
      compileArgs.push_back(file->path());
  for (const std::string &source : sources)
    compileArgs.push_back(design + "/" + source);
  compileArgs.push_back("-o");
  compileArgs.push_back(executable);
  int code = run(compiler, compileArgs);
  if (code == 0)
    return true;
  showChildLog();
  // The compiler exists (findCompiler); the C++ it rejects is ours.
  if (code > 0)
    reportInternalError(command, "the generated C++ does not compile ("
                                 "building " +
                                     executable + " failed, see above)");
  return false;
}

int finishRun(int code, const std::string &design, const std::string &outputs,
              bool golden, llvm::StringRef done, llvm::StringRef mismatch,
              llvm::StringRef failure) {
  printJson(summarizeRun(code == 0, design, outputs, golden));
  if (code == 0) {
    textOut() << "streamtensor csim: " << design << ": " << done << "\n";
    return Success;
  }
  if (code < 0)
    return Failure;
  showChildLog();
  reportError(command, code == 3 ? mismatch : failure);
  return Failure;
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
  if (!llvm::sys::fs::exists(design + "/params/embed/embed_tokens.bin")) {
    reportError(command, design + " has no packed weights (compile with "
                                  "--params yes)");
    return Failure;
  }
  std::string prompt = arguments.get("prompt").value_or("1,2,3,4,5,6,7,8");
  std::optional<int64_t> steps =
      arguments.getInteger(command, "steps", 8, 0, 1 << 20);
  if (!steps)
    return Failure;
  CSimProgram program = getCSimProgram(/*llm=*/true);
  std::string executable = design + "/" + program.program;
  if (!buildProgram(compiler, design, program.sources, executable))
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
  return finishRun(code, design, outputs, golden.has_value(),
                   "logits and tokens in " + outputs +
                       (golden ? ", all match the reference" : ""),
                   "logits or tokens do not match the reference",
                   "the host program failed (see above)");
}

} // namespace

int streamtensor::driver::runCSim(llvm::ArrayRef<const char *> args) {
  Arguments arguments;
  if (std::optional<int> exit = arguments.parse(csimSpec, args))
    return *exit;
  if (arguments.positionals.size() != 1) {
    reportError(command, "expects one design folder (written by streamtensor "
                         "compile)");
    return Usage;
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
  if (isQuiet() || wantsJson())
    childLog = design + "/csim/run.log";
  if (llvm::sys::fs::exists(design + "/host/llm_main.cpp"))
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
  CSimProgram program = getCSimProgram(/*llm=*/false);
  std::string executable = design + "/" + program.program;
  if (!buildProgram(*compiler, design, program.sources, executable))
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
  return finishRun(code, design, outputs, golden.has_value(),
                   "outputs in " + outputs +
                       (golden ? ", all match the golden" : " (no golden given)"),
                   "outputs do not match the golden",
                   code == 2 ? "the simulation failed (see above)"
                             : "the testbench failed");
}
