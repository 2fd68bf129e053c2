//===- DesignSearchTest.cpp - The black-box design space search -----------===//

#include "streamtensor/Analysis/DesignSearch.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace streamtensor;
using namespace streamtensor::search;

namespace {

/// A made-up cost: cycles fall with the tile size and with a larger tile on
/// matmul_1, resources grow with them; points over 64 do not fit.
Outcome evaluate(const Point &point) {
  Outcome outcome;
  int64_t tile = point.tileSize;
  auto kernel = point.kernelTileSizes.find("matmul_1");
  int64_t matmulTile =
      kernel == point.kernelTileSizes.end() ? tile : kernel->second;
  outcome.cycles = 100000 / tile + 50000 / matmulTile +
                   (point.fifoMode == "conservative" ? 7 : 0);
  outcome.used.dsp = double(tile + matmulTile) * point.unrollShare;
  outcome.utilization = outcome.used.dsp / 128.0;
  outcome.feasible = tile <= 64 && matmulTile <= 64;
  if (!outcome.feasible)
    outcome.failure = "too large";
  return outcome;
}

/// Runs a search of `budget` points in batches of `width`.
std::vector<Trial> runSearch(uint64_t seed, size_t budget, size_t width,
                             Space space = {}) {
  Point start;
  Search search(space, start, seed);
  while (search.getTrials().size() < budget) {
    std::vector<Point> batch =
        search.propose(std::min(width, budget - search.getTrials().size()));
    if (batch.empty())
      break;
    for (const Point &point : batch)
      search.record(point, evaluate(point));
  }
  return search.getTrials();
}

TEST(DesignSearchTest, StartsAtTheOptionsThenSweepsLargerThenSmallerTiles) {
  Search search(Space{}, Point{}, 1);
  std::vector<Point> batch = search.propose(7);
  ASSERT_EQ(batch.size(), 7u);
  // From 16: the larger sizes a factor of 4 apart, nearest first (64,
  // 256), then those between (32, 128), then the smaller ones nearest
  // first (8, 4).
  std::vector<int64_t> sizes;
  for (const Point &point : batch)
    sizes.push_back(point.tileSize);
  EXPECT_EQ(sizes, (std::vector<int64_t>{16, 64, 256, 32, 128, 8, 4}));
  EXPECT_EQ(batch.front(), Point{});
}

TEST(DesignSearchTest, TriesTheInOrderPointAfterItsTileSize) {
  Space space;
  space.inOrder.tileSize = 64;
  space.inOrder.kernelTileSizes = {{"matmul_32", 512}};
  Point start;
  start.kernelTileSizes = {{"matmul_32", 8}, {"matmul_5", 32}};
  Search search(space, start, 1);
  std::vector<Point> batch = search.propose(7);
  ASSERT_EQ(batch.size(), 7u);
  std::vector<int64_t> sizes;
  for (const Point &point : batch)
    sizes.push_back(point.tileSize);
  EXPECT_EQ(sizes, (std::vector<int64_t>{16, 32, 64, 64, 128, 256, 8}));
  // The start's other choices stay; the in-order kernels' sizes replace
  // theirs.
  EXPECT_EQ(
      batch[3].kernelTileSizes,
      (std::map<std::string, int64_t>{{"matmul_32", 512}, {"matmul_5", 32}}));
  EXPECT_EQ(batch[2].kernelTileSizes, start.kernelTileSizes);

  // A tile size outside the sweep: the point comes last.
  space.inOrder.tileSize = 2;
  Search outside(space, Point{}, 1);
  batch = outside.propose(8);
  ASSERT_EQ(batch.size(), 8u);
  EXPECT_EQ(batch.back().tileSize, 2);
  EXPECT_EQ(batch.back().kernelTileSizes.at("matmul_32"), 512);
}

TEST(DesignSearchTest, TriesTheBestPointsOtherFifoWidthAfterTheInOrderPoint) {
  Space space;
  space.inOrder.tileSize = 32;
  space.inOrder.kernelTileSizes = {{"matmul_1", 64}};
  std::vector<Trial> trials = runSearch(1, 7, 2, space);
  ASSERT_EQ(trials.size(), 7u);
  // Batches of two: 16 and 32, then the in-order point (32 with matmul_1
  // at 64) and 64. The width step waits for the in-order point's outcome,
  // so it comes first in the third batch, on the best point then: 64
  // (100000 / 64 + 50000 / 64 = 2343 cycles; the in-order point 3906).
  std::vector<std::string> widths;
  for (const Trial &trial : trials)
    widths.push_back(trial.point.fifoWidth);
  EXPECT_EQ(widths,
            (std::vector<std::string>{"lanes", "lanes", "lanes", "lanes", "axi",
                                      "lanes", "lanes"}));
  EXPECT_EQ(trials[4].point.tileSize, 64);
  EXPECT_TRUE(trials[4].point.kernelTileSizes.empty());
  EXPECT_EQ(trials[5].point.tileSize, 128);
  EXPECT_EQ(trials[6].point.tileSize, 256);

  // Without an in-order point (the sweep's coarse order: 16, 64, 256,
  // 32): after the start and its two larger neighbours, on 64 (256 does
  // not fit); with one width in the space, never.
  Space plain;
  trials = runSearch(1, 4, 1, plain);
  ASSERT_EQ(trials.size(), 4u);
  EXPECT_EQ(trials[3].point.fifoWidth, "axi");
  EXPECT_EQ(trials[3].point.tileSize, 64);
  plain.fifoWidths = {"lanes"};
  trials = runSearch(1, 4, 1, plain);
  ASSERT_EQ(trials.size(), 4u);
  EXPECT_EQ(trials[3].point.tileSize, 32);
}

TEST(DesignSearchTest, TriesTheOtherPackingRightAfterTheWidthStep) {
  // As above, with both MAC packings in the space: the point after the
  // width step is the same base point (64) packed the other way, before
  // the sweep goes on to 128.
  Space space;
  space.inOrder.tileSize = 32;
  space.inOrder.kernelTileSizes = {{"matmul_1", 64}};
  space.packModes = {"reused", "all"};
  std::vector<Trial> trials = runSearch(1, 7, 2, space);
  ASSERT_EQ(trials.size(), 7u);
  std::vector<std::string> packings;
  for (const Trial &trial : trials)
    packings.push_back(trial.point.packMacs);
  EXPECT_EQ(packings,
            (std::vector<std::string>{"reused", "reused", "reused", "reused",
                                      "reused", "all", "reused"}));
  EXPECT_EQ(trials[4].point.fifoWidth, "axi");
  EXPECT_EQ(trials[5].point.fifoWidth, "lanes");
  EXPECT_EQ(trials[5].point.tileSize, 64);
  EXPECT_TRUE(trials[5].point.kernelTileSizes.empty());
  EXPECT_EQ(trials[6].point.tileSize, 128);
  EXPECT_EQ(trials[5].point.describe(), "tile 64, unroll 100%, fifo normal, "
                                        "pack all");
}

TEST(DesignSearchTest, CombinesTheWidthAndPackingStepsWhenBothGain) {
  // As above; the other FIFO width saves 10 cycles and the other packing
  // `packGain`: when both gain, the base with both changes comes right
  // after them, before the sweep goes on to 128; when the packing does not
  // gain, the sweep goes on.
  Space space;
  space.inOrder.tileSize = 32;
  space.inOrder.kernelTileSizes = {{"matmul_1", 64}};
  space.packModes = {"reused", "all"};
  auto run = [&](int64_t packGain) {
    Search search(space, Point{}, 1);
    while (search.getTrials().size() < 8) {
      std::vector<Point> batch = search.propose(2);
      if (batch.empty())
        break;
      for (const Point &point : batch) {
        Outcome outcome = evaluate(point);
        outcome.cycles -= (point.fifoWidth == "axi" ? 10 : 0) +
                          (point.packMacs == "all" ? packGain : 0);
        search.record(point, outcome);
      }
    }
    return search.getTrials();
  };
  std::vector<Trial> trials = run(20);
  ASSERT_EQ(trials.size(), 8u);
  EXPECT_EQ(trials[6].point.describe(), "tile 64, unroll 100%, fifo normal, "
                                        "fifo width axi, pack all");
  EXPECT_EQ(trials[7].point.tileSize, 128);
  trials = run(0);
  ASSERT_EQ(trials.size(), 8u);
  EXPECT_EQ(trials[6].point.tileSize, 128);
  EXPECT_EQ(trials[6].point.packMacs, "reused");
  EXPECT_EQ(trials[6].point.fifoWidth, "lanes");
}

TEST(DesignSearchTest, SameSeedSameTrialsWhateverTheBatchWidth) {
  Space space;
  space.kernels = {"matmul_1", "dot_4"};
  std::vector<Trial> one = runSearch(7, 20, 1, space);
  std::vector<Trial> two = runSearch(7, 20, 1, space);
  ASSERT_EQ(one.size(), 20u);
  ASSERT_EQ(one.size(), two.size());
  for (size_t index = 0; index < one.size(); ++index)
    EXPECT_EQ(one[index].point, two[index].point) << index;
  // Another seed explores another way after the sweep.
  std::vector<Trial> other = runSearch(8, 20, 1, space);
  bool differs = false;
  for (size_t index = 0; index < other.size(); ++index)
    differs |= !(other[index].point == one[index].point);
  EXPECT_TRUE(differs);
}

TEST(DesignSearchTest, NeverProposesAPointTwice) {
  Space space;
  space.kernels = {"matmul_1"};
  std::vector<Trial> trials = runSearch(3, 60, 4, space);
  for (size_t a = 0; a < trials.size(); ++a)
    for (size_t b = a + 1; b < trials.size(); ++b)
      EXPECT_FALSE(trials[a].point == trials[b].point)
          << trials[a].point.describe();
}

TEST(DesignSearchTest, EndsWhenTheSpaceIsExhausted) {
  Space space;
  space.tileSizes = {8, 16};
  space.unrollShares = {1.0};
  space.fifoModes = {"normal"};
  space.fifoWidths = {"lanes"};
  space.fusionShares = {1.0};
  std::vector<Trial> trials = runSearch(1, 10, 3, space);
  EXPECT_EQ(trials.size(), 2u);
}

TEST(DesignSearchTest, FindsTheFastestFeasiblePoint) {
  Space space;
  space.kernels = {"matmul_1"};
  Search search(space, Point{}, 5);
  while (search.getTrials().size() < 40) {
    std::vector<Point> batch = search.propose(2);
    if (batch.empty())
      break;
    for (const Point &point : batch)
      search.record(point, evaluate(point));
  }
  std::optional<size_t> best = search.getBest();
  ASSERT_TRUE(best);
  const Trial &trial = search.getTrials()[*best];
  // 64 everywhere is the fastest point that fits (128 does not); the
  // search reaches it through the sweep.
  EXPECT_EQ(trial.point.tileSize, 64);
  EXPECT_TRUE(trial.outcome.feasible);
  // (Braced: EXPECT_GE expands to an if/else.)
  for (const Trial &other : search.getTrials()) {
    if (other.outcome.feasible) {
      EXPECT_GE(other.outcome.cycles, trial.outcome.cycles);
    }
  }
}

TEST(DesignSearchTest, RetriesAFastPointOverItsResourcesWithLessUnrolling) {
  Search search(Space{}, Point{}, 1);
  std::vector<Point> sweep = search.propose(7);
  ASSERT_EQ(sweep.size(), 7u);
  for (const Point &point : sweep) {
    Outcome outcome;
    // Cycles fall with the tile size; from 32 up the design is over.
    outcome.cycles = 1000 / point.tileSize;
    outcome.feasible = point.tileSize <= 16;
    outcome.overResources = !outcome.feasible;
    search.record(point, outcome);
  }
  // The best is 16 (62 cycles). 32 to 256 were faster but over: each is
  // tried again at the next smaller share (75%), the fastest first, before
  // any random change.
  std::vector<Point> repairs = search.propose(4);
  ASSERT_EQ(repairs.size(), 4u);
  EXPECT_EQ(repairs[0].tileSize, 256);
  EXPECT_EQ(repairs[1].tileSize, 128);
  EXPECT_EQ(repairs[2].tileSize, 64);
  EXPECT_EQ(repairs[3].tileSize, 32);
  for (const Point &point : repairs)
    EXPECT_DOUBLE_EQ(point.unrollShare, 0.75);
  // Still over at 75%: 50% next.
  Outcome over;
  over.cycles = 40;
  over.overResources = true;
  search.record(repairs[0], over);
  std::vector<Point> next = search.propose(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].tileSize, 256);
  EXPECT_DOUBLE_EQ(next[0].unrollShare, 0.5);
}

