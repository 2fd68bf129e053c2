//===- SlrPartitionTest.cpp - Tasks onto dies by ILP ----------------------===//

#include "streamtensor/Analysis/SlrPartition.h"

#include <gtest/gtest.h>

using namespace streamtensor;
using namespace streamtensor::slr;

static Resources dsps(double count) {
  Resources resources;
  resources.dsp = count;
  return resources;
}

static std::vector<Resources> threeDies(double dspPerDie) {
  Resources die = dsps(dspPerDie);
  die.lut = 100000;
  return {die, die, die};
}

// Three tasks in a chain, each too big to share a die: one per die, in
// chain order, so each FIFO crosses one boundary (2 x 64 bits); any other
// order crosses three.
TEST(SlrPartition, ChainIsLaidOutInOrder) {
  std::vector<SlrTask> tasks = {
      {"a", dsps(600)}, {"b", dsps(600)}, {"c", dsps(600)}};
  std::vector<SlrEdge> edges = {{0, 1, 64}, {1, 2, 64}};
  SlrPlan plan = partitionSlrs(tasks, edges, threeDies(1000));
  ASSERT_EQ(plan.error, "");
  EXPECT_TRUE(plan.optimal);
  EXPECT_EQ(plan.crossingBits, 128);
  EXPECT_EQ(plan.dieOf[1], 1);
  EXPECT_NE(plan.dieOf[0], plan.dieOf[2]);
}

// Without edges, balance spreads the tasks; a wide FIFO between them keeps
// them together when they fit.
TEST(SlrPartition, BalanceAgainstCommunication) {
  std::vector<SlrTask> tasks = {{"a", dsps(300)}, {"b", dsps(300)}};
  SlrPlan spread = partitionSlrs(tasks, {}, threeDies(1000));
  ASSERT_EQ(spread.error, "");
  EXPECT_NE(spread.dieOf[0], spread.dieOf[1]);
  SlrPlan together = partitionSlrs(tasks, {{0, 1, 4096}}, threeDies(1000));
  ASSERT_EQ(together.error, "");
  EXPECT_EQ(together.dieOf[0], together.dieOf[1]);
  EXPECT_EQ(together.crossingBits, 0);
}

TEST(SlrPartition, PinnedTasksAndInfeasibleDesigns) {
  std::vector<SlrTask> tasks = {{"dma", dsps(0), 0}, {"mm", dsps(900)}};
  tasks[0].need.lut = 100;
  SlrPlan plan = partitionSlrs(tasks, {{0, 1, 512}}, threeDies(1000));
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.dieOf[0], 0);
  EXPECT_EQ(plan.dieOf[1], 0);

  std::vector<SlrTask> tooBig = {
      {"a", dsps(600)}, {"b", dsps(600)}, {"c", dsps(600)}, {"d", dsps(600)}};
  SlrPlan none = partitionSlrs(tooBig, {}, threeDies(1000));
  EXPECT_EQ(none.error, "die assignment ILP: infeasible (CBC)");
}

// From an over-full die, the task whose move adds the fewest crossing bits
// per DSP it frees goes where it fits: a (its 64-bit FIFO to b) leaves,
// not c (a 4096-bit FIFO) nor b (both), and to the next die, one boundary
// away, not two.
TEST(SlrPartition, RepairMovesTheCheapestTaskOffAnOverfullDie) {
  std::vector<SlrTask> tasks = {
      {"a", dsps(600)}, {"b", dsps(600)}, {"c", dsps(300)}};
  std::vector<SlrEdge> edges = {{0, 1, 64}, {1, 2, 4096}};
  SlrPlan plan = repairPlacement(tasks, edges, threeDies(1000), {0, 0, 0});
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.dieOf, (std::vector<int>{1, 0, 0}));
  EXPECT_EQ(plan.usage[0].dsp, 900);
  EXPECT_EQ(plan.usage[1].dsp, 600);
  EXPECT_EQ(plan.crossingBits, 64);

  // A placement that fits stays as it is.
  SlrPlan kept = repairPlacement(tasks, edges, threeDies(2000), {0, 0, 0});
  ASSERT_EQ(kept.error, "");
  EXPECT_EQ(kept.dieOf, (std::vector<int>{0, 0, 0}));
}

// Pinned tasks never move; when only they overfill their die, the error
// names it and the resource.
TEST(SlrPartition, RepairLeavesPinnedTasks) {
  std::vector<SlrTask> tasks = {{"dma", dsps(700), 0}, {"mm", dsps(500)}};
  SlrPlan plan = repairPlacement(tasks, {{0, 1, 512}}, threeDies(1000),
                                 {0, 0}, {"SLR0", "SLR1", "SLR2"});
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.dieOf[0], 0);
  EXPECT_EQ(plan.dieOf[1], 1);

  std::vector<SlrTask> pinned = {{"dma", dsps(700), 0}, {"dma2", dsps(400), 0}};
  SlrPlan none = repairPlacement(pinned, {}, threeDies(1000), {0, 0},
                                 {"SLR0", "SLR1", "SLR2"});
  EXPECT_EQ(none.error, "SLR0 would need 1100 DSP, 1000 are available, and "
                        "no process there that uses any fits another die");
}

// a and b overfill the first die (1100 DSPs) and neither fits beside c
// and d (100 left): moving one task at a time fails. Packing from scratch,
// largest first, pairs a with d and b with c.
TEST(SlrPartition, PackFitsWhatOneMoveAtATimeCannot) {
  std::vector<SlrTask> tasks = {
      {"a", dsps(600)}, {"b", dsps(500)}, {"c", dsps(500)}, {"d", dsps(400)}};
  std::vector<Resources> twoDies = {dsps(1000), dsps(1000)};
  SlrPlan repaired = repairPlacement(tasks, {}, twoDies, {0, 0, 1, 1});
  EXPECT_NE(repaired.error, "");
  SlrPlan packed = packPlacement(tasks, {}, twoDies);
  ASSERT_EQ(packed.error, "");
  EXPECT_EQ(packed.usage[0].dsp, 1000);
  EXPECT_EQ(packed.usage[1].dsp, 1000);
  EXPECT_EQ(packed.dieOf[0], packed.dieOf[3]);
  EXPECT_EQ(packed.dieOf[1], packed.dieOf[2]);
  EXPECT_NE(packed.dieOf[0], packed.dieOf[1]);
}

// Packing puts a pinned task on its die first, then keeps a task next to
// the one its FIFO comes from when it fits there.
TEST(SlrPartition, PackFollowsPinsAndFifos) {
  std::vector<SlrTask> tasks = {{"mm", dsps(300)}, {"dma", dsps(100), 2}};
  SlrPlan plan = packPlacement(tasks, {{1, 0, 512}}, threeDies(1000));
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.dieOf, (std::vector<int>{2, 2}));
  EXPECT_EQ(plan.crossingBits, 0);

  std::vector<SlrTask> tooBig = {{"mm", dsps(1200)}};
  EXPECT_EQ(packPlacement(tooBig, {}, threeDies(1000)).error,
            "no die has room for mm");
}
