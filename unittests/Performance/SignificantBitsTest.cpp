//===- SignificantBitsTest.cpp - The widths HLS narrows values to ---------===//

#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <map>
#include <string>

using namespace mlir;
using namespace streamtensor;

namespace {

// A packed MAC's values (dataflow-pack-macs), each named by the attribute
// `name` so the test can find it.
constexpr const char *kValues = R"mlir(
func.func @f(%a: i8, %w: i8, %i: i32, %c: i1) -> () {
  %c4 = arith.constant 4 : i8
  %c16 = arith.constant 16 : i32
  %bias = arith.constant {name = "bias"} 32768 : i32
  %minus = arith.constant {name = "minus"} -8 : i32
  %nibble = arith.shrsi %w, %c4 {name = "nibble"} : i8
  %a32 = arith.extsi %a {name = "a32"} : i8 to i32
  %w32 = arith.extsi %nibble {name = "w32"} : i8 to i32
  %u32 = arith.extui %w {name = "u32"} : i8 to i32
  %high = arith.shli %w32, %c16 {name = "high"} : i32
  %packed = arith.addi %high, %w32 {name = "packed"} : i32
  %both = arith.muli %a32, %packed {name = "both"} : i32
  %top = arith.shrsi %both, %c16 {name = "top"} : i32
  %either = arith.select %c, %a32, %w32 {name = "either"} : i32
  %varied = arith.shli %w32, %i {name = "varied"} : i32
  %wrapped = arith.muli %both, %both {name = "wrapped"} : i32
  return
}
)mlir";

TEST(SignificantBits, FollowsHowValuesAreMade) {
  MLIRContext context;
  context.loadDialect<func::FuncDialect, arith::ArithDialect>();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kValues, ParserConfig(&context));
  ASSERT_TRUE(module);
  std::map<std::string, int64_t> bits;
  module->walk([&](Operation *op) {
    if (auto name = op->getAttrOfType<StringAttr>("name"))
      bits[name.str()] = perf::getSignificantBits(op->getResult(0));
  });
  EXPECT_EQ(bits["bias"], 17);  // 2^15 needs a sign bit above it
  EXPECT_EQ(bits["minus"], 4);  // -8
  EXPECT_EQ(bits["nibble"], 4); // 8 bits shifted right by 4
  EXPECT_EQ(bits["a32"], 8);    // sign extension keeps the source's
  EXPECT_EQ(bits["w32"], 4);
  EXPECT_EQ(bits["u32"], 9);     // zero extension needs a sign bit more
  EXPECT_EQ(bits["high"], 20);   // 4 + 16
  EXPECT_EQ(bits["packed"], 21); // a sum: one more than its widest
  EXPECT_EQ(bits["both"], 29);   // a product: the sum of both
  EXPECT_EQ(bits["top"], 13);
  EXPECT_EQ(bits["either"], 8);
  EXPECT_EQ(bits["varied"], 32);  // shifted by a variable: the whole type
  EXPECT_EQ(bits["wrapped"], 32); // never more than the type
}

} // namespace
