//===- ImportMLIRTest.cpp - Legacy-syntax upgrades and the importer -------===//

#include "streamtensor/Frontend/ImportMLIR.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace mlir;
using namespace streamtensor;
using llvm::StringRef;

namespace {

//===----------------------------------------------------------------------===//
// upgradeLegacySyntax
//===----------------------------------------------------------------------===//

constexpr const char *kMaxf = "arith.maxf to arith.maximumf";
constexpr const char *kMinf = "arith.minf to arith.minimumf";
constexpr const char *kInitTensor = "linalg.init_tensor to tensor.empty";
constexpr const char *kExpandShape = "tensor.expand_shape without output_shape "
                                     "to tensor.expand_shape with output_shape";

struct Upgraded {
  std::string text;
  std::vector<SyntaxUpgrade> upgrades;
};

Upgraded upgrade(StringRef text) {
  Upgraded result;
  result.text = upgradeLegacySyntax(text, result.upgrades);
  // Never a line more or less.
  EXPECT_EQ(StringRef(result.text).count('\n'), text.count('\n')) << text.str();
  return result;
}

/// Text that must come back byte-for-byte, with no upgrade recorded.
void expectUnchanged(StringRef text) {
  Upgraded result = upgrade(text);
  EXPECT_EQ(result.text, text.str());
  EXPECT_TRUE(result.upgrades.empty()) << text.str();
}

TEST(UpgradeLegacySyntax, MaxfBecomesMaximumf) {
  Upgraded result = upgrade("%0 = arith.maxf %a, %b : f32");
  EXPECT_EQ(result.text, "%0 = arith.maximumf %a, %b : f32");
  ASSERT_EQ(result.upgrades.size(), 1u);
  EXPECT_EQ(result.upgrades[0].line, 1u);
  EXPECT_EQ(result.upgrades[0].description, kMaxf);
}

TEST(UpgradeLegacySyntax, MinfBecomesMinimumf) {
  Upgraded result = upgrade("%0 = arith.minf %a, %b fastmath<fast> : f32\n");
  EXPECT_EQ(result.text, "%0 = arith.minimumf %a, %b fastmath<fast> : f32\n");
  ASSERT_EQ(result.upgrades.size(), 1u);
  EXPECT_EQ(result.upgrades[0].description, kMinf);
}

TEST(UpgradeLegacySyntax, GenericFormOfMaxfAndMinf) {
  Upgraded result =
      upgrade("%0 = \"arith.maxf\"(%a, %b) : (f32, f32) -> f32\n"
              "%1 = \"arith.minf\" (%a, %b) : (f32, f32) -> f32\n");
  EXPECT_EQ(result.text,
            "%0 = \"arith.maximumf\"(%a, %b) : (f32, f32) -> f32\n"
            "%1 = \"arith.minimumf\" (%a, %b) : (f32, f32) -> f32\n");
  ASSERT_EQ(result.upgrades.size(), 2u);
  EXPECT_EQ(result.upgrades[0].line, 1u);
  EXPECT_EQ(result.upgrades[0].description, kMaxf);
  EXPECT_EQ(result.upgrades[1].line, 2u);
  EXPECT_EQ(result.upgrades[1].description, kMinf);
}

TEST(UpgradeLegacySyntax, LeavesLookalikesAlone) {
  // Newer ops, and other names that contain the old ones.
  expectUnchanged("%0 = arith.maxnumf %a, %b : f32");
  expectUnchanged("%0 = arith.minnumf %a, %b : f32");
  expectUnchanged("%0 = arith.maximumf %a, %b : f32");
  expectUnchanged("%0 = arith.minimumf %a, %b : f32");
  expectUnchanged("%0 = arith.maxf_1 %a, %b : f32");
  expectUnchanged("%0 = myarith.maxf %a, %b : f32");
  expectUnchanged("%0 = arith.maxf.x %a, %b : f32");
  // SSA values, symbols, block labels, aliases.
  expectUnchanged("%maxf_1 = arith.addf %maxf, %minf_2 : f32");
  expectUnchanged("%arith.maxf = arith.addf %arith.minf, %b : f32");
  expectUnchanged("func.call @arith.maxf(%a) : (f32) -> f32");
  expectUnchanged("func.call @\"arith.maxf\"(%a) : (f32) -> f32");
  expectUnchanged("^arith.maxf(%a: f32):");
  expectUnchanged("#arith.maxf = affine_map<(d0) -> (d0)>");
  // Comments and strings that are not the name of a generic op.
  expectUnchanged("// arith.maxf, arith.minf, linalg.init_tensor [4] : t\n");
  expectUnchanged("%0 = arith.addf %a, %b {note = \"arith.maxf\"} : f32");
  expectUnchanged("%0 = arith.addf %a, %b {n = \"\\\"arith.maxf\"} : f32");
  expectUnchanged("%0 = arith.constant dense<\"0xarith.maxf\"> : tensor<f32>");
  expectUnchanged("%0 = \"arith.maxf \"(%a, %b) : (f32, f32) -> f32");
}

TEST(UpgradeLegacySyntax, UpgradesAfterCommentsAndStrings) {
  Upgraded result = upgrade("// \"arith.maxf\n"
                            "%0 = arith.maxf %a, %b {s = \"//\"} : f32 // x\n"
                            "%1 = arith.minf %a, %0 : f32\n");
  EXPECT_EQ(result.text, "// \"arith.maxf\n"
                         "%0 = arith.maximumf %a, %b {s = \"//\"} : f32 // x\n"
                         "%1 = arith.minimumf %a, %0 : f32\n");
  ASSERT_EQ(result.upgrades.size(), 2u);
  EXPECT_EQ(result.upgrades[0].line, 2u);
  EXPECT_EQ(result.upgrades[1].line, 3u);
}

TEST(UpgradeLegacySyntax, InitTensorStatic) {
  Upgraded result = upgrade("%0 = linalg.init_tensor [4, 8] : tensor<4x8xf32>");
  EXPECT_EQ(result.text, "%0 = tensor.empty() : tensor<4x8xf32>");
  ASSERT_EQ(result.upgrades.size(), 1u);
  EXPECT_EQ(result.upgrades[0].line, 1u);
  EXPECT_EQ(result.upgrades[0].description, kInitTensor);
}

TEST(UpgradeLegacySyntax, InitTensorDynamic) {
  EXPECT_EQ(upgrade("%0 = linalg.init_tensor [%d, 8] : tensor<?x8xf32>").text,
            "%0 = tensor.empty(%d) : tensor<?x8xf32>");
  EXPECT_EQ(
      upgrade("%0 = linalg.init_tensor [%d0, 8, %dim_1] : tensor<?x8x?xf32>")
          .text,
      "%0 = tensor.empty(%d0, %dim_1) : tensor<?x8x?xf32>");
  EXPECT_EQ(upgrade("%0 = linalg.init_tensor [%r#1] : tensor<?xi8>").text,
            "%0 = tensor.empty(%r#1) : tensor<?xi8>");
  EXPECT_EQ(upgrade("%0 = linalg.init_tensor [ 4,%a ,8 , %b ] : tensor<4x?x8x?"
                    "xf32>")
                .text,
            "%0 = tensor.empty(%a, %b) : tensor<4x?x8x?xf32>");
}

TEST(UpgradeLegacySyntax, InitTensorRankZeroAndAttributes) {
  EXPECT_EQ(upgrade("%0 = linalg.init_tensor [] : tensor<f32>").text,
            "%0 = tensor.empty() : tensor<f32>");
  EXPECT_EQ(upgrade("%0 = linalg.init_tensor [2] {x} : tensor<2xf32>").text,
            "%0 = tensor.empty() {x} : tensor<2xf32>");
}

TEST(UpgradeLegacySyntax, InitTensorOverLinesKeepsTheNewlines) {
  Upgraded result = upgrade("%0 = linalg.init_tensor [%d,\n"
                            "    8] : tensor<?x8xf32>\n"
                            "%1 = arith.maxf %a, %b : f32\n");
  EXPECT_EQ(result.text, "%0 = tensor.empty(%d)\n"
                         " : tensor<?x8xf32>\n"
                         "%1 = arith.maximumf %a, %b : f32\n");
  ASSERT_EQ(result.upgrades.size(), 2u);
  EXPECT_EQ(result.upgrades[0].line, 1u);
  EXPECT_EQ(result.upgrades[1].line, 3u);
  EXPECT_EQ(
      upgrade("%0 = linalg.init_tensor\n  [%a,\n  %b] : tensor<?x?xf32>").text,
      "%0 = tensor.empty(\n%a, \n%b) : tensor<?x?xf32>");
}

TEST(UpgradeLegacySyntax, InitTensorThatDoesNotParseIsLeftAlone) {
  expectUnchanged("%0 = linalg.init_tensor : tensor<4xf32>");
  expectUnchanged("%0 = linalg.init_tensor [4, x] : tensor<4x?xf32>");
  expectUnchanged("%0 = linalg.init_tensor [4");
}

TEST(UpgradeLegacySyntax, ExpandShapeGetsItsOutputShape) {
  Upgraded result = upgrade("%1 = tensor.expand_shape %0 [[0, 1], [2]] : "
                            "tensor<32x4xf32> into tensor<4x8x4xf32>");
  EXPECT_EQ(result.text,
            "%1 = tensor.expand_shape %0 [[0, 1], [2]] output_shape [4, 8, 4] "
            ": tensor<32x4xf32> into tensor<4x8x4xf32>");
  ASSERT_EQ(result.upgrades.size(), 1u);
  EXPECT_EQ(result.upgrades[0].line, 1u);
  EXPECT_EQ(result.upgrades[0].description, kExpandShape);
}

TEST(UpgradeLegacySyntax, ExpandShapeWithAttributesAndOverLines) {
  // output_shape comes before the attribute dictionary in MLIR 22.
  EXPECT_EQ(upgrade("%e = tensor.expand_shape %x [[0, 1]] {a = [1, [2]], "
                    "s = \"}:\"} : tensor<6xi8> into tensor<2x3xi8>")
                .text,
            "%e = tensor.expand_shape %x [[0, 1]] output_shape [2, 3] {a = "
            "[1, [2]], s = \"}:\"} : tensor<6xi8> into tensor<2x3xi8>");
  Upgraded result = upgrade("\n"
                            "%e = tensor.expand_shape %x#1 [[0, 1],\n"
                            "    [2]] // the view\n"
                            "    : tensor<6x5xbf16>\n"
                            "    into tensor<2x3x5xbf16>\n");
  EXPECT_EQ(result.text, "\n"
                         "%e = tensor.expand_shape %x#1 [[0, 1],\n"
                         "    [2]] output_shape [2, 3, 5] // the view\n"
                         "    : tensor<6x5xbf16>\n"
                         "    into tensor<2x3x5xbf16>\n");
  ASSERT_EQ(result.upgrades.size(), 1u);
  EXPECT_EQ(result.upgrades[0].line, 2u);
}

TEST(UpgradeLegacySyntax, ExpandShapeOfRankZeroAndWithEncoding) {
  EXPECT_EQ(upgrade("%e = tensor.expand_shape %x [] : tensor<f32> into "
                    "tensor<1x1xf32>")
                .text,
            "%e = tensor.expand_shape %x [] output_shape [1, 1] : tensor<f32> "
            "into tensor<1x1xf32>");
  EXPECT_EQ(upgrade("%e = tensor.expand_shape %x [[0, 1]] : tensor<4xf32, "
                    "#enc> into tensor<2x2xf32, #enc>")
                .text,
            "%e = tensor.expand_shape %x [[0, 1]] output_shape [2, 2] : "
            "tensor<4xf32, #enc> into tensor<2x2xf32, #enc>");
}

TEST(UpgradeLegacySyntax, ExpandShapeLeftAloneWhenItCannotBeUpgraded) {
  // Already has an output_shape.
  expectUnchanged("%e = tensor.expand_shape %x [[0, 1]] output_shape [2, 3] : "
                  "tensor<6xf32> into tensor<2x3xf32>");
  // A dynamic result: the output shape would need SSA values.
  expectUnchanged("%e = tensor.expand_shape %x [[0, 1]] : tensor<?xf32> into "
                  "tensor<?x3xf32>");
  // Not the old custom form.
  expectUnchanged("%e = tensor.expand_shape %x [[0, 1]] : tensor<6xf32>");
  expectUnchanged("%e = tensor.expand_shape [[0, 1]] : tensor<6xf32> into "
                  "tensor<2x3xf32>");
  expectUnchanged("%e = tensor.expand_shape %x [[0, 1] : tensor<6xf32> into "
                  "tensor<2x3xf32>");
  // The name elsewhere.
  expectUnchanged("// tensor.expand_shape %x [[0, 1]] : tensor<6xf32> into "
                  "tensor<2x3xf32>\n");
  expectUnchanged("%e = tensor.collapse_shape %x [[0, 1]] : tensor<2x3xf32> "
                  "into tensor<6xf32>");
}

TEST(UpgradeLegacySyntax, ModernTextIsIdentical) {
  expectUnchanged("");
  expectUnchanged("\n\n");
  expectUnchanged(R"mlir(#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {torch.debug_module_name = "m"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %0 = tensor.empty() : tensor<4x8xf32>
    %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<4x8xf32>) outs(%0 : tensor<4x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %2 = arith.maximumf %in, %out : f32
      linalg.yield %2 : f32
    } -> tensor<4x8xf32>
    return %1 : tensor<4x8xf32>
  }
}
)mlir");
}

