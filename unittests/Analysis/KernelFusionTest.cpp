//===- KernelFusionTest.cpp - Algorithm 2 ---------------------------------===//

#include "streamtensor/Analysis/KernelFusion.h"

#include "gtest/gtest.h"

#include <limits>

using namespace streamtensor;

using Groups = std::vector<std::vector<unsigned>>;

TEST(KernelFusion, AChainWithFreeEdgesBecomesOneKernel) {
  FusionPlan plan = planKernelFusion(3, {{0, 1, 0}, {1, 2, 0}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0, 1, 2}}));
  EXPECT_EQ(plan.costs, std::vector<int64_t>({0}));
}

TEST(KernelFusion, TheCapSplitsTheChain) {
  // 0 -> 1 costs 60, 1 -> 2 costs 50: together over the cap of 100.
  FusionPlan plan = planKernelFusion(3, {{0, 1, 60}, {1, 2, 50}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0, 1}, {2}}));
  EXPECT_EQ(plan.costs, std::vector<int64_t>({60, 0}));
  EXPECT_EQ(plan.groupOf, std::vector<unsigned>({0, 0, 1}));
}

TEST(KernelFusion, AnEdgeOverTheCapIsNeverFused) {
  FusionPlan plan = planKernelFusion(2, {{0, 1, 101}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0}, {1}}));
}

TEST(KernelFusion, AKernelWithoutProducersJoinsTheLatestGroup) {
  // Kernel 2 reads only external memory (like the RoPE angles of a block):
  // it joins group 0 rather than splitting 0 -> 3 into two groups.
  FusionPlan plan =
      planKernelFusion(4, {{0, 1, 500}, {1, 3, 10}, {2, 3, 10}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0}, {1, 2, 3}}));
  EXPECT_EQ(plan.costs, std::vector<int64_t>({0, 20}));
}

TEST(KernelFusion, IndependentKernelsRunTogether) {
  FusionPlan plan = planKernelFusion(2, {}, 100);
  EXPECT_EQ(plan.groups, Groups({{0, 1}}));
}

TEST(KernelFusion, AKernelJoinsItsMostRecentProducerGroup) {
  // 0 -> 1 is too expensive, so 1 starts group 1; 2 reads from both and
  // joins the later group, paying only for the edge from it.
  FusionPlan plan =
      planKernelFusion(3, {{0, 1, 500}, {0, 2, 30}, {1, 2, 40}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0}, {1, 2}}));
  EXPECT_EQ(plan.costs, std::vector<int64_t>({0, 40}));
}

TEST(KernelFusion, EdgesFromOneGroupAddUp) {
  // Kernel 2 reads two tensors from group 0: 30 + 40 on top of 40 is over 100.
  FusionPlan plan =
      planKernelFusion(3, {{0, 1, 40}, {0, 2, 30}, {1, 2, 40}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0, 1}, {2}}));
}

TEST(KernelFusion, GroupsNeverGoBackwards) {
  // A diamond with a costly left branch.
  FusionPlan plan = planKernelFusion(
      4, {{0, 1, 200}, {0, 2, 0}, {1, 3, 0}, {2, 3, 0}}, 100);
  for (unsigned consumer : {1u, 2u, 3u})
    EXPECT_GE(plan.groupOf[consumer], plan.groupOf[0]);
  EXPECT_GE(plan.groupOf[3], plan.groupOf[1]);
  EXPECT_GE(plan.groupOf[3], plan.groupOf[2]);
}

TEST(KernelFusion, AnEdgeThatCannotStreamStillOrdersTheGroups) {
  // 0 -> 1 streams for free, 1 -> 2 cannot be streamed (a reshape that
  // breaks the tiles), 0 -> 2 streams for free. Kernel 2 must not join
  // group {0, 1} through its edge from 0 and its latest producer group is
  // that group; since one edge from it cannot stream, 2 starts a new one.
  FusionPlan plan = planKernelFusion(
      3, {{0, 1, 0}, {1, 2, 0, /*streamable=*/false}, {0, 2, 0}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0, 1}, {2}}));
}

TEST(KernelFusion, ALaterGroupWinsOverAnEarlierStreamableOne) {
  // 0 -> 1 is over the cap (1 starts group 1); 1 -> 2 cannot stream. Kernel
  // 2's latest producer group is group 1, so it may not join group 0 even
  // though its edge from 0 is free: that would put it before kernel 1.
  FusionPlan plan = planKernelFusion(
      3, {{0, 1, 500}, {1, 2, 0, false}, {0, 2, 0}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0}, {1}, {2}}));
  EXPECT_GE(plan.groupOf[2], plan.groupOf[1]);
}

TEST(KernelFusion, HugeCostsDoNotOverflow) {
  int64_t huge = std::numeric_limits<int64_t>::max() / 2;
  FusionPlan plan = planKernelFusion(
      2, {{0, 1, huge}, {0, 1, huge}, {0, 1, huge}}, 100);
  EXPECT_EQ(plan.groups, Groups({{0}, {1}}));
}
