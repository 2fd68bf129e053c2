//===- DiagnosticPrinter.cpp - Diagnostics for people and scripts ---------===//

#include "streamtensor/Frontend/DiagnosticPrinter.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {

/// "file:line:col", as mlir-opt prints a location, or "" when there is no
/// file in it.
std::string describe(Location loc) {
  auto file = loc->findInstanceOf<FileLineColLoc>();
  if (!file)
    return "";
  std::string text;
  llvm::raw_string_ostream(text) << file.getFilename().getValue() << ':'
                                 << file.getLine() << ':' << file.getColumn();
  return text;
}

/// A message on one line: a printed type or op may hold line breaks.
std::string flatten(const Diagnostic &diag) {
  std::string text = diag.str();
  for (char &c : text)
    if (c == '\n')
      c = ' ';
  return text;
}

llvm::StringRef getSeverityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

void printOneLine(Diagnostic &diag) {
  std::string where = describe(diag.getLocation());
  llvm::raw_ostream &os = llvm::errs();
  if (!where.empty())
    os << where << ": ";
  os << getSeverityName(diag.getSeverity()) << ": " << flatten(diag);
  for (Diagnostic &note : diag.getNotes()) {
    os << "; note: " << flatten(note);
    std::string noteWhere = describe(note.getLocation());
    if (!noteWhere.empty() && noteWhere != where)
      os << " (" << noteWhere << ")";
  }
  os << "\n";
}

} // namespace

streamtensor::DiagnosticPrinter::DiagnosticPrinter(MLIRContext &context,
                                                   bool sourceLines) {
  // An empty source manager: the handler loads each file by name to show
  // the user's line.
  if (sourceLines) {
    withSource =
        std::make_unique<SourceMgrDiagnosticHandler>(sourceMgr, &context);
    return;
  }
  oneLine =
      std::make_unique<ScopedDiagnosticHandler>(&context, [](Diagnostic &diag) {
        printOneLine(diag);
        return success();
      });
}

streamtensor::DiagnosticPrinter::~DiagnosticPrinter() = default;