TEST(DesignSearchTest, RepairsTheStartBeforeTheRestOfTheSweep) {
  Search search(Space{}, Point{}, 1);
  std::vector<Point> first = search.propose(2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].tileSize, 16);
  EXPECT_EQ(first[1].tileSize, 64);
  // Both a little over: nothing fits yet, so both are repaired first, the
  // faster (64) first.
  for (const Point &point : first) {
    Outcome over;
    over.cycles = 1000 / point.tileSize;
    over.overResources = true;
    search.record(point, over);
  }
  std::vector<Point> next = search.propose(3);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].tileSize, 64);
  EXPECT_DOUBLE_EQ(next[0].unrollShare, 0.75);
  EXPECT_EQ(next[1].tileSize, 16);
  EXPECT_DOUBLE_EQ(next[1].unrollShare, 0.75);
  // Then the sweep goes on where it was.
  EXPECT_EQ(next[2].tileSize, 256);
  EXPECT_DOUBLE_EQ(next[2].unrollShare, 1.0);
}

// A point over its BRAM or URAM is tried with the DMAs' run-ahead FIFOs
// capped, at the same unrolling, and not with less unrolling (which frees
// operators, not memory); once the capped point is over its memory too,
// the sweep skips the larger tile sizes.
TEST(DesignSearchTest, RepairsAPointOverItsMemoryByCappingRunAheadOnly) {
  Search search(Space{}, Point{}, 1);
  std::vector<Point> first = search.propose(2);
  ASSERT_EQ(first.size(), 2u);
  search.record(first[0], Outcome{true, 62, {}, 0.5, ""});
  Outcome overMemory;
  overMemory.cycles = 31;
  overMemory.overResources = true;
  overMemory.overMemory = true;
  search.record(first[1], overMemory);
  std::vector<Point> next = search.propose(2);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0].tileSize, 64);
  EXPECT_TRUE(next[0].capRunAhead);
  EXPECT_DOUBLE_EQ(next[0].unrollShare, 1.0);
  EXPECT_EQ(next[0].describe(), "tile 64, unroll 100%, fifo normal, "
                                "run-ahead capped");
  // The sweep goes on: 256 (the capped point's outcome is not in yet).
  EXPECT_EQ(next[1].tileSize, 256);
  EXPECT_FALSE(next[1].capRunAhead);
  EXPECT_DOUBLE_EQ(next[1].unrollShare, 1.0);
  search.record(next[0], overMemory);
  search.record(next[1], overMemory);
  // 64 capped is over its memory too: no repair at a smaller unroll share,
  // and the sweep skips 128 (and 256's own repair comes first).
  std::vector<Point> after = search.propose(3);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].tileSize, 256);
  EXPECT_TRUE(after[0].capRunAhead);
  EXPECT_EQ(after[1].tileSize, 32);
  EXPECT_EQ(after[2].tileSize, 8);
  for (const Point &point : after)
    EXPECT_DOUBLE_EQ(point.unrollShare, 1.0);
}

