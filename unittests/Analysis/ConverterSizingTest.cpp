//===- ConverterSizingTest.cpp - Algorithm 1 on the paper's examples ------===//

#include "streamtensor/Analysis/ConverterSizing.h"

#include "PaperLayouts.h"

#include "gtest/gtest.h"

using namespace streamtensor;
using namespace streamtensor::paper;

using Shape = std::vector<int64_t>;

// Figure 5, case 2: from (b) to (c) "a minimum 8x2 ping-pong buffer is
// required": one column of tiles, which (c) reads twice before moving on.
TEST(ConverterSizing, Figure5NeedsAnEightByTwoBuffer) {
  std::optional<ConverterPlan> plan = planConverter(figure5b(), figure5c());
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->needed);
  EXPECT_EQ(plan->bufferShape, Shape({8, 2}));
  EXPECT_EQ(plan->sharedLoops, 1u);
  // Two 4x2 tiles; four after ping-pong buffering.
  EXPECT_EQ(plan->getBufferElements(), 16);
  EXPECT_EQ(plan->getPingPongElements(), 32);
}

// Figure 7: 64x64 in 16x16 tiles needs a 16x64 buffer inside the shared outer
// loop, reused on each of its four iterations.
TEST(ConverterSizing, Figure7NeedsASixteenBySixtyFourBuffer) {
  std::optional<ConverterPlan> plan =
      planConverter(figure7Producer(), figure7Consumer());
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->needed);
  EXPECT_EQ(plan->bufferShape, Shape({16, 64}));
  EXPECT_EQ(plan->sharedLoops, 1u);
  EXPECT_EQ(figure7Producer().tripCounts[0], 4);
  EXPECT_EQ(plan->getPingPongElements(), 2 * 16 * 64);
}

TEST(ConverterSizing, NoReducibleDimensionBuffersTheWholeTensor) {
  StreamLayout rowMajor{{16, 16}, {4, 4}, {16, 16}, {d(0), d(1)}};
  StreamLayout columnMajor{{16, 16}, {4, 4}, {16, 16}, {d(1), d(0)}};
  std::optional<ConverterPlan> plan = planConverter(rowMajor, columnMajor);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->needed);
  EXPECT_EQ(plan->bufferShape, Shape({64, 64}));
  EXPECT_EQ(plan->sharedLoops, 0u);
}

TEST(ConverterSizing, DifferentTileSizesBufferTheWholeDimension) {
  StreamLayout coarse{{16, 16}, {4, 4}, {16, 16}, {d(0), d(1)}};
  StreamLayout fine{{16, 8}, {4, 8}, {16, 8}, {d(0), d(1)}};
  std::optional<ConverterPlan> plan = planConverter(coarse, fine);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->bufferShape, Shape({16, 64}));
  EXPECT_EQ(plan->sharedLoops, 1u);
}

TEST(ConverterSizing, EqualLayoutsNeedNoConverter) {
  std::optional<ConverterPlan> plan = planConverter(figure5b(), figure5b());
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->needed);
  EXPECT_TRUE(plan->bufferShape.empty());
  EXPECT_EQ(plan->getPingPongElements(), 0);

  // The same stream written with a loop of one iteration is no conversion.
  StreamLayout padded{{4, 2}, {1, 4, 2}, {1, 2, 4}, {d(2), d(1)}};
  plan = planConverter(padded, figure5b());
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->needed);
}

// The printed listing stops at the first data dimension that does not
// reduce; per-dimension reduction also reduces later dimensions. Here the
// first dimension changes tile size and only the second one reduces, through
// the outermost loop: the prefix-only listing would buffer all of 8x8.
TEST(ConverterSizing, ReducesADimensionAfterOneThatDoesNot) {
  StreamLayout result{{2, 2}, {4, 4}, {2, 2}, {d(1), d(0)}};
  std::optional<ConverterPlan> plan = planConverter(figure5b(), result);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->bufferShape, Shape({8, 2}));
  EXPECT_EQ(plan->sharedLoops, 1u);
}

TEST(ConverterSizing, SharedLoopsMustBeAnOuterPrefix) {
  // Loop 1 agrees but loop 0 does not: loop 1 cannot enclose the buffer
  // without loop 0, so nothing is shared.
  StreamLayout source{{16, 16}, {4, 4}, {16, 16}, {d(0), d(1)}};
  StreamLayout result{
      {64, 16}, {2, 4}, {1, 16}, {TileOffset::constant(0), d(1)}};
  EXPECT_TRUE(isShareableLoop(source, result, 1));
  EXPECT_FALSE(isShareableLoop(source, result, 0));
  EXPECT_EQ(getMaxSharedLoops(source, result), 0u);
  EXPECT_EQ(getMinBufferShape(source, result, 0), Shape({64, 64}));
}

TEST(ConverterSizing, LoopsOfOneIterationDoNotStopTheSharing) {
  // A 16x4 tensor. The producer streams 4x4 tiles down the rows, after a
  // loop of one iteration over the (single) column tile; the consumer reads
  // each row block in two 4x2 tiles. Position by position the loops differ
  // (1 against 4); without the loop of one iteration both walk the row
  // blocks outermost, and a block of one row tile is enough.
  StreamLayout source{{4, 4}, {1, 4}, {4, 4}, {d(1), d(0)}};
  StreamLayout result{{4, 2}, {4, 2}, {4, 2}, {d(0), d(1)}};
  EXPECT_FALSE(isShareableLoop(source, result, 0));
  std::optional<ConverterPlan> plan = planConverter(source, result);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->needed);
  EXPECT_EQ(plan->sharedLoops, 1u);
  EXPECT_EQ(plan->bufferShape, Shape({4, 4}));
  EXPECT_EQ(getMinBufferShape(source, result, 0), Shape({16, 4}));

  // The same the other way round, and with the loop of one iteration on the
  // consumer's side.
  plan = planConverter(result, source);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->sharedLoops, 1u);
  EXPECT_EQ(plan->bufferShape, Shape({4, 4}));
}

TEST(ConverterSizing, RepetitionLoopsCanBeShared) {
  // Both sides stream the tensor twice (loop 0 moves no tile); the buffer is
  // refilled on each repetition and, inside it, needs the whole tensor.
  StreamLayout source{{2, 2}, {2, 4, 4}, {1, 2, 2}, {d(1), d(2)}};
  StreamLayout result{{2, 2}, {2, 4, 4}, {1, 2, 2}, {d(2), d(1)}};
  EXPECT_TRUE(isShareableLoop(source, result, 0));
  std::optional<ConverterPlan> plan = planConverter(source, result);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->sharedLoops, 1u);
  EXPECT_EQ(plan->bufferShape, Shape({8, 8}));
}

TEST(ConverterSizing, FewerSharedLoopsNeedALargerBuffer) {
  EXPECT_EQ(getMinBufferShape(figure5b(), figure5c(), 0), Shape({8, 8}));
  EXPECT_EQ(getMinBufferShape(figure5b(), figure5c(), 1), Shape({8, 2}));
}

TEST(ConverterSizing, DifferentTensorsCannotBeConverted) {
  StreamLayout small{{2, 2}, {2, 2}, {2, 2}, {d(0), d(1)}};
  std::string why;
  EXPECT_FALSE(planConverter(figure5b(), small, &why));
  EXPECT_EQ(why, "source streams a 8x8 tensor but result streams a 4x4 "
                 "tensor");
}
