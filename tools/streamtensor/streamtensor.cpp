//===- streamtensor.cpp - The user's driver -------------------------------===//
//
// streamtensor compile <input> -o <dir>   build a dataflow accelerator design
// streamtensor csim <dir>                 run it in C simulation
// streamtensor simulate <dir>             estimate its performance
//
// Each command parses its own options (streamtensor <command> --help). The
// exit codes are those of Commands.h; a crash is turned into Internal
// (CrashGuard.h) so that scripts can tell our bugs from their inputs'
// problems.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "CrashGuard.h"
#include "ReportHtml.h"

#include "streamtensor/Version.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace {

using namespace streamtensor::driver;

struct Command {
  llvm::StringRef name;
  llvm::StringRef usage;
  llvm::StringRef summary;
  int (*run)(llvm::ArrayRef<const char *> args);
};

// The commands of DESIGN.md section 1.
const Command commands[] = {
    {"compile", "compile <input> -o <out-dir> [options]",
     "build the dataflow accelerator design of a model (.mlir, a model "
     "folder or a preset)",
     runCompile},
    {"csim", "csim <out-dir> [options]",
     "run the generated design in C simulation and check its outputs",
     runCSim},
    {"simulate", "simulate <out-dir> [options]",
     "estimate the design's cycles with the cycle-level simulator",
     runSimulate},
    {"report", "report <out-dir>",
     "write <out-dir>/report.html again (graph, tables, roofline)", runReport},
};

void printVersion(llvm::raw_ostream &os) {
  os << "streamtensor " << STREAMTENSOR_VERSION_STRING << " (MLIR/LLVM "
     << LLVM_VERSION_STRING << ")\n";
}

void printHelp(llvm::raw_ostream &os) {
  os << "streamtensor: compile deep-learning models into stream-based "
        "dataflow accelerators for FPGAs\n\n"
        "Usage: streamtensor <command> [options]\n\nCommands:\n";
  for (const Command &command : commands)
    os << "  " << command.usage << "\n      " << command.summary << "\n";
  os << "\nOptions:\n"
        "  --help       show this help (streamtensor <command> --help for a "
        "command's options)\n"
        "  --version    show the version\n\n"
        "Examples:\n"
        "  streamtensor compile gpt2-medium --precision w4a8 -o out/gpt2\n"
        "  streamtensor csim out/gpt2 --prompt 3,14,15 --steps 8\n"
        "  streamtensor simulate out/gpt2 --json\n\n"
        "Exit codes: 0 ok, 1 bad input or a failed check, 2 usage error, 3 "
        "internal error (docs/cli.md).\n";
}

/// Runs a command; a crash in it exits with Internal and one line saying so
/// (the stack is printed above it).
int runGuarded(const Command &command, llvm::ArrayRef<const char *> args) {
  installCrashGuard(command.name);
  crashIfAskedForTest();
  int code = command.run(args);
  if (code == Failure && hadInternalError())
    return Internal;
  return code;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::ArrayRef<const char *> args(argv + 1, argv + argc);
  if (args.empty()) {
    printHelp(llvm::errs());
    return Usage;
  }
  llvm::StringRef first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    printHelp(llvm::outs());
    return Success;
  }
  if (first == "--version") {
    printVersion(llvm::outs());
    return Success;
  }
  for (const Command &command : commands)
    if (command.name == first)
      return runGuarded(command, args.drop_front());
  llvm::errs() << "streamtensor: unknown command '" << first
               << "' (see streamtensor --help)\n";
  return Usage;
}
