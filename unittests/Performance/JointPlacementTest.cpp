//===- JointPlacementTest.cpp - Designs placed on the dies together -------===//

#include "streamtensor/Performance/ResourceNeed.h"

#include <gtest/gtest.h>

using namespace streamtensor;
using namespace streamtensor::perf;

namespace {

Resources luts(double count) {
  Resources resources;
  resources.lut = count;
  return resources;
}

/// Two dies of 1000 LUTs, no shell.
Platform twoDies() {
  Platform platform;
  platform.name = "two-dies";
  for (const char *name : {"SLR0", "SLR1"}) {
    SlrSpec die;
    die.name = name;
    die.capacity.lut = 1000;
    platform.slrs.push_back(die);
  }
  return platform;
}

/// A design of one DMA (pinned to SLR0, by the HBM) and one compute task
/// it feeds through a FIFO of `bits`.
ProcessNeeds dmaAndCompute(const std::string &name, double dmaLuts,
                           double computeLuts, int64_t bits) {
  ProcessNeeds design;
  design.tasks.push_back({name + ".dma", luts(dmaLuts), /*pinned=*/0});
  if (computeLuts > 0) {
    design.tasks.push_back({name + ".compute", luts(computeLuts)});
    design.edges.push_back({0, 1, bits});
  }
  return design;
}

} // namespace

// Design a (700 LUTs) is placed first. Alone, its wide FIFO keeps its
// compute task next to its DMA on SLR0 (70% full rather than 60% and a
// 4096-bit crossing). But b's DMA needs 500 LUTs of SLR0 too: the joint
// placement keeps that room, so a's compute task goes to SLR1.
TEST(JointPlacement, KeepsRoomForTheDmasOfDesignsPlacedLater) {
  Platform platform = twoDies();
  ProcessNeeds a = dmaAndCompute("a", 100, 600, 4096);
  DiePlacement alone = placeOnDies(a, platform);
  ASSERT_EQ(alone.error, "");
  EXPECT_EQ(alone.plan.dieOf[1], 0);

  JointPlacement joint =
      placeTogetherOnDies({a, dmaAndCompute("b", 500, 0, 0)}, platform);
  ASSERT_EQ(joint.error, "");
  ASSERT_EQ(joint.dieOf.size(), 2u);
  EXPECT_EQ(joint.dieOf[0], (std::vector<int>{0, 1}));
  EXPECT_EQ(joint.dieOf[1], (std::vector<int>{0}));
  ASSERT_EQ(joint.usage.size(), 2u);
  EXPECT_EQ(joint.usage[0].lut, 600);
  EXPECT_EQ(joint.usage[1].lut, 600);
}

// The fuller design goes first whatever the order given, and what it uses
// stays: the second design's tasks share the dies with it.
TEST(JointPlacement, PlacesTheFullestFirstAndAddsUp) {
  Platform platform = twoDies();
  ProcessNeeds small = dmaAndCompute("small", 100, 200, 64);
  ProcessNeeds large = dmaAndCompute("large", 200, 750, 64);
  JointPlacement joint = placeTogetherOnDies({small, large}, platform);
  ASSERT_EQ(joint.error, "");
  // large's compute task cannot share SLR0 with both DMAs (1050 LUTs).
  EXPECT_EQ(joint.dieOf[1], (std::vector<int>{0, 1}));
  EXPECT_EQ(joint.usage[0].lut + joint.usage[1].lut, 1250);
  EXPECT_LE(joint.usage[0].lut, 1000);
  EXPECT_LE(joint.usage[1].lut, 1000);
}

// Each design fits alone; together their DMAs need more of SLR0 than it
// has. The error names the die and says by how much.
TEST(JointPlacement, RefusesDesignsThatOnlyFitAlone) {
  Platform platform = twoDies();
  ProcessNeeds first = dmaAndCompute("first", 600, 0, 0);
  ProcessNeeds second = dmaAndCompute("second", 500, 0, 0);
  ASSERT_EQ(placeOnDies(first, platform).error, "");
  ASSERT_EQ(placeOnDies(second, platform).error, "");
  JointPlacement joint = placeTogetherOnDies({first, second}, platform);
  EXPECT_NE(joint.error.find("SLR0"), std::string::npos) << joint.error;
  EXPECT_NE(joint.error.find("1100"), std::string::npos) << joint.error;
  EXPECT_EQ(joint.failed, 0u);
}