TEST(UpgradeLegacySyntax, AppendsToTheUpgradesInTextOrder) {
  std::vector<SyntaxUpgrade> upgrades{{7, "earlier"}};
  std::string text = upgradeLegacySyntax(
      "%0 = linalg.init_tensor [2] : tensor<2xf32>\n"
      "%1 = tensor.expand_shape %0 [[0, 1]] : tensor<2xf32> into "
      "tensor<1x2xf32>\n"
      "%2 = arith.minf %a, %b : f32 %3 = arith.maxf %a, %b : f32\n",
      upgrades);
  ASSERT_EQ(upgrades.size(), 5u);
  EXPECT_EQ(upgrades[0].description, "earlier");
  EXPECT_EQ(upgrades[1].description, kInitTensor);
  EXPECT_EQ(upgrades[2].description, kExpandShape);
  EXPECT_EQ(upgrades[3].description, kMinf);
  EXPECT_EQ(upgrades[4].description, kMaxf);
  EXPECT_EQ(upgrades[1].line, 1u);
  EXPECT_EQ(upgrades[2].line, 2u);
  EXPECT_EQ(upgrades[3].line, 3u);
  EXPECT_EQ(upgrades[4].line, 3u);
}

//===----------------------------------------------------------------------===//
// importLinalgModule
//===----------------------------------------------------------------------===//