TEST(DesignSearchTest, BestBreaksTiesOnUtilizationThenOrder) {
  Search search(Space{}, Point{}, 1);
  std::vector<Point> batch = search.propose(3);
  Outcome slow{true, 100, {}, 0.1, ""};
  Outcome fastFull{true, 50, {}, 0.9, ""};
  Outcome fastLean{true, 50, {}, 0.5, ""};
  search.record(batch[0], slow);
  search.record(batch[1], fastFull);
  search.record(batch[2], fastLean);
  EXPECT_EQ(search.getBest(), 2u);

  Search infeasible(Space{}, Point{}, 1);
  batch = infeasible.propose(1);
  infeasible.record(batch[0], Outcome{false, 10, {}, 2.0, "too large"});
  EXPECT_FALSE(infeasible.getBest());
  EXPECT_TRUE(infeasible.getFront().empty());
}

TEST(DesignSearchTest, BestStaysWithinTheOwnShareWhenAPointDoes) {
  // 100 LUTs of its own; a faster point that takes 150 (what another graph
  // left) is not the best while one within 100 fits.
  Space space;
  space.ownShare = Resources{};
  space.ownShare->lut = 100;
  Search search(space, Point{}, 1);
  std::vector<Point> batch = search.propose(3);
  ASSERT_EQ(batch.size(), 3u);
  Outcome own{true, 100, {}, 0.4, ""};
  own.used.lut = 80;
  Outcome borrows{true, 90, {}, 0.6, ""};
  borrows.used.lut = 150;
  search.record(batch[0], own);
  search.record(batch[1], borrows);
  EXPECT_EQ(search.getBest(), 0u);
  // Without an own share (the graph searched last), the fastest.
  Search last(Space{}, Point{}, 1);
  batch = last.propose(2);
  last.record(batch[0], own);
  last.record(batch[1], borrows);
  EXPECT_EQ(last.getBest(), 1u);
  // When no point fits within it, the fastest of those that borrow.
  Search none(space, Point{}, 1);
  batch = none.propose(2);
  Outcome slower = borrows;
  slower.cycles = 95;
  none.record(batch[0], slower);
  none.record(batch[1], borrows);
  EXPECT_EQ(none.getBest(), 1u);
}

