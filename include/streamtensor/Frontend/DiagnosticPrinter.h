//===- DiagnosticPrinter.h - Diagnostics for people and scripts -*- C++ -*-===//
//
// How the tools print the errors of a model: with the user's line and a
// caret under it when a person reads them on a terminal, one line each when
// a log or a script does (docs/cli.md: "one line each").
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_FRONTEND_DIAGNOSTICPRINTER_H
#define STREAMTENSOR_FRONTEND_DIAGNOSTICPRINTER_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace streamtensor {

/// Prints the diagnostics of `context` on stderr while it lives. With
/// `sourceLines`, as mlir-opt does: location, message, the user's line with
/// a caret, then the notes. Without, one line per diagnostic with its notes
/// folded in: "file:line:col: error: message; note: text (file:line:col)".
class DiagnosticPrinter {
public:
  DiagnosticPrinter(mlir::MLIRContext &context, bool sourceLines);
  ~DiagnosticPrinter();

private:
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<mlir::SourceMgrDiagnosticHandler> withSource;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> oneLine;
};

} // namespace streamtensor

#endif // STREAMTENSOR_FRONTEND_DIAGNOSTICPRINTER_H