struct CollectedDiagnostic {
  std::string file;
  unsigned line, column;
  DiagnosticSeverity severity;
  std::string message;
};

class ImportTest : public ::testing::Test {
protected:
  ImportTest()
      : handler(&context, [this](Diagnostic &diag) {
          CollectedDiagnostic collected{"", 0, 0, diag.getSeverity(),
                                        diag.str()};
          if (auto loc = dyn_cast<FileLineColLoc>(diag.getLocation())) {
            collected.file = loc.getFilename().str();
            collected.line = loc.getLine();
            collected.column = loc.getColumn();
          }
          diagnostics.push_back(collected);
          return success();
        }) {}

  ~ImportTest() override {
    for (const std::string &path : files)
      llvm::sys::fs::remove(path);
  }

  /// Writes `text` to a new temporary file; returns its path.
  std::string writeFile(StringRef text) {
    llvm::SmallString<128> path;
    int fd;
    if (llvm::sys::fs::createTemporaryFile("import-test", "mlir", fd, path)) {
      ADD_FAILURE() << "cannot create a temporary file";
      return "";
    }
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      os << text;
    }
    files.push_back(path.str().str());
    return files.back();
  }

  OwningOpRef<ModuleOp> importText(StringRef text,
                                   StringRef entry = "forward") {
    path = writeFile(text);
    notes.clear();
    llvm::raw_string_ostream os(notes);
    return importLinalgModule(path, context, os, entry);
  }

  /// Expects exactly one diagnostic, an error in the imported file.
  void expectOneError(unsigned line, unsigned column, StringRef message) {
    ASSERT_EQ(diagnostics.size(), 1u);
    const CollectedDiagnostic &diag = diagnostics.front();
    EXPECT_EQ(diag.severity, DiagnosticSeverity::Error);
    EXPECT_EQ(diag.file, path);
    EXPECT_EQ(diag.line, line);
    EXPECT_EQ(diag.column, column);
    EXPECT_EQ(diag.message, message.str());
  }

  MLIRContext context;
  std::vector<CollectedDiagnostic> diagnostics;
  ScopedDiagnosticHandler handler;
  std::vector<std::string> files;
  std::string path;
  std::string notes;
};

