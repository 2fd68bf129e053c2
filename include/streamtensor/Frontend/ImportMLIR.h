//===- ImportMLIR.h - Read a linalg-on-tensors module ----------*- C++ -*-===//
//
// Stage 1 of the pipeline for an MLIR input: read a linalg-on-tensors module
// exported by torch-mlir, upgrade the syntax of older exports that MLIR 22
// rejects, parse and verify it, and check that it is something we can compile.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_FRONTEND_IMPORTMLIR_H
#define STREAMTENSOR_FRONTEND_IMPORTMLIR_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class MemoryBuffer;
class raw_ostream;
} // namespace llvm

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace streamtensor {

/// One change made to legacy syntax, for the note printed to the user.
struct SyntaxUpgrade {
  /// 1-based line of the upgraded op (its name) in the original text.
  unsigned line;
  /// The kind of upgrade, e.g. "arith.maxf to arith.maximumf". Upgrades of the
  /// same kind have the same description.
  std::string description;
};

/// Rewrites syntax that torch-mlir exports of 2023-2024 use and MLIR 22
/// rejects. Pure text -> text; appends one entry to `upgrades` per upgraded op,
/// in text order.
///
///  - `linalg.init_tensor [4, %d] : T` -> `tensor.empty(%d) : T`;
///  - `arith.maxf` -> `arith.maximumf`, `arith.minf` -> `arith.minimumf`, also
///    in the generic form (`"arith.maxf"(...)`);
///  - `tensor.expand_shape %x [[0, 1], [2]] : S into tensor<4x8x4xf32>` gets
///    `output_shape [4, 8, 4]` after its reassociation, from the static result
///    shape (a dynamic result shape is left alone).
///
/// Everything else (comments, strings, identifiers that merely contain these
/// names) is left byte-for-byte identical, and the number of lines never
/// changes, so that line numbers still point at the user's lines.
std::string upgradeLegacySyntax(llvm::StringRef text,
                                std::vector<SyntaxUpgrade> &upgrades);

/// Reads a linalg-on-tensors module (file path, or "-" for stdin).
///
/// Upgrades legacy syntax first and prints one note line per kind of upgrade
/// to `notes` ("note: <file>: upgraded 3 uses of arith.maxf to arith.maximumf
/// (lines 12, 40, 41)"). Parses with the dialects of
/// streamtensor::registerAllDialects (appended to the context's registry),
/// verifies, and checks that it is something we can compile: a module with
/// exactly one public func.func, named `entry`, with a body; its arguments and
/// results are ranked tensors of static shape with integer or float elements.
///
/// On failure it emits located diagnostics (file:line:col) through the
/// context's diagnostic engine and returns null. Locations, in diagnostics and
/// in the returned IR, are those of the user's text, before the upgrades. A
/// second public function is reported at that function, a missing entry at the
/// public function the module has instead (or at the module), a bad argument at
/// the argument, a bad result at the function. A file that cannot be read is
/// reported at line 0, column 0 of its name, the MLIR convention for a whole
/// file. To print diagnostics with the user's source line, register a
/// mlir::SourceMgrDiagnosticHandler with an empty llvm::SourceMgr: it loads the
/// file by its name.
mlir::OwningOpRef<mlir::ModuleOp>
importLinalgModule(llvm::StringRef path, mlir::MLIRContext &context,
                   llvm::raw_ostream &notes, llvm::StringRef entry = "forward");

/// The same on text already in memory; the buffer's identifier names it in
/// notes and locations. The text need not be null-terminated.
mlir::OwningOpRef<mlir::ModuleOp>
importLinalgModule(std::unique_ptr<llvm::MemoryBuffer> input,
                   mlir::MLIRContext &context, llvm::raw_ostream &notes,
                   llvm::StringRef entry = "forward");

} // namespace streamtensor

#endif // STREAMTENSOR_FRONTEND_IMPORTMLIR_H