/// The best point of a search of `space` that recorded `outcomes`, in
/// order.
static std::optional<size_t> getBestOf(const Space &space,
                                       const std::vector<Outcome> &outcomes) {
  Search search(space, Point{}, 1);
  std::vector<Point> batch = search.propose(outcomes.size());
  for (size_t index = 0; index < outcomes.size(); ++index)
    search.record(batch[index], outcomes[index]);
  return search.getBest();
}

TEST(DesignSearchTest, BestBorrowsWhenThatIsMuchFaster) {
  // A point that takes what another graph left is the best when it is
  // kBorrowingSpeedup times as fast as the fastest within the own share,
  // and not just below that.
  Space space;
  space.ownShare = Resources{};
  space.ownShare->lut = 100;
  Outcome own{true, 150, {}, 0.4, ""};
  own.used.lut = 80;
  Outcome borrows{true, 100, {}, 0.6, ""};
  borrows.used.lut = 102;
  ASSERT_EQ(double(borrows.cycles) * kBorrowingSpeedup, double(own.cycles));
  EXPECT_EQ(getBestOf(space, {own, borrows}), 1u);
  Outcome slower = borrows;
  slower.cycles = 101;
  EXPECT_EQ(getBestOf(space, {own, slower}), 0u);
}

TEST(DesignSearchTest, BestLeavesRoomWhenNearlyAsFast) {
  // A graph searched before others takes, of the points within
  // kRoomTolerance of its fastest, the one whose part of its share, every
  // kind counted, times its cycles is least: here the same DSPs (the
  // fullest kind, so the same utilization) and fewer LUTs, 4% slower
  // (1.5 x 104 against 1.7 x 100). 6% slower is too slow; a point that
  // leaves less room than it costs time (1.66 x 104) is not taken; and the
  // graph searched last (no own share) takes the fastest.
  Space space;
  space.ownShare = Resources{};
  space.ownShare->dsp = 100;
  space.ownShare->lut = 1000;
  Outcome fastest{true, 100, {}, 0.9, ""};
  fastest.used.dsp = 90;
  fastest.used.lut = 800;
  Outcome roomier{true, 104, {}, 0.9, ""};
  roomier.used.dsp = 90;
  roomier.used.lut = 600;
  ASSERT_LE(double(roomier.cycles), double(fastest.cycles) * kRoomTolerance);
  EXPECT_EQ(getBestOf(space, {fastest, roomier}), 1u);
  Outcome tooSlow = roomier;
  tooSlow.cycles = 106;
  EXPECT_EQ(getBestOf(space, {fastest, tooSlow}), 0u);
  Outcome littleRoomier = roomier;
  littleRoomier.used.lut = 760;
  EXPECT_EQ(getBestOf(space, {fastest, littleRoomier}), 0u);
  EXPECT_EQ(getBestOf(Space{}, {fastest, roomier}), 0u);
}