constexpr const char *kSimpleModule = R"mlir(module {
  func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    return %arg0 : tensor<4xf32>
  }
}
)mlir";

TEST_F(ImportTest, ImportsASimpleModuleWithoutNotes) {
  OwningOpRef<ModuleOp> module = importText(kSimpleModule);
  ASSERT_TRUE(module);
  EXPECT_TRUE(module->lookupSymbol<func::FuncOp>("forward"));
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(notes, "");
}

TEST_F(ImportTest, NotesOneLinePerKindOfUpgrade) {
  OwningOpRef<ModuleOp> module =
      importText(R"mlir(#map = affine_map<(d0) -> (d0)>
func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %cst = arith.constant 0.0 : f32
  %0 = linalg.init_tensor [4] : tensor<4xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%arg0 : tensor<4xf32>) outs(%0 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %2 = arith.maxf %in, %cst : f32
    %3 = arith.minf %2, %cst : f32
    %4 = arith.maxf %3, %cst : f32 %5 = arith.maxf %4, %cst : f32
    linalg.yield %5 : f32
  } -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
)mlir");
  ASSERT_TRUE(module);
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(notes, "note: " + path +
                       ": upgraded 1 use of linalg.init_tensor to "
                       "tensor.empty (line 4)\n"
                       "note: " +
                       path +
                       ": upgraded 3 uses of arith.maxf to arith.maximumf "
                       "(lines 7, 9)\n"
                       "note: " +
                       path +
                       ": upgraded 1 use of arith.minf to arith.minimumf "
                       "(line 8)\n");
}

