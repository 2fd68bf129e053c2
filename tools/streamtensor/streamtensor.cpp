//===- streamtensor.cpp - The user's driver -------------------------------===//
//
// streamtensor compile <input> -o <dir>   build a dataflow accelerator design
// streamtensor csim <dir>                 run it in C simulation
// streamtensor simulate <dir>             estimate its performance
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

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
  /// Empty until the command is built.
  int (*run)(llvm::ArrayRef<const char *> args);
};

// The commands of DESIGN.md section 1. Each is wired in here as it lands.
const Command commands[] = {
    {"compile",
     "compile <model.mlir> -o <out-dir> [--tile-size N] [--unroll-factor U]\n"
     "          [--max-on-chip-bytes B] [--fifo-depth [KERNEL/]FIFO=DEPTH]...\n"
     "          [--dump-ir DIR] [--entry NAME]",
     "build the dataflow accelerator design of a model", runCompile},
    {"csim", "csim <out-dir> [--inputs DIR] [--golden DIR] [--tolerance T]",
     "run the generated design in C simulation and check its outputs", runCSim},
    {"simulate",
     "simulate <out-dir> [--unbounded] [--json FILE] [--platform P]",
     "estimate the design's cycles with the cycle-level simulator",
     runSimulate},
};

void printVersion(llvm::raw_ostream &os) {
  os << "streamtensor " << STREAMTENSOR_VERSION_STRING << " (MLIR/LLVM "
     << LLVM_VERSION_STRING << ")\n";
}

void printHelp(llvm::raw_ostream &os) {
  os << "streamtensor: compile deep-learning models into stream-based "
        "dataflow accelerators for FPGAs\n\n"
        "Usage: streamtensor <command> [options]\n\nCommands:\n";
  for (const Command &command : commands) {
    os << "  " << command.usage << "\n      " << command.summary;
    if (!command.run)
      os << " (not built yet)";
    os << "\n";
  }
  os << "\nOptions:\n"
        "  --help       show this help\n"
        "  --version    show the version\n";
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::ArrayRef<const char *> args(argv + 1, argv + argc);
  if (args.empty()) {
    printHelp(llvm::errs());
    return Failure;
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
  for (const Command &command : commands) {
    if (command.name != first)
      continue;
    if (!command.run) {
      llvm::errs() << "streamtensor: '" << command.name
                   << "' is not built yet in this version\n";
      return NotAvailable;
    }
    return command.run(args.drop_front());
  }
  llvm::errs() << "streamtensor: unknown command '" << first
               << "' (see streamtensor --help)\n";
  return Failure;
}
