//===- ImportMLIRFuzzer.cpp - Fuzz the MLIR import and syntax upgrade -----===//
//
// The input is the text of a .mlir file, imported as `streamtensor compile`
// imports it: legacy-syntax upgrade, parse, verify, the checks of the entry
// function. Beyond not crashing, the upgrade must keep its promises (the
// line count never changes; upgrades are listed in text order, on lines of
// the text), and every diagnostic must point into the user's text, since
// locations in the upgraded text are mapped back to it.
//
// A fresh MLIRContext per input keeps runs independent (a crash replays from
// its input alone); threading is off so that no thread pool is started per
// input.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "streamtensor/Frontend/ImportMLIR.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>

using namespace mlir;
using namespace streamtensor;
using fuzz::check;

namespace {
constexpr llvm::StringLiteral kFileName = "fuzz.mlir";
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  size_t lines = text.count('\n') + 1;

  std::vector<SyntaxUpgrade> upgrades;
  std::string upgraded = upgradeLegacySyntax(text, upgrades);
  check(llvm::StringRef(upgraded).count('\n') + 1 == lines,
        "the upgrade changed the number of lines");
  unsigned previousLine = 1;
  for (const SyntaxUpgrade &upgrade : upgrades) {
    check(upgrade.line >= previousLine && upgrade.line <= lines,
          "upgrade listed at line " + llvm::Twine(upgrade.line));
    previousLine = upgrade.line;
  }

  MLIRContext context(MLIRContext::Threading::DISABLED);
  // Locations the text writes itself (`loc("fuzz.mlir":99:1)`) may point
  // anywhere: only check when it has none.
  bool checkLocations = !text.contains("loc");
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    // Line 0 is the whole file; the last line is the end of the input.
    if (auto loc = dyn_cast<FileLineColLoc>(diag.getLocation()))
      if (checkLocations && loc.getFilename() == kFileName)
        check(loc.getLine() <= lines,
              "diagnostic at line " + llvm::Twine(loc.getLine()) + " of " +
                  llvm::Twine(lines) + ": " + diag.str());
    return success();
  });
  std::string notes;
  llvm::raw_string_ostream notesStream(notes);
  (void)importLinalgModule(
      llvm::MemoryBuffer::getMemBuffer(text, kFileName,
                                       /*RequiresNullTerminator=*/false),
      context, notesStream);
  return 0;
}