TEST(DesignSearchTest, FrontKeepsThePointsNothingBeats) {
  Search search(Space{}, Point{}, 1);
  std::vector<Point> batch = search.propose(6);
  // (cycles, utilization): A (100, 0.2), B (50, 0.6), C (60, 0.7) is beaten
  // by B, D (40, 0.9), E infeasible (10, 0.1), F equal to B, later.
  search.record(batch[0], Outcome{true, 100, {}, 0.2, ""});
  search.record(batch[1], Outcome{true, 50, {}, 0.6, ""});
  search.record(batch[2], Outcome{true, 60, {}, 0.7, ""});
  search.record(batch[3], Outcome{true, 40, {}, 0.9, ""});
  search.record(batch[4], Outcome{false, 10, {}, 0.1, "over"});
  search.record(batch[5], Outcome{true, 50, {}, 0.6, ""});
  EXPECT_EQ(search.getFront(), (std::vector<size_t>{3, 1, 0}));
}

TEST(DesignSearchTest, UtilizationIsTheFullestKind) {
  Resources used, available;
  used.dsp = 50;
  available.dsp = 100;
  used.lut = 900;
  available.lut = 1000;
  EXPECT_DOUBLE_EQ(getUtilization(used, available), 0.9);
  // A kind the design uses but may not have at all.
  used.uram = 1;
  EXPECT_TRUE(std::isinf(getUtilization(used, available)));
}

