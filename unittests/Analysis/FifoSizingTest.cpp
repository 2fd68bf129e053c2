//===- FifoSizingTest.cpp - The paper's token model and LP ----------------===//

#include "streamtensor/Analysis/FifoSizing.h"

#include <gtest/gtest.h>

using namespace streamtensor::fifo;

// Figure 8(a): the source starts emitting after an initial delay of 3 cycles
// and then writes one token per cycle (t = 4..8, so L = 8); the target
// starts at t = 4 and takes 2 cycles per token. Five tokens. By t = 8 the
// target has consumed floor((8 - 4) / 2) = 2, so 3 are waiting: the figure's
// peak occupancy.
TEST(FifoSizing, Figure8aSourceFasterThanTarget) {
  EdgeTiming edge;
  edge.tokens = 5;
  edge.sourceDelay = 3;
  edge.sourceLatency = 8;
  edge.sourceII = 1;
  edge.targetII = 2;
  EXPECT_EQ(maxTokens(edge, /*delay=*/4), 3);
  // Starting the target later only lets more pile up, up to all five.
  EXPECT_EQ(maxTokens(edge, 6), 4);
  EXPECT_EQ(maxTokens(edge, 20), 5);
}

// Equation (2): a source slower than the target. Whatever was written
// before the target started is the peak: ceil((delay - D) / II_source).
TEST(FifoSizing, Equation2SourceSlowerThanTarget) {
  EdgeTiming edge;
  edge.tokens = 100;
  edge.sourceDelay = 10;
  edge.sourceLatency = 10 + 100 * 3;
  edge.sourceII = 3;
  edge.targetII = 1;
  EXPECT_EQ(maxTokens(edge, 10), 1); // starts with the first token: 1 slot
  EXPECT_EQ(maxTokens(edge, 20), 4); // ceil(10 / 3)
  EXPECT_EQ(maxTokens(edge, 1000), 100);
}

// Figure 8(f): Kernel0 -> Kernel1 -> Kernel2 and a bypass Kernel0 -> Kernel2.
// The LP gives delay[0][1] = D0, delay[1][2] = D1 and, for the bypass,
// delay[0][2] = D0 + D1; the bypass FIFO holds what Kernel0 writes while
// Kernel1 works towards its first token: ceil(D1 / II0) tokens.
TEST(FifoSizing, Figure8fBypassEdgeIsSizedFromBothDelays) {
  const double d0 = 10, d1 = 37, ii = 1;
  const int64_t tokens = 256;
  auto timing = [&](double delay) {
    EdgeTiming edge;
    edge.tokens = tokens;
    edge.sourceDelay = delay;
    edge.sourceLatency = delay + tokens * ii;
    edge.sourceII = ii;
    edge.targetII = ii;
    return edge;
  };
  std::vector<SizingEdge> edges = {
      {0, 1, timing(d0), 0}, {1, 2, timing(d1), 0}, {0, 2, timing(d0), 0}};
  SizingResult result = sizeFifos(3, edges, FifoMode::Normal);
  ASSERT_EQ(result.error, "");
  ASSERT_EQ(result.delays.size(), 3u);
  EXPECT_DOUBLE_EQ(result.delays[0], d0);
  EXPECT_DOUBLE_EQ(result.delays[1], d1);
  EXPECT_DOUBLE_EQ(result.delays[2], d0 + d1);
  EXPECT_DOUBLE_EQ(result.totalDelay, 2 * (d0 + d1));
  // The chain FIFOs see their target start with the first token.
  EXPECT_EQ(result.maxTokens[0], 1);
  EXPECT_EQ(result.maxTokens[1], 1);
  EXPECT_EQ(result.maxTokens[2], 37);
  // Each depth has one more slot, for the token being handed over.
  EXPECT_EQ(result.depths[0], 2);
  EXPECT_EQ(result.depths[1], 2);
  EXPECT_EQ(result.depths[2], 38);
}

