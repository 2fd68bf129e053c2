//===- ITensorTypeTest.cpp - Parsing and helpers of !dataflow.itensor -----===//

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

class ITensorTypeTest : public ::testing::Test {
protected:
  ITensorTypeTest() { context.loadDialect<DataflowDialect>(); }

  ITensorType parse(StringRef text) {
    return dyn_cast_or_null<ITensorType>(parseType(text, &context));
  }

  MLIRContext context;
};

// The three layouts of the paper's Figure 5.
constexpr const char *figure5a =
    "!dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], "
    "iter_map (d0, d1) -> (d0, d1)>";
constexpr const char *figure5b =
    "!dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], "
    "iter_map (d0, d1) -> (d1, d0)>";
constexpr const char *figure5c =
    "!dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], "
    "iter_map (d0, d1, d2) -> (d2, d0)>";

TEST_F(ITensorTypeTest, Figure5TypesDeriveAnEightByEightTensor) {
  for (const char *text : {figure5a, figure5b, figure5c}) {
    ITensorType type = parse(text);
    ASSERT_TRUE(type) << text;
    EXPECT_EQ(type.getFullShape(), SmallVector<int64_t>({8, 8})) << text;
    EXPECT_EQ(type.getFullTensorType(),
              RankedTensorType::get({8, 8}, Float32Type::get(&context)));
  }
}

TEST_F(ITensorTypeTest, Figure5TokenCounts) {
  EXPECT_EQ(parse(figure5a).getNumTokens(), 16);
  EXPECT_EQ(parse(figure5b).getNumTokens(), 8);
  EXPECT_EQ(parse(figure5c).getNumTokens(), 16);
}

TEST_F(ITensorTypeTest, TokenBytes) {
  EXPECT_EQ(parse(figure5a).getTokenBytes(), 16);
  EXPECT_EQ(parse(figure5b).getTokenBytes(), 32);
  ITensorType int4 = parse("!dataflow.itensor<3xi4, iter_space [2] * [3], "
                           "iter_map (d0) -> (d0)>");
  ASSERT_TRUE(int4);
  EXPECT_EQ(int4.getTokenBytes(), 2); // 12 bits
}

TEST_F(ITensorTypeTest, TileTypeAndLayout) {
  ITensorType type = parse(figure5c);
  EXPECT_EQ(type.getTileTensorType(),
            RankedTensorType::get({4, 2}, Float32Type::get(&context)));
  StreamLayout layout = type.getLayout();
  EXPECT_EQ(layout.tripCounts, std::vector<int64_t>({4, 2, 2}));
  EXPECT_EQ(layout.offsets[0], TileOffset::loop(2));
  EXPECT_EQ(layout.offsets[1], TileOffset::loop(0));
  EXPECT_TRUE(type.isProjectedPermutation());
  EXPECT_TRUE(type.isRegularTiling());
}

TEST_F(ITensorTypeTest, ConstantOffsets) {
  ITensorType type = parse("!dataflow.itensor<1x16xf32, iter_space [4] * "
                           "[16], iter_map (d0) -> (0, d0)>");
  ASSERT_TRUE(type);
  EXPECT_EQ(type.getFullShape(), SmallVector<int64_t>({1, 64}));
  EXPECT_TRUE(type.isRegularTiling());
}

TEST_F(ITensorTypeTest, EqualityIsStructural) {
  EXPECT_EQ(parse(figure5b), parse(figure5b));
  EXPECT_NE(parse(figure5b), parse(figure5c));
}

TEST_F(ITensorTypeTest, MalformedTypeIsRejectedWithAMessage) {
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_FALSE(parse("!dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], "
                     "iter_map (d0, d1) -> (d1 + d0, d0)>"));
  EXPECT_EQ(message, "itensor iteration map result #0 (d0 + d1) must be a "
                     "loop dimension or a constant");
}

} // namespace