TEST_F(ImportTest, NotesListAtMostTenLines) {
  std::string body;
  for (int i = 0; i < 12; ++i)
    body += "  %v" + std::to_string(i) + " = arith.maxf %a, %b : f32\n";
  importText("func.func private @f(%a: f32, %b: f32) {\n" + body +
             "  return\n}\nfunc.func @forward() {\n  return\n}\n");
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(notes, "note: " + path +
                       ": upgraded 12 uses of arith.maxf to arith.maximumf "
                       "(lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, and 2 more)\n");
}

TEST_F(ImportTest, ParseErrorAfterAnUpgradeHasTheUsersColumn) {
  // `%c` is undeclared; in the upgraded text it is 3 columns further right.
  OwningOpRef<ModuleOp> module =
      importText("func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
                 "  %a = arith.constant 1.0 : f32\n"
                 "  %0 = arith.maxf %a, %c : f32\n"
                 "  return %arg0 : tensor<4xf32>\n"
                 "}\n");
  EXPECT_FALSE(module);
  expectOneError(3, 23, "use of undeclared SSA value name");
}

TEST_F(ImportTest, ParseErrorAfterAnExpandShapeUpgradeHasTheUsersColumn) {
  OwningOpRef<ModuleOp> module = importText(
      "func.func @forward(%arg0: tensor<6xf32>) -> tensor<2x3xf32> {\n"
      "  %0 = tensor.expand_shape %arg0 [[0, 1]] : tensor<6xf32> into "
      "tensor<2x3xf32> %1 = bogus\n"
      "  return %0 : tensor<2x3xf32>\n"
      "}\n");
  EXPECT_FALSE(module);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].line, 2u);
  EXPECT_EQ(diagnostics[0].column, 85u); // `bogus`
}

