//===- ReassociationTest.cpp - Streams seen through reshapes --------------===//

#include "streamtensor/Analysis/Reassociation.h"

#include "gtest/gtest.h"

using namespace streamtensor;

namespace {

TileOffset d(int64_t position) { return TileOffset::loop(position); }
TileOffset zero() { return TileOffset::constant(0); }

// Attention's head split: 16x32 in 16x16 tiles, seen as 16x2x16 (2 heads of
// 16). Each tile is one head: the loop over column tiles walks the heads.
TEST(Reassociation, HeadSplitExpands) {
  StreamLayout rows{{16, 16}, {1, 2}, {16, 16}, {d(0), d(1)}};
  std::optional<StreamLayout> heads = expandLayout(rows, {{0}, {1, 2}}, {16, 2, 16});
  ASSERT_TRUE(heads);
  EXPECT_EQ(heads->tileShape, std::vector<int64_t>({16, 1, 16}));
  EXPECT_EQ(heads->tripCounts, std::vector<int64_t>({1, 2}));
  EXPECT_EQ(heads->steps, std::vector<int64_t>({16, 1}));
  EXPECT_EQ(heads->offsets, std::vector<TileOffset>({d(0), d(1), zero()}));
  EXPECT_EQ(heads->getFullShape(), std::vector<int64_t>({16, 2, 16}));
  EXPECT_EQ(heads->getNumTokens(), rows.getNumTokens());

  // And back.
  std::optional<StreamLayout> back = collapseLayout(*heads, {{0}, {1, 2}});
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, rows);
}

// A tile smaller than a head: the column loop splits into a loop over heads
// and a loop inside the head, in that order.
TEST(Reassociation, ALoopSplitsInOrder) {
  StreamLayout rows{{16, 8}, {1, 4}, {16, 8}, {d(0), d(1)}};
  std::optional<StreamLayout> heads = expandLayout(rows, {{0}, {1, 2}}, {16, 2, 16});
  ASSERT_TRUE(heads);
  EXPECT_EQ(heads->tileShape, std::vector<int64_t>({16, 1, 8}));
  EXPECT_EQ(heads->tripCounts, std::vector<int64_t>({1, 2, 2}));
  EXPECT_EQ(heads->steps, std::vector<int64_t>({16, 1, 8}));
  EXPECT_EQ(heads->offsets, std::vector<TileOffset>({d(0), d(1), d(2)}));
  std::optional<StreamLayout> back = collapseLayout(*heads, {{0}, {1, 2}});
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, rows);
}

// The unit batch dimension of an export: 1x512x128 collapsed to 512x128.
TEST(Reassociation, UnitDimensionCollapses) {
  StreamLayout batched{{1, 16, 16}, {32, 8}, {16, 16}, {zero(), d(0), d(1)}};
  std::optional<StreamLayout> flat = collapseLayout(batched, {{0, 1}, {2}});
  ASSERT_TRUE(flat);
  EXPECT_EQ(flat->tileShape, std::vector<int64_t>({16, 16}));
  EXPECT_EQ(flat->tripCounts, std::vector<int64_t>({32, 8}));
  EXPECT_EQ(flat->offsets, std::vector<TileOffset>({d(0), d(1)}));
}

// Rows of two heads at once are not contiguous in the collapsed tensor.
TEST(Reassociation, ATileThatIsNotContiguousDoesNotCollapse) {
  StreamLayout heads{{16, 2, 8}, {1, 2}, {16, 8}, {d(0), zero(), d(1)}};
  EXPECT_FALSE(collapseLayout(heads, {{0}, {1, 2}}));
}

// Heads streamed inner-most, columns outer: merging the two loops would
// change the order.
TEST(Reassociation, LoopsOutOfOrderDoNotMerge) {
  StreamLayout heads{{16, 1, 8}, {2, 2}, {8, 1}, {zero(), d(1), d(0)}};
  EXPECT_FALSE(collapseLayout(heads, {{0}, {1, 2}}));
}

TEST(Reassociation, ShapesMustAgree) {
  StreamLayout rows{{16, 16}, {1, 2}, {16, 16}, {d(0), d(1)}};
  EXPECT_FALSE(expandLayout(rows, {{0}, {1, 2}}, {16, 4, 16}));
}

} // namespace