TEST(DesignSearchTest, RetriesAFailedPointWithASmallerFusionCapWhileNothingFits) {
  Search search(Space{}, Point{}, 1);
  std::vector<Point> first = search.propose(2);
  ASSERT_EQ(first.size(), 2u);
  // Neither compiles (say a converter larger than a die): not a matter of
  // resources, so the unroll share is left alone and the fusion cap halved.
  for (const Point &point : first) {
    Outcome failed;
    failed.failure = "a process is larger than every die";
    search.record(point, failed);
  }
  std::vector<Point> next = search.propose(3);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].tileSize, 16);
  EXPECT_DOUBLE_EQ(next[0].fusionShare, 0.5);
  EXPECT_DOUBLE_EQ(next[0].unrollShare, 1.0);
  EXPECT_EQ(next[1].tileSize, 64);
  EXPECT_DOUBLE_EQ(next[1].fusionShare, 0.5);
  EXPECT_EQ(next[2].tileSize, 256);
  EXPECT_DOUBLE_EQ(next[2].fusionShare, 1.0);
  // Once a point fits, failures are no longer repaired.
  Outcome fits;
  fits.feasible = true;
  fits.cycles = 500;
  search.record(next[0], fits);
  Outcome failed;
  failed.failure = "deadlock";
  search.record(next[1], failed);
  search.record(next[2], failed);
  // The sweep has passed the start's two larger neighbours: the best
  // point's other FIFO width first, then the sweep goes on.
  std::vector<Point> after = search.propose(2);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].tileSize, 16);
  EXPECT_DOUBLE_EQ(after[0].fusionShare, 0.5);
  EXPECT_EQ(after[0].fifoWidth, "axi");
  EXPECT_EQ(after[1].tileSize, 32);
  EXPECT_DOUBLE_EQ(after[1].fusionShare, 1.0);
  EXPECT_EQ(after[1].fifoWidth, "lanes");
}