TEST_F(ImportTest, ErrorInADynamicSizeOfInitTensorHasTheUsersColumn) {
  OwningOpRef<ModuleOp> module =
      importText("func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
                 "  %0 = linalg.init_tensor [8, %n] : tensor<8x?xf32>\n"
                 "  return %arg0 : tensor<4xf32>\n"
                 "}\n");
  EXPECT_FALSE(module);
  expectOneError(2, 31, "use of undeclared SSA value name");
}

TEST_F(ImportTest, VerifierErrorAfterAnUpgradeIsLocated) {
  // tensor.empty needs one size per dynamic dimension: 1 given, 0 needed.
  OwningOpRef<ModuleOp> module =
      importText("func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
                 "  %c = arith.constant 4 : index\n"
                 "  %0 = linalg.init_tensor [%c] : tensor<4xf32>\n"
                 "  return %0 : tensor<4xf32>\n"
                 "}\n");
  EXPECT_FALSE(module);
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_EQ(diagnostics[0].severity, DiagnosticSeverity::Error);
  EXPECT_EQ(diagnostics[0].file, path);
  EXPECT_EQ(diagnostics[0].line, 3u);
  EXPECT_EQ(diagnostics[0].column, 8u);
}

TEST_F(ImportTest, LocationsInTheIRAreTheUsersLocations) {
  // Two ops on one line: the second starts 3 columns further right in the
  // upgraded text.
  OwningOpRef<ModuleOp> module =
      importText("func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
                 "  %a = arith.constant 1.0 : f32\n"
                 "  %0 = arith.maxf %a, %a : f32 %1 = arith.addf %0, %a : f32\n"
                 "  return %arg0 : tensor<4xf32>\n"
                 "}\n");
  ASSERT_TRUE(module);
  Operation *addf = nullptr;
  module->walk([&](Operation *op) {
    if (op->getName().getStringRef() == "arith.addf")
      addf = op;
  });
  ASSERT_TRUE(addf);
  auto loc = dyn_cast<FileLineColLoc>(addf->getLoc());
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc.getFilename().str(), path);
  EXPECT_EQ(loc.getLine(), 3u);
  EXPECT_EQ(loc.getColumn(), 37u);
}

TEST_F(ImportTest, RejectsTwoPublicFunctions) {
  EXPECT_FALSE(
      importText("func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
                 "  return %arg0 : tensor<4xf32>\n"
                 "}\n"
                 "func.func private @helper() {\n"
                 "  return\n"
                 "}\n"
                 "func.func @other() {\n"
                 "  return\n"
                 "}\n"));
  expectOneError(7, 1,
                 "the module has 2 public functions (@forward, @other); "
                 "expected exactly one, the entry @forward: make @other "
                 "private");
}

