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