// Normal mode: a task fed by a slow producer cannot consume faster than it
// is fed, and its own outputs slow down by the same factor. Its first token
// needs 10 input tokens: alone it has them by cycle 9, fed one per 4 cycles
// only by 9 * 4 = 36, so its D moves from 2 to 2 + 27.
TEST(FifoSizing, NormalModeBoundsRatesByInputs) {
  EdgeTiming slow;
  slow.tokens = 64;
  slow.sourceDelay = 4;
  slow.sourceLatency = 4 + 64 * 4;
  slow.sourceII = 4;
  slow.targetII = 1;
  EdgeTiming next;
  next.tokens = 64;
  next.sourceDelay = 2;
  next.sourceLatency = 2 + 64;
  next.sourceII = 1;
  next.targetII = 1;
  SizingEdge first{0, 1, slow, 0};
  first.targetReadsBeforeFirstWrite = 10;
  first.targetFirstWriteStart = 9;
  std::vector<SizingEdge> edges = {first, {1, 2, next, 0}};
  std::vector<EdgeTiming> normal = effectiveTimings(3, edges, FifoMode::Normal);
  ASSERT_EQ(normal.size(), 2u);
  EXPECT_DOUBLE_EQ(normal[0].targetII, 4);
  EXPECT_DOUBLE_EQ(normal[1].sourceII, 4);
  EXPECT_DOUBLE_EQ(normal[1].sourceDelay, 2 + 27);
  EXPECT_DOUBLE_EQ(normal[1].sourceLatency, 29 + 64 * 4);
  EXPECT_DOUBLE_EQ(normal[1].targetII, 4);
}

// Conservative mode stretches every task to the slowest throughput; the
// bypass FIFO of Figure 8(f) then needs fewer tokens when Kernel0 is fast.
TEST(FifoSizing, ConservativeModeNeverNeedsMoreTokens) {
  auto timing = [](double delay, double sourceII, double targetII) {
    EdgeTiming edge;
    edge.tokens = 128;
    edge.sourceDelay = delay;
    edge.sourceLatency = delay + 128 * sourceII;
    edge.sourceII = sourceII;
    edge.targetII = targetII;
    return edge;
  };
  // Kernel0 writes every cycle; Kernel1 needs 3 cycles per token.
  std::vector<SizingEdge> edges = {{0, 1, timing(5, 1, 3), 0},
                                   {1, 2, timing(60, 3, 1), 0},
                                   {0, 2, timing(5, 1, 1), 0}};
  SizingResult normal = sizeFifos(3, edges, FifoMode::Normal);
  SizingResult conservative = sizeFifos(3, edges, FifoMode::Conservative);
  ASSERT_EQ(normal.error, "");
  ASSERT_EQ(conservative.error, "");
  for (size_t i = 0; i < edges.size(); ++i)
    EXPECT_LE(conservative.depths[i], normal.depths[i]) << "edge " << i;
  // Conservative: every II becomes 3 (the 384-cycle span of Kernel1 over
  // 128 tokens). Kernel1 starts with Kernel0's first token at 5 and has its
  // own first token 60 cycles later; the bypass holds what Kernel0 writes in
  // those 60 cycles at one token per 3: 20.
  EXPECT_EQ(conservative.maxTokens[2], 20);
  // Normal: Kernel0 writes one token per cycle and is done at 5 + 128 = 133.
  // Kernel1 starts at 5 and has read floor((133 - 5) / 3) = 42 tokens by
  // then (equation 1). Kernel2 is fed by Kernel1 at one token per 3 cycles,
  // so it reads the bypass at that pace too; it starts at 5 + 60 = 65 and
  // has read floor((133 - 65) / 3) = 22 when Kernel0 is done.
  EXPECT_EQ(normal.maxTokens[0], 128 - 42);
  EXPECT_EQ(normal.maxTokens[1], 1);
  EXPECT_EQ(normal.maxTokens[2], 128 - 22);
}

TEST(FifoSizing, RejectsCyclesAndBadEdges) {
  EdgeTiming edge;
  std::vector<SizingEdge> cycle = {{0, 1, edge, 0}, {1, 0, edge, 0}};
  EXPECT_EQ(sizeFifos(2, cycle, FifoMode::Normal).error,
            "the task graph has a cycle");
  std::vector<SizingEdge> outOfRange = {{0, 5, edge, 0}};
  EXPECT_EQ(sizeFifos(2, outOfRange, FifoMode::Normal).error,
            "invalid FIFO edge");
}