TEST_F(ImportTest, RejectsAMissingEntry) {
  EXPECT_FALSE(
      importText("func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
                 "  return %arg0 : tensor<4xf32>\n"
                 "}\n"));
  expectOneError(1, 1,
                 "no entry function @forward in the module; its public "
                 "function is @main");
}

TEST_F(ImportTest, RejectsAModuleWithoutFunctions) {
  EXPECT_FALSE(importText("module {\n}\n"));
  expectOneError(1, 1,
                 "no entry function @forward in the module; it has no public "
                 "func.func");
}

TEST_F(ImportTest, TheEntryCanBeGiven) {
  OwningOpRef<ModuleOp> module =
      importText("func.func private @forward() {\n"
                 "  return\n"
                 "}\n"
                 "func.func @main(%arg0: tensor<4xi8>) -> tensor<4xi8> {\n"
                 "  return %arg0 : tensor<4xi8>\n"
                 "}\n",
                 "main");
  EXPECT_TRUE(module);
  EXPECT_TRUE(diagnostics.empty());
}

TEST_F(ImportTest, RejectsAPrivateEntry) {
  EXPECT_FALSE(importText("func.func private @forward() {\n"
                          "  return\n"
                          "}\n"));
  expectOneError(1, 1,
                 "the entry function @forward is private; expected it to be "
                 "public");
}

TEST_F(ImportTest, RejectsAnEntryWithoutBody) {
  // A public declaration is already an error of the verifier.
  EXPECT_FALSE(
      importText("func.func @forward(tensor<4xf32>) -> tensor<4xf32>\n"));
  expectOneError(1, 1,
                 "'func.func' op symbol declaration cannot have public "
                 "visibility");
}

TEST_F(ImportTest, RejectsDynamicShapes) {
  EXPECT_FALSE(importText(
      "func.func @forward(%arg0: tensor<4xf32>, %arg1: tensor<?x4xf32>) "
      "-> tensor<4xf32> {\n"
      "  return %arg0 : tensor<4xf32>\n"
      "}\n"));
  expectOneError(1, 42,
                 "argument #1 of @forward has a dynamic shape "
                 "('tensor<?x4xf32>'); the compiler needs static shapes: "
                 "export the model with fixed input sizes");
  diagnostics.clear();
  EXPECT_FALSE(
      importText("func.func @forward(%arg0: tensor<4xf32>) -> tensor<?xf32> {\n"
                 "  %0 = tensor.cast %arg0 : tensor<4xf32> to tensor<?xf32>\n"
                 "  return %0 : tensor<?xf32>\n"
                 "}\n"));
  expectOneError(1, 1,
                 "result #0 of @forward has a dynamic shape ('tensor<?xf32>'); "
                 "the compiler needs static shapes: export the model with "
                 "fixed input sizes");
}

TEST_F(ImportTest, RejectsTypesThatAreNotTensorsOfNumbers) {
  for (StringRef type : {"f32", "index", "memref<4xf32>", "tensor<*xf32>",
                         "tensor<4xindex>", "tensor<4xcomplex<f32>>"}) {
    diagnostics.clear();
    EXPECT_FALSE(importText(
        ("func.func @forward(%arg0: " + type + ") {\n  return\n}\n").str()))
        << type.str();
    expectOneError(1, 20,
                   ("argument #0 of @forward has type '" + type +
                    "'; expected a ranked tensor of integer or float elements")
                       .str());
  }
}

TEST_F(ImportTest, AcceptsIntegerAndFloatTensors) {
  EXPECT_TRUE(importText(
      "func.func @forward(%a: tensor<2xi1>, %b: tensor<2x3xi64>, "
      "%c: tensor<bf16>, %d: tensor<1x2x3x4xf16>, %e: tensor<0xf64>, "
      "%f: tensor<3xf8E4M3FN>) -> (tensor<2xi1>, tensor<3xf8E4M3FN>) {\n"
      "  return %a, %f : tensor<2xi1>, tensor<3xf8E4M3FN>\n"
      "}\n"));
  EXPECT_TRUE(diagnostics.empty());
}

