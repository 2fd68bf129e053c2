//===- StreamLayoutTest.cpp - Full shapes, tokens and canonical forms -----===//

#include "PaperLayouts.h"

#include "gtest/gtest.h"

using namespace streamtensor;
using namespace streamtensor::paper;

using Shape = std::vector<int64_t>;

TEST(StreamLayout, Figure5LayoutsAllStreamAnEightByEightTensor) {
  EXPECT_EQ(figure5a().getFullShape(), Shape({8, 8}));
  EXPECT_EQ(figure5b().getFullShape(), Shape({8, 8}));
  EXPECT_EQ(figure5c().getFullShape(), Shape({8, 8}));
}

TEST(StreamLayout, Figure5TokenCounts) {
  EXPECT_EQ(figure5a().getNumTokens(), 16);
  EXPECT_EQ(figure5b().getNumTokens(), 8);
  EXPECT_EQ(figure5c().getNumTokens(), 16);
  EXPECT_EQ(figure5b().getTileElements(), 8);
}

TEST(StreamLayout, ConstantOffsetsCountInTheFullShape) {
  StreamLayout layout{{4}, {}, {}, {TileOffset::constant(4)}};
  EXPECT_EQ(layout.getFullShape(), Shape({8}));
  EXPECT_EQ(layout.getNumTokens(), 1);
  EXPECT_FALSE(layout.isProjectedPermutation());
}

TEST(StreamLayout, ProjectedPermutationAndRegularTiling) {
  EXPECT_TRUE(figure5a().isRegularTiling());
  EXPECT_TRUE(figure5b().isRegularTiling());
  // Streaming a tile twice still covers each element by one tile.
  EXPECT_TRUE(figure5c().isRegularTiling());

  StreamLayout overlapping{{4}, {3}, {2}, {d(0)}};
  EXPECT_TRUE(overlapping.isProjectedPermutation());
  EXPECT_FALSE(overlapping.isRegularTiling());
  EXPECT_EQ(overlapping.getFullShape(), Shape({8}));

  StreamLayout diagonal{{1, 1}, {8}, {1}, {d(0), d(0)}};
  EXPECT_FALSE(diagonal.isProjectedPermutation());
  EXPECT_FALSE(diagonal.isRegularTiling());
}

TEST(StreamLayout, InvalidLayoutsSayWhy) {
  EXPECT_FALSE(figure5b().getInvalidReason());
  StreamLayout mismatched{{4, 2}, {4, 2}, {2}, {d(1), d(0)}};
  ASSERT_TRUE(mismatched.getInvalidReason());
  EXPECT_EQ(*mismatched.getInvalidReason(), "has 2 trip counts but 1 steps");
  StreamLayout zeroTrip{{4}, {0}, {4}, {d(0)}};
  EXPECT_TRUE(zeroTrip.getInvalidReason());
  StreamLayout badLoop{{4}, {2}, {4}, {d(3)}};
  ASSERT_TRUE(badLoop.getInvalidReason());
  EXPECT_EQ(*badLoop.getInvalidReason(),
            "iteration map uses loop d3 but there are 1 loops");
}

TEST(StreamLayout, CanonicalFormDropsUnitLoopsAndUnusedSteps) {
  // (b) with an extra loop of one iteration in the middle.
  StreamLayout padded{{4, 2}, {4, 1, 2}, {2, 7, 4}, {d(2), d(0)}};
  EXPECT_TRUE(padded.streamsSameAs(figure5b()));
  EXPECT_EQ(padded.getCanonical(), figure5b());

  // A repetition loop's step does not move any tile.
  StreamLayout otherStep = figure5c();
  otherStep.steps[1] = 5;
  EXPECT_TRUE(otherStep.streamsSameAs(figure5c()));

  EXPECT_FALSE(figure5b().streamsSameAs(figure5c()));
  EXPECT_FALSE(figure5a().streamsSameAs(figure5b()));
}

TEST(StreamLayout, Formatting) {
  EXPECT_EQ(formatShape({8, 2}), "8x2");
  EXPECT_EQ(formatShape({}), "scalar");
  EXPECT_EQ(formatList({4, 2}), "[4, 2]");
}