TEST(DesignSearchTest, ReordersOnlyTheLoopsLongerThanOne) {
  // matmul_1 has three parallel loops; the middle one has one iteration,
  // so the only order worth a compile swaps the other two.
  Space space;
  space.tileSizes = {16};
  space.unrollShares = {1.0};
  space.fifoModes = {"normal"};
  space.fifoWidths = {"lanes"};
  space.fusionShares = {1.0};
  space.reorderable["matmul_1"] = {3, {0, 2}};
  Search search(space, Point{}, 7);
  while (true) {
    std::vector<Point> batch = search.propose(2);
    if (batch.empty())
      break;
    for (const Point &point : batch)
      search.record(point, evaluate(point));
  }
  ASSERT_EQ(search.getTrials().size(), 2u);
  EXPECT_TRUE(search.getTrials()[0].point.kernelTileOrders.empty());
  const Point &reordered = search.getTrials()[1].point;
  ASSERT_EQ(reordered.kernelTileOrders.count("matmul_1"), 1u);
  EXPECT_EQ(reordered.kernelTileOrders.at("matmul_1"),
            (std::vector<int64_t>{2, 1, 0}));
  EXPECT_EQ(reordered.describe(),
            "tile 16, unroll 100%, fifo normal, matmul_1 order 2,1,0");
}

TEST(DesignSearchTest, TriesTheOtherFloatAddersBesideTheCombinedStep) {
  // As above, with float adders in the space: the best point so far when
  // the packing step's outcome is in, with the other adders, comes beside
  // the combined step (in the same batch), before the sweep goes on.
  Space space;
  space.inOrder.tileSize = 32;
  space.inOrder.kernelTileSizes = {{"matmul_1", 64}};
  space.packModes = {"reused", "all"};
  space.floatAdders = {"dsp", "fabric"};
  auto run = [&](int64_t packGain) {
    Search search(space, Point{}, 1);
    while (search.getTrials().size() < 9) {
      std::vector<Point> batch =
          search.propose(std::min<size_t>(2, 9 - search.getTrials().size()));
      if (batch.empty())
        break;
      for (const Point &point : batch) {
        Outcome outcome = evaluate(point);
        outcome.cycles -= (point.fifoWidth == "axi" ? 10 : 0) +
                          (point.packMacs == "all" ? packGain : 0) +
                          (point.floatAdders == "fabric" ? 5 : 0);
        search.record(point, outcome);
      }
    }
    return search.getTrials();
  };
  std::vector<Trial> trials = run(20);
  ASSERT_EQ(trials.size(), 9u);
  EXPECT_EQ(trials[6].point.describe(), "tile 64, unroll 100%, fifo normal, "
                                        "fifo width axi, pack all");
  EXPECT_EQ(trials[7].point.describe(), "tile 64, unroll 100%, fifo normal, "
                                        "pack all, float adders fabric");
  EXPECT_EQ(trials[8].point.tileSize, 128);
  EXPECT_EQ(trials[8].point.floatAdders, "dsp");
  // No combined step: the adder step takes its place.
  trials = run(0);
  ASSERT_EQ(trials.size(), 9u);
  EXPECT_EQ(trials[6].point.describe(), "tile 64, unroll 100%, fifo normal, "
                                        "fifo width axi, float adders fabric");
  EXPECT_EQ(trials[7].point.tileSize, 128);
  // Without a second value, no step: the sweep goes on.
  space.floatAdders = {"dsp"};
  trials = run(0);
  EXPECT_EQ(trials[6].point.tileSize, 128);
}

TEST(DesignSearchTest, DescribesAPoint) {
  Point point;
  point.tileSize = 32;
  point.unrollShare = 0.75;
  point.fifoMode = "conservative";
  point.kernelTileSizes["matmul_3"] = 64;
  EXPECT_EQ(point.describe(),
            "tile 32, unroll 75%, fifo conservative, matmul_3=64");
  point.fusionShare = 0.125;
  EXPECT_EQ(point.describe(),
            "tile 32, unroll 75%, fifo conservative, fusion 12.5%, "
            "matmul_3=64");
  point.fifoWidth = "axi";
  EXPECT_EQ(point.describe(),
            "tile 32, unroll 75%, fifo conservative, fifo width axi, "
            "fusion 12.5%, matmul_3=64");
}

} // namespace