// One error, one line (docs/cli.md): the first bad argument or result.
TEST_F(ImportTest, ReportsTheFirstBadArgumentOrResult) {
  EXPECT_FALSE(importText("func.func @forward(%a: tensor<?xf32>, %b: i32) -> "
                          "(tensor<?xf32>, i32) {\n"
                          "  return %a, %b : tensor<?xf32>, i32\n"
                          "}\n"));
  expectOneError(1, 20,
                 "argument #0 of @forward has a dynamic shape "
                 "('tensor<?xf32>'); the compiler needs static shapes: export "
                 "the model with fixed input sizes");
}

// MLIR's own message suggests an option of mlir-opt and names no op.
TEST_F(ImportTest, NamesAnOpOfAnUnknownDialect) {
  EXPECT_FALSE(importText(
      "func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
      "  %0 = \"torch.aten.relu\"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>\n"
      "  return %0 : tensor<4xf32>\n"
      "}\n"));
  expectOneError(2, 25,
                 "op 'torch.aten.relu' is of a dialect streamtensor does not "
                 "read; it reads linalg on tensors (torch-mlir's "
                 "linalg-on-tensors output)");
}

TEST_F(ImportTest, RejectsAFileThatDoesNotExist) {
  path = "/nonexistent/dir/model.mlir";
  llvm::raw_string_ostream os(notes);
  EXPECT_FALSE(importLinalgModule(path, context, os));
  expectOneError(0, 0,
                 "cannot open input file '/nonexistent/dir/model.mlir': No "
                 "such file or directory");
  EXPECT_EQ(notes, "");
}

TEST_F(ImportTest, RejectsGarbage) {
  EXPECT_FALSE(importText("\x7f"
                          "ELF\x02\x01\x01 binary garbage\n"));
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].file, path);
  EXPECT_EQ(diagnostics[0].line, 1u);
  EXPECT_EQ(diagnostics[0].severity, DiagnosticSeverity::Error);
}

TEST_F(ImportTest, RejectsUnregisteredOps) {
  EXPECT_FALSE(importText(
      "func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n"
      "  %0 = torch.aten.relu %arg0 : tensor<4xf32> -> tensor<4xf32>\n"
      "  return %0 : tensor<4xf32>\n"
      "}\n"));
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].line, 2u);
  EXPECT_EQ(diagnostics[0].column, 8u);
}

/// The real torch-mlir exports of the corpus, read in place.
TEST_F(ImportTest, ImportsEveryCorpusFile) {
  StringRef corpus = STREAMTENSOR_CORPUS_DIR;
  if (!llvm::sys::fs::is_directory(corpus))
    GTEST_SKIP() << "no corpus at " << corpus.str();
  std::vector<std::string> inputs;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(corpus, ec), end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::path::filename(it->path()) == "input.mlir")
      inputs.push_back(it->path());
  ASSERT_FALSE(ec) << ec.message();
  llvm::sort(inputs);
  EXPECT_GE(inputs.size(), 12u);
  for (const std::string &input : inputs) {
    SCOPED_TRACE(input);
    diagnostics.clear();
    notes.clear();
    llvm::raw_string_ostream os(notes);
    OwningOpRef<ModuleOp> module = importLinalgModule(input, context, os);
    ASSERT_TRUE(module);
    EXPECT_TRUE(diagnostics.empty());
    EXPECT_EQ(notes, "");
    EXPECT_TRUE(module->lookupSymbol<func::FuncOp>("forward"));
    EXPECT_TRUE(module->getOperation()->hasAttr("torch.debug_module_name"));
  }
}

} // namespace
