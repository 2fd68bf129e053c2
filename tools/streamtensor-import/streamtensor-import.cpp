//===- streamtensor-import.cpp - Run the importer, print the module -------===//
//
// A test tool for stage 1: reads a linalg-on-tensors file (or "-" for stdin)
// with streamtensor::importLinalgModule, prints the upgrade notes and any
// diagnostics to stderr and the module to stdout. Exits 1 on failure.
// Diagnostics show the user's line on a terminal or with --source-lines,
// and are one line each otherwise, as in the driver.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Frontend/DiagnosticPrinter.h"
#include "streamtensor/Frontend/ImportMLIR.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<input .mlir file>"),
                                          cl::init("-"));
static cl::opt<std::string> entryName("entry",
                                      cl::desc("Name of the entry function"),
                                      cl::value_desc("name"),
                                      cl::init("forward"));
static cl::opt<bool>
    sourceLines("source-lines",
                cl::desc("Show the user's line under each diagnostic (the "
                         "default when stderr is a terminal)"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "StreamTensor importer: upgrade, parse and check a "
      "linalg-on-tensors module, then print it\n");

  mlir::MLIRContext context;
  streamtensor::DiagnosticPrinter printer(
      context, sourceLines || llvm::errs().is_displayed());

  mlir::OwningOpRef<mlir::ModuleOp> module = streamtensor::importLinalgModule(
      inputFilename, context, llvm::errs(), entryName);
  if (!module)
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}
