//===- MemoryAssignmentTest.cpp - Arrays onto LUTRAM, BRAM, URAM ----------===//

#include "streamtensor/Analysis/MemoryAssignment.h"

#include <gtest/gtest.h>

using namespace streamtensor::memory;

static MemoryRequest array(int64_t depth, int64_t width, bool fifo = false) {
  MemoryRequest request;
  request.depth = depth;
  request.width = width;
  request.isFifo = fifo;
  return request;
}

// RAMB18E2 aspect ratios (UG573): 512 x 36, 1K x 18, 2K x 9, ...
TEST(MemoryAssignment, BlockRamCountFollowsAspectRatios) {
  EXPECT_EQ(costIn(array(512, 32), Storage::Bram).bram18k, 1);
  EXPECT_EQ(costIn(array(1024, 32), Storage::Bram).bram18k, 2);
  EXPECT_EQ(costIn(array(1024, 18), Storage::Bram).bram18k, 1);
  EXPECT_EQ(costIn(array(16384, 1), Storage::Bram).bram18k, 1);
  EXPECT_EQ(costIn(array(100, 512), Storage::Bram).bram18k, 15); // 512/36
  // URAM288 is 4K x 72 only.
  EXPECT_EQ(costIn(array(4096, 72), Storage::Uram).uram, 1);
  EXPECT_EQ(costIn(array(4097, 32), Storage::Uram).uram, 2);
  EXPECT_EQ(costIn(array(64, 512), Storage::Uram).uram, 8);
  // Partitioned arrays pay per bank.
  MemoryRequest banks = array(1024, 32);
  banks.partitions = 4;
  EXPECT_EQ(costIn(banks, Storage::Bram).bram18k, 4);
}

TEST(MemoryAssignment, PolicyBySize) {
  MemoryPolicy policy;
  EXPECT_EQ(preferredStorage(array(2, 32, true), policy), Storage::Registers);
  EXPECT_EQ(preferredStorage(array(16, 32, true), policy), Storage::Srl);
  EXPECT_EQ(preferredStorage(array(32, 32), policy), Storage::Lutram);
  EXPECT_EQ(preferredStorage(array(1024, 32), policy), Storage::Bram);
  EXPECT_EQ(preferredStorage(array(8192, 32), policy), Storage::Uram);
  // Banks of one element (128 partial sums, completely partitioned) are
  // registers, not 128 one-entry LUTRAMs; banks of two stay LUTRAM.
  MemoryRequest lanes = array(128, 32);
  lanes.partitions = 128;
  EXPECT_EQ(preferredStorage(lanes, policy), Storage::Registers);
  EXPECT_EQ(costIn(lanes, Storage::Registers).ff, 128 * 32);
  lanes.partitions = 64;
  EXPECT_EQ(preferredStorage(lanes, policy), Storage::Lutram);
  EXPECT_EQ(preferredStorage(array(1, 32), policy), Storage::Registers);
  EXPECT_EQ(preferredStorage(array(8192, 32, true), policy), Storage::Uram);
}

TEST(MemoryAssignment, LargestFirstAndFallBackWhenAKindIsFull) {
  MemoryPolicy policy;
  // Two URAM-sized arrays and only 10 URAMs: the larger takes 4, the other
  // would need 8 and goes to BRAM.
  std::vector<MemoryRequest> requests = {array(1024, 32), array(32768, 32),
                                         array(16384, 72)};
  MemoryPlan plan = assignMemories(requests, policy, 1000, 10);
  EXPECT_EQ(plan.placements[0].storage, Storage::Bram);
  // 16384 x 72 is the largest: URAM first, 4 deep x 1 wide...
  EXPECT_EQ(plan.placements[2].storage, Storage::Uram);
  EXPECT_EQ(plan.placements[2].cost.uram, 4);
  // ...then 32768 x 32 needs 8 URAMs but only 6 remain: BRAM.
  EXPECT_EQ(plan.placements[1].storage, Storage::Bram);
  EXPECT_EQ(plan.placements[1].cost.bram18k, 64);
  EXPECT_EQ(plan.total.uram, 4);
  EXPECT_EQ(plan.total.bram18k, 64 + 2);
}

// A DMA's FIFO in URAM drops a last 4096-entry slice that is at most a
// quarter full (TinyLlama's decode: 9,179 tokens of 256 bytes took 3 x 29
// URAMs; 8,192 take 2 x 29).
TEST(MemoryAssignment, RunAheadDepthDropsAMostlyEmptyUramSlice) {
  MemoryPolicy policy;
  EXPECT_EQ(trimRunAheadDepth(9179, 2048, policy), 8192);
  EXPECT_EQ(costIn(array(9179, 2048, true), Storage::Uram).uram, 87);
  EXPECT_EQ(costIn(array(8192, 2048, true), Storage::Uram).uram, 58);
  EXPECT_EQ(trimRunAheadDepth(4096 + 1024, 2048, policy), 4096);
  // More than a quarter of the slice is used: kept.
  EXPECT_EQ(trimRunAheadDepth(4096 + 1025, 2048, policy), 4096 + 1025);
  // Whole slices, or under one: nothing to drop.
  EXPECT_EQ(trimRunAheadDepth(8192, 2048, policy), 8192);
  EXPECT_EQ(trimRunAheadDepth(3000, 2048, policy), 3000);
  // Not in URAM (too few bits): as it is.
  EXPECT_EQ(trimRunAheadDepth(4100, 8, policy), 4100);
}
