//===- SimulatorTest.cpp - Cycle-level simulator tests --------------------===//
//
// Every expected cycle here is worked out by hand from the timing rules in
// Simulator.h, with the arithmetic in the comments:
//   s_k = max(s_{k-1} + ii, w + 1 for each token read,
//             r_{n-d} + 1 - latency for each write n on a FIFO of depth d),
//   reads at s_k, writes at s_k + latency, leaf end at s_last + latency.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Simulation/Simulator.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>

using namespace streamtensor::perf;

namespace {

Fifo fifo(const std::string &name, int64_t depth) {
  Fifo result;
  result.name = name;
  result.depth = depth;
  return result;
}

/// A producer (5 iterations, ii 1, latency 3) into a consumer (5
/// iterations, ii 2, latency 1) through one FIFO of the given depth.
Design makeProducerConsumer(int64_t depth) {
  Design design;
  design.fifos = {fifo("link", depth)};
  design.processes = {{"producer", LoopTree::makeLeaf(5, 1, 3, {}, {0})},
                      {"consumer", LoopTree::makeLeaf(5, 2, 1, {0}, {})}};
  return design;
}

void expectBusyPlusStallsIsFinish(const SimulationResult &result) {
  for (const ProcessStats &stats : result.processes) {
    ASSERT_EQ(stats.state, ProcessState::Finished);
    EXPECT_EQ(stats.busyCycles + stats.dataStallCycles + stats.roomStallCycles,
              stats.cycle);
  }
}

// Unbounded. Producer: s = 0,1,2,3,4; writes w = s + 3 = 3,4,5,6,7; ends at
// 4 + 3 = 7. Consumer: r0 = max(0, w0+1 = 4) = 4; r1 = max(4+2, 5) = 6;
// r2 = max(8, 6) = 8; r3 = 10; r4 = 12; ends at 12 + 1 = 13.
// Tokens occupy [w, r]: [3,4] [4,6] [5,8] [6,10] [7,12]; at cycle 7 tokens
// 2, 3 and 4 are in the FIFO (token 1 left at 6): peak 3.
// The consumer waited 4 cycles for its first token: busy (4*2 + 1 = 9) + 4.
TEST(SimulatorProducerConsumer, Unbounded) {
  SimulationResult result = simulate(makeProducerConsumer(kUnboundedDepth));
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 7);
  EXPECT_EQ(result.processes[1].cycle, 13);
  EXPECT_EQ(result.totalCycles, 13);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 3);
  EXPECT_EQ(result.fifos[0].tokensWritten, 5);
  EXPECT_EQ(result.fifos[0].tokensRead, 5);

  EXPECT_EQ(result.processes[0].busyCycles, 7);
  EXPECT_EQ(result.processes[0].roomStallCycles, 0);
  EXPECT_EQ(result.processes[0].dataStallCycles, 0);
  EXPECT_EQ(result.processes[1].busyCycles, 9);
  EXPECT_EQ(result.processes[1].dataStallCycles, 4);
  EXPECT_EQ(result.processes[1].roomStallCycles, 0);
  expectBusyPlusStallsIsFinish(result);
}

// Depth 1: write n needs r_{n-1} <= s_n + 3 - 1, i.e. s_n >= r_{n-1} - 2.
//   s0 = 0 (w0 = 3)                    r0 = max(0, 4)  = 4
//   s1 = max(1, 4-2) = 2 (w1 = 5)      r1 = max(6, 6)  = 6
//   s2 = max(3, 6-2) = 4 (w2 = 7)      r2 = max(8, 8)  = 8
//   s3 = max(5, 8-2) = 6 (w3 = 9)      r3 = max(10,10) = 10
//   s4 = max(7,10-2) = 8 (w4 = 11)     r4 = max(12,12) = 12
// Producer ends at 8 + 3 = 11, having stalled 1 cycle on s1..s4 (room 4);
// consumer ends at 13 as before. Tokens [3,4] [5,6] [7,8] [9,10] [11,12]
// never overlap: peak 1.
TEST(SimulatorProducerConsumer, DepthOne) {
  SimulationResult result = simulate(makeProducerConsumer(1));
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 11);
  EXPECT_EQ(result.processes[1].cycle, 13);
  EXPECT_EQ(result.totalCycles, 13);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 1);
  EXPECT_EQ(result.processes[0].roomStallCycles, 4);
  EXPECT_EQ(result.processes[0].dataStallCycles, 0);
  EXPECT_EQ(result.processes[1].dataStallCycles, 4);
  expectBusyPlusStallsIsFinish(result);
}

// Depth 2: write n needs r_{n-2}: s_n >= r_{n-2} - 2.
//   s0 = 0 (w0 = 3), s1 = 1 (w1 = 4)  r0 = 4, r1 = max(6, 5) = 6
//   s2 = max(2, 4-2) = 2 (w2 = 5)      r2 = max(8, 6)  = 8
//   s3 = max(3, 6-2) = 4 (w3 = 7)      r3 = max(10, 8) = 10
//   s4 = max(5, 8-2) = 6 (w4 = 9)      r4 = max(12,10) = 12
// Producer ends at 6 + 3 = 9 after 2 cycles of room stalls (s3, s4).
// Tokens [3,4] [4,6] [5,8] [7,10] [9,12]: two at a time at most, peak 2.
TEST(SimulatorProducerConsumer, DepthTwo) {
  SimulationResult result = simulate(makeProducerConsumer(2));
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 9);
  EXPECT_EQ(result.processes[1].cycle, 13);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 2);
  EXPECT_EQ(result.processes[0].roomStallCycles, 2);
  expectBusyPlusStallsIsFinish(result);
}

// A leaf paced at 1.25 cycles an iteration (ii 1, a quarter cycle more):
// s_k = k + floor(k / 4) = 0,1,2,3,5,6,7,8,10,11; writes at s + 2, the
// producer ends at 11 + 2 = 13. The consumer (ii 1, latency 1) reads each
// token a cycle after its write: last at 13 + 1 = 14, ends at 15. Starting
// with three quarters carried, the longer intervals come first:
// s_k = k + floor((3 + k) / 4) = 0,2,3,4,5,7,8,9,10,12, as many cycles in
// all less one (floor(12 / 4) = 3 against floor(9 / 4) = 2 extra).
TEST(SimulatorPace, FractionOfACycle) {
  Design design;
  design.fifos = {fifo("link", kUnboundedDepth)};
  LoopTree producer = LoopTree::makeLeaf(10, 1, 2, {}, {0});
  producer.leaf.iiFraction = kCycleFractions / 4;
  design.processes = {{"producer", producer},
                      {"consumer", LoopTree::makeLeaf(10, 1, 1, {0}, {})}};
  EXPECT_EQ(producer.leaf.getIssueCycles(9), 11);
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 13);
  EXPECT_EQ(result.processes[0].busyCycles, 13);
  EXPECT_EQ(result.processes[1].cycle, 15);
  expectBusyPlusStallsIsFinish(result);

  design.processes[0].body.leaf.iiCarry = 3 * kCycleFractions / 4;
  EXPECT_EQ(design.processes[0].body.leaf.getIssueCycles(1), 2);
  EXPECT_EQ(design.processes[0].body.leaf.getIssueCycles(9), 12);
  result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 14);
  EXPECT_EQ(result.processes[1].cycle, 16);
  expectBusyPlusStallsIsFinish(result);
}

// A paced writer that waits for room: the wait does not spend the
// fractions carried, each interval after a start is still ii plus what the
// carry adds. Producer: ii 1 and a half cycle, latency 0; consumer: ii 3,
// latency 1; depth 1, so write n waits for read n - 1 (s_n >= r_{n-1} + 1).
// s0 = 0, r0 = 1; s1 = max(0 + 1, r0 + 1) = 2 (carry 1/2 -> 1: the next
// interval is 2), r1 = max(1 + 3, 2 + 1) = 4; s2 = max(2 + 2, 5) = 5
// (carry 1/2), r2 = 7; s3 = max(5 + 1, 8) = 8, r3 = 10. The producer ends
// at 8, the consumer at 11.
TEST(SimulatorPace, WaitsForRoomAtItsPace) {
  Design design;
  design.fifos = {fifo("link", 1)};
  LoopTree producer = LoopTree::makeLeaf(4, 1, 0, {}, {0});
  producer.leaf.iiFraction = kCycleFractions / 2;
  design.processes = {{"producer", producer},
                      {"consumer", LoopTree::makeLeaf(4, 3, 1, {0}, {})}};
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 8);
  EXPECT_EQ(result.processes[1].cycle, 11);
  expectBusyPlusStallsIsFinish(result);
}

// The unbounded peak (3) is the smallest depth at which the writer does not
// stall: with depth 3 the producer ends at 7, as unbounded.
TEST(SimulatorProducerConsumer, PeakOccupancyIsStallFreeDepth) {
  SimulationResult result = simulate(makeProducerConsumer(3));
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 7);
  EXPECT_EQ(result.processes[0].roomStallCycles, 0);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 3);
}

/// A fork that writes A then B, 8 times (one single-iteration leaf each,
/// latency 1), and a join that reads 8 tokens from B before any from A
/// (ii 1, latency 1).
Design makeReconvergent(int64_t depthA) {
  Design design;
  design.fifos = {fifo("A", depthA), fifo("B", 2)};
  design.processes = {
      {"fork",
       LoopTree::makeSequence(8, {LoopTree::makeLeaf(1, 1, 1, {}, {0}),
                                  LoopTree::makeLeaf(1, 1, 1, {}, {1})})},
      {"join",
       LoopTree::makeSequence(1, {LoopTree::makeLeaf(8, 1, 1, {1}, {}),
                                  LoopTree::makeLeaf(8, 1, 1, {0}, {})})}};
  return design;
}

// Fork: repetition i writes A at s = 2i (w = 2i+1) and B at s = 2i+1
// (w = 2i+2) while nothing stalls. Join: rB_n = max(rB_{n-1} + 1, 2n+3) =
// 2n+3. B write n needs rB_{n-2} = 2n-1 <= 2n+1: B never stalls the fork.
// With depth(A) = 4 the fork's fifth A write needs the join's first A read,
// which waits behind B token 4, which waits behind that A write.
//   fork: rep 4 begins at 8 (rep 3's B leaf ends at 7 + 1); blocked there.
//   join: rB_3 = 9; B token 4 never comes; blocked at 9 + 1 = 10.
TEST(SimulatorDeadlock, ReconvergentForkDeadlocks) {
  Design design = makeReconvergent(4);
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Deadlocked);
  EXPECT_TRUE(result.isDeadlocked());
  EXPECT_EQ(result.totalCycles, 0);
  ASSERT_EQ(result.deadlock.blocked.size(), 2u);

  const BlockedProcess &fork = result.deadlock.blocked[0];
  EXPECT_EQ(fork.process, 0);
  EXPECT_EQ(fork.fifo, 0);
  EXPECT_EQ(fork.reason, WaitReason::Room);
  EXPECT_EQ(fork.occupancy, 4);
  EXPECT_EQ(fork.cycle, 8);
  EXPECT_FALSE(fork.peerFinished);

  const BlockedProcess &join = result.deadlock.blocked[1];
  EXPECT_EQ(join.process, 1);
  EXPECT_EQ(join.fifo, 1);
  EXPECT_EQ(join.reason, WaitReason::Data);
  EXPECT_EQ(join.occupancy, 0);
  EXPECT_EQ(join.cycle, 10);

  EXPECT_EQ(result.deadlock.cycle, 10);
  EXPECT_EQ(result.processes[0].state, ProcessState::Blocked);
  EXPECT_EQ(result.processes[1].state, ProcessState::Blocked);
  EXPECT_EQ(formatDeadlockReport(design, result.deadlock),
            "deadlock at cycle 10: 'fork' waits for room on 'A' (full, 4/4); "
            "'join' waits for data on 'B' (empty)");
}

// With depth(A) = 8 the fork writes all of A without a read. Fork ends with
// rep 7's B leaf: 15 + 1 = 16. Join: rB_7 = 17, B leaf ends at 18; A tokens
// (written at 1, 3, ..., 15) are read at 18..25; ends at 26. All 8 A tokens
// are in the FIFO from cycle 15 to 18: peak 8. B tokens occupy [2n+2, 2n+3]:
// peak 1.
TEST(SimulatorDeadlock, DeepEnoughFifoDoesNotDeadlock) {
  Design design = makeReconvergent(8);
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 16);
  EXPECT_EQ(result.processes[1].cycle, 26);
  EXPECT_EQ(result.totalCycles, 26);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 8);
  EXPECT_EQ(result.fifos[1].peakOccupancy, 1);
  expectBusyPlusStallsIsFinish(result);
}

// The consumer wants 4 tokens, the producer writes 3 and finishes: a
// deadlock whose report says the writer is gone.
TEST(SimulatorDeadlock, ReaderOutlivesWriter) {
  Design design;
  design.fifos = {fifo("f", 2)};
  design.processes = {{"p", LoopTree::makeLeaf(3, 1, 1, {}, {0})},
                      {"c", LoopTree::makeLeaf(4, 1, 1, {0}, {})}};
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Deadlocked);
  EXPECT_EQ(result.processes[0].state, ProcessState::Finished);
  ASSERT_EQ(result.deadlock.blocked.size(), 1u);
  EXPECT_TRUE(result.deadlock.blocked[0].peerFinished);
  EXPECT_EQ(result.deadlock.blocked[0].peer, 0);
  // w = 1, 2, 3; r = 2, 3, 4; the fourth read is due at 5.
  EXPECT_EQ(formatDeadlockReport(design, result.deadlock),
            "deadlock at cycle 5: 'c' waits for data on 'f' (empty, its "
            "writer 'p' has finished)");
}

// (1e9 - 1) * 3 + 7 cycles, without a billion steps.
TEST(SimulatorClosedForm, ComputeLeafWithoutTraffic) {
  Design design;
  design.processes = {{"compute", LoopTree::makeLeaf(1000000000, 3, 7)}};
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.totalCycles, 2999999997 + 7);
  EXPECT_EQ(result.processes[0].busyCycles, 3000000004);
}

// A thousand repetitions of (overhead 5 + the same leaf) inside a process
// that also moves tokens: the compute subtree is still closed form.
// Producer: leaf of 1 iteration (latency 0), then the subtree: 1000 * (5 +
// 3000000004) = 3000000009000; it writes its token at 0. Consumer: reads it
// at 1, ends at 1 + 2 = 3.
TEST(SimulatorClosedForm, RepeatedComputeNextToTraffic) {
  Design design;
  design.fifos = {fifo("f", 1)};
  design.processes = {
      {"producer",
       LoopTree::makeSequence(
           1, {LoopTree::makeLeaf(1, 1, 0, {}, {0}),
               LoopTree::makeSequence(
                   1000, {LoopTree::makeLeaf(1000000000, 3, 7)}, 5)})},
      {"consumer", LoopTree::makeLeaf(1, 1, 2, {0}, {})}};
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 3000000009000);
  EXPECT_EQ(result.processes[1].cycle, 3);
  EXPECT_EQ(result.totalCycles, 3000000009000);
}

// Zero-iteration leaves and zero-repetition sequences take no time, whatever
// their latency or overhead.
TEST(SimulatorClosedForm, EmptyLoops) {
  Design design;
  design.processes = {
      {"empty", LoopTree::makeSequence(2,
                                       {LoopTree::makeLeaf(0, 1, 50),
                                        LoopTree::makeSequence(0, {}, 100),
                                        LoopTree::makeLeaf(2, 4, 1)},
                                       3)}};
  // 2 * (3 + 0 + 0 + (1*4 + 1)) = 16.
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.totalCycles, 16);
}

// Producer: repeat 2, overhead 3 of [leaf 2 iterations (ii 1, latency 2)
// writing f; repeat 2, overhead 1 of [leaf 1 iteration, latency 4]].
//   rep 0: overhead -> 3; leaf s = 3, 4 (w = 5, 6), ends 6;
//          inner: 6+1 = 7, leaf ends 11; 11+1 = 12, leaf ends 16.
//   rep 1: overhead -> 19; leaf s = 19, 20 (w = 21, 22), ends 22;
//          inner: 23 -> 27, 28 -> 32. Producer ends at 32.
// Consumer: leaf 4 iterations (ii 1, latency 0) reading f:
//   r = max(0, 6) = 6, max(7, 7) = 7, max(8, 22) = 22, max(23, 23) = 23;
//   ends at 23 + 0 = 23, after 6 + 14 = 20 cycles waiting for data; busy 3.
// Tokens [5,6] [6,7] [21,22] [22,23]: peak 2 (at cycle 6).
TEST(SimulatorTree, NestedRepeatsAndOverheads) {
  Design design;
  design.fifos = {fifo("f", kUnboundedDepth)};
  design.processes = {
      {"producer",
       LoopTree::makeSequence(
           2,
           {LoopTree::makeLeaf(2, 1, 2, {}, {0}),
            LoopTree::makeSequence(2, {LoopTree::makeLeaf(1, 1, 4)}, 1)},
           3)},
      {"consumer", LoopTree::makeLeaf(4, 1, 0, {0}, {})}};
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 32);
  EXPECT_EQ(result.processes[0].busyCycles, 32);
  EXPECT_EQ(result.processes[1].cycle, 23);
  EXPECT_EQ(result.processes[1].busyCycles, 3);
  EXPECT_EQ(result.processes[1].dataStallCycles, 20);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 2);
  EXPECT_EQ(result.totalCycles, 32);
}

// The same with depth 1. Write n needs r_{n-1} <= w_n - 1 = s_n + 1, so
// s_n >= r_{n-1} - 1.
//   producer rep 0: overhead -> 3; s = 3 (w0 = 5);
//                   consumer r0 = max(0, 5+1) = 6;
//                   s = max(4, r0-1 = 5) = 5 (w1 = 7), a 1-cycle room stall;
//                   leaf ends 7; inner: 8 -> 12, 13 -> 17.
//                   consumer r1 = max(6+1, 7+1) = 8.
//   producer rep 1: overhead -> 20; s = max(20, r1-1 = 7) = 20 (w2 = 22);
//                   consumer r2 = max(8+1, 22+1) = 23;
//                   s = max(21, r2-1 = 22) = 22 (w3 = 24), another stall;
//                   leaf ends 24; inner: 25 -> 29, 30 -> 34.
//   consumer r3 = max(23+1, 24+1) = 25, ends at 25 + 0 = 25.
// Producer: busy 32 + 2 room stalls = 34.
TEST(SimulatorTree, NestedRepeatsWithDepthOne) {
  Design design;
  design.fifos = {fifo("f", 1)};
  design.processes = {
      {"producer",
       LoopTree::makeSequence(
           2,
           {LoopTree::makeLeaf(2, 1, 2, {}, {0}),
            LoopTree::makeSequence(2, {LoopTree::makeLeaf(1, 1, 4)}, 1)},
           3)},
      {"consumer", LoopTree::makeLeaf(4, 1, 0, {0}, {})}};
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 34);
  EXPECT_EQ(result.processes[0].roomStallCycles, 2);
  EXPECT_EQ(result.processes[1].cycle, 25);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 1);
  expectBusyPlusStallsIsFinish(result);
}

// A fork to nine consumers through depth-1 FIFOs (a leaf shape without an
// unrolled path). Fork: leaf 3 iterations (ii 1, latency 1); write n needs
// r_{n-1} <= s_n + 1 - 1, i.e. s_n >= r_{n-1}. Each consumer: leaf 3
// iterations (ii 1, latency 0).
//   s0 = 0 (w 1)              r0 = max(0, 2) = 2
//   s1 = max(1, 2) = 2 (w 3)  r1 = max(3, 4) = 4
//   s2 = max(3, 4) = 4 (w 5)  r2 = max(5, 6) = 6
// Fork ends at 4 + 1 = 5 (busy 3, room stalls 1 + 1); consumers end at 6
// (busy 2, data stalls 2 + 1 + 1).
TEST(SimulatorShapes, WideFork) {
  Design design;
  std::vector<int> outputs;
  for (int i = 0; i < 9; ++i) {
    design.fifos.push_back(fifo("to_" + std::to_string(i), 1));
    outputs.push_back(i);
  }
  design.processes.push_back(
      {"fork", LoopTree::makeLeaf(3, 1, 1, {}, outputs)});
  for (int i = 0; i < 9; ++i)
    design.processes.push_back({"consumer_" + std::to_string(i),
                                LoopTree::makeLeaf(3, 1, 0, {i}, {})});
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.processes[0].cycle, 5);
  EXPECT_EQ(result.processes[0].roomStallCycles, 2);
  for (int i = 1; i <= 9; ++i) {
    EXPECT_EQ(result.processes[i].cycle, 6);
    EXPECT_EQ(result.processes[i].dataStallCycles, 4);
    EXPECT_EQ(result.fifos[i - 1].peakOccupancy, 1);
  }
  EXPECT_EQ(result.totalCycles, 6);
  expectBusyPlusStallsIsFinish(result);
}

// A chain source -> stage -> sink where the stage reads and writes in the
// same iteration, so it stalls both for data and for room; each process's
// busy + stalls must still add up to its finish.
TEST(SimulatorStalls, BusyPlusStallsIsFinish) {
  Design design;
  design.fifos = {fifo("in", 2), fifo("out", 1)};
  design.processes = {
      {"source",
       LoopTree::makeSequence(4, {LoopTree::makeLeaf(8, 1, 2, {}, {0})}, 3)},
      {"stage", LoopTree::makeLeaf(32, 1, 5, {0}, {1})},
      {"sink", LoopTree::makeSequence(8,
                                      {LoopTree::makeLeaf(4, 3, 1, {1}, {}),
                                       LoopTree::makeLeaf(1, 1, 10)},
                                      2)}};
  SimulationResult result = simulate(design);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  expectBusyPlusStallsIsFinish(result);
  EXPECT_GT(result.processes[1].dataStallCycles, 0);
  EXPECT_GT(result.processes[1].roomStallCycles, 0);
  EXPECT_EQ(result.fifos[0].tokensRead, 32);
  EXPECT_EQ(result.fifos[1].tokensRead, 32);
  EXPECT_LE(result.fifos[0].peakOccupancy, 2);
  EXPECT_LE(result.fifos[1].peakOccupancy, 1);
}

// The result must not depend on the order processes are run in; listing
// them backwards changes that order.
TEST(SimulatorStalls, IndependentOfProcessOrder) {
  Design forward;
  forward.fifos = {fifo("in", 2), fifo("out", 1)};
  forward.processes = {
      {"source",
       LoopTree::makeSequence(4, {LoopTree::makeLeaf(8, 1, 2, {}, {0})}, 3)},
      {"stage", LoopTree::makeLeaf(32, 1, 5, {0}, {1})},
      {"sink", LoopTree::makeSequence(8,
                                      {LoopTree::makeLeaf(4, 3, 1, {1}, {}),
                                       LoopTree::makeLeaf(1, 1, 10)},
                                      2)}};
  Design backward = forward;
  std::reverse(backward.processes.begin(), backward.processes.end());

  SimulationResult first = simulate(forward);
  SimulationResult second = simulate(backward);
  ASSERT_EQ(first.status, SimulationStatus::Completed);
  ASSERT_EQ(second.status, SimulationStatus::Completed);
  EXPECT_EQ(first.totalCycles, second.totalCycles);
  for (size_t i = 0; i < 3; ++i) {
    const ProcessStats &a = first.processes[i];
    const ProcessStats &b = second.processes[2 - i];
    EXPECT_EQ(a.cycle, b.cycle);
    EXPECT_EQ(a.dataStallCycles, b.dataStallCycles);
    EXPECT_EQ(a.roomStallCycles, b.roomStallCycles);
  }
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(first.fifos[i].peakOccupancy, second.fifos[i].peakOccupancy);
}

TEST(SimulatorValidation, Errors) {
  auto errorOf = [](const Design &design) {
    SimulationResult result = simulate(design);
    EXPECT_EQ(result.status, SimulationStatus::InvalidDesign);
    EXPECT_EQ(result.error, validateDesign(design));
    return result.error;
  };

  Design valid = makeProducerConsumer(2);
  EXPECT_EQ(validateDesign(valid), "");

  Design design = valid;
  design.fifos[0].depth = 0;
  EXPECT_EQ(errorOf(design), "FIFO 'link': depth is 0, must be >= 1");

  design = valid;
  design.processes[1].body.leaf.ii = 0;
  EXPECT_EQ(errorOf(design), "process 'consumer', body: ii is 0, must be >= 1");

  design = valid;
  design.processes[1].body.leaf.iiFraction = kCycleFractions;
  EXPECT_EQ(errorOf(design),
            "process 'consumer', body: iiFraction must be below 65536, got "
            "65536");

  design = valid;
  design.processes[1].body.leaf.iiCarry = -1;
  EXPECT_EQ(errorOf(design),
            "process 'consumer', body: iiCarry is -1, must be >= 0");

  design = valid;
  design.processes[0].body.leaf.latency = -1;
  EXPECT_EQ(errorOf(design),
            "process 'producer', body: latency is -1, must be >= 0");

  design = valid;
  design.processes[0].body.leaf.tripCount = -5;
  EXPECT_EQ(errorOf(design),
            "process 'producer', body: tripCount is -5, must be >= 0");

  design = valid;
  design.processes[0].body = LoopTree::makeSequence(
      1, {LoopTree::makeLeaf(1, 1, 1), LoopTree::makeSequence(-1, {})});
  design.processes[0].body.children.push_back(
      LoopTree::makeLeaf(5, 1, 3, {}, {0}));
  EXPECT_EQ(errorOf(design),
            "process 'producer', body.children[1]: repeat is -1, must be "
            ">= 0");

  design = valid;
  design.processes[0].body = LoopTree::makeSequence(
      1, {LoopTree::makeLeaf(5, 1, 3, {}, {0})}, /*overhead=*/-2);
  EXPECT_EQ(errorOf(design),
            "process 'producer', body: overhead is -2, must be >= 0");

  design = valid;
  design.processes[1].body.leaf.reads = {};
  EXPECT_EQ(errorOf(design), "FIFO 'link' has no reader");

  design = valid;
  design.processes[0].body.leaf.writes = {};
  EXPECT_EQ(errorOf(design), "FIFO 'link' has no writer");

  design = valid;
  design.processes.push_back(
      {"intruder", LoopTree::makeLeaf(1, 1, 1, {}, {0})});
  EXPECT_EQ(errorOf(design),
            "FIFO 'link' has two writers, 'producer' and 'intruder'");

  design = valid;
  design.processes.push_back({"thief", LoopTree::makeLeaf(1, 1, 1, {0}, {})});
  EXPECT_EQ(errorOf(design),
            "FIFO 'link' has two readers, 'consumer' and 'thief'");

  design = valid;
  design.processes[1].body.leaf.writes = {0};
  design.processes.erase(design.processes.begin());
  EXPECT_EQ(errorOf(design),
            "FIFO 'link' is both written and read by process 'consumer'");

  design = valid;
  design.processes[1].body.leaf.reads = {0, 0};
  EXPECT_EQ(errorOf(design),
            "process 'consumer', body: reads FIFO 'link' twice");

  design = valid;
  design.processes[1].body.leaf.reads = {3};
  EXPECT_EQ(errorOf(design),
            "process 'consumer', body: reads FIFO id 3, out of range [0, 1)");

  design = valid;
  design.processes.push_back(
      {"forever",
       LoopTree::makeSequence(int64_t(1) << 40,
                              {LoopTree::makeLeaf(int64_t(1) << 40, 1, 0)})});
  EXPECT_EQ(errorOf(design), "process 'forever': the design's ideal length "
                             "overflows 64-bit cycle counts");
}

// A million-token stream (producer ii 1, latency 1; depth 2; consumer ii 2,
// latency 1) stopped at cycle 1000. Producer: s0 = 0, s1 = 1 (w = 1, 2);
// write n >= 2 needs r_{n-2} <= w_n - 1 = s_n, so s_n = max(s_{n-1} + 1,
// r_{n-2}). Consumer: r0 = max(0, 1+1) = 2, r_n = max(r_{n-1} + 2, w_n + 1).
// By induction r_n = 2n + 2, s_n = r_{n-2} = 2n - 2, w_n + 1 = 2n <= 2n + 2.
// Reads 0..499 happen at or before 1000 (r_499 = 1000); read 500 would be at
// 1002, past the limit: the consumer stops there.
TEST(SimulatorLimit, MaxCycles) {
  Design design;
  design.fifos = {fifo("f", 2)};
  design.processes = {{"producer", LoopTree::makeLeaf(1000000, 1, 1, {}, {0})},
                      {"consumer", LoopTree::makeLeaf(1000000, 2, 1, {0}, {})}};
  SimulationOptions options;
  options.maxCycles = 1000;
  SimulationResult result = simulate(design, options);
  ASSERT_EQ(result.status, SimulationStatus::LimitReached);
  EXPECT_EQ(result.totalCycles, 0);
  EXPECT_EQ(result.fifos[0].tokensRead, 500);
  EXPECT_EQ(result.processes[1].state, ProcessState::StoppedAtLimit);
  EXPECT_EQ(result.processes[1].cycle, 1002);
  // The producer ran up to s_501 = 1000; write 502 needs read 500, which
  // the stopped consumer never does, so it is blocked from 1000 + 1 on. A
  // limit stop takes precedence over the deadlock it leaves behind.
  EXPECT_EQ(result.processes[0].state, ProcessState::Blocked);
  EXPECT_EQ(result.processes[0].cycle, 1001);
  EXPECT_EQ(result.fifos[0].tokensWritten, 502);

  // A limit at the last cycle changes nothing: the last read is at
  // 2 * 999999 + 2 = 2000000, and the consumer ends at 2000001.
  options.maxCycles = 2000001;
  result = simulate(design, options);
  ASSERT_EQ(result.status, SimulationStatus::Completed);
  EXPECT_EQ(result.totalCycles, 2000001);
  EXPECT_EQ(result.fifos[0].peakOccupancy, 2);

  // One cycle less, and the consumer cannot finish.
  options.maxCycles = 2000000;
  result = simulate(design, options);
  ASSERT_EQ(result.status, SimulationStatus::LimitReached);
  EXPECT_EQ(result.processes[0].state, ProcessState::Finished);
  EXPECT_EQ(result.processes[1].state, ProcessState::StoppedAtLimit);
  EXPECT_EQ(result.processes[1].cycle, 2000001);
  EXPECT_EQ(result.fifos[0].tokensRead, 1000000);
}

// A compute leaf that would finish after the limit is stopped too.
TEST(SimulatorLimit, ClosedFormPastTheLimit) {
  Design design;
  design.processes = {{"compute", LoopTree::makeLeaf(1000000000, 1, 0)}};
  SimulationOptions options;
  options.maxCycles = 1000;
  SimulationResult result = simulate(design, options);
  ASSERT_EQ(result.status, SimulationStatus::LimitReached);
  EXPECT_EQ(result.processes[0].state, ProcessState::StoppedAtLimit);
  EXPECT_EQ(result.processes[0].cycle, 999999999);
}

// A trillion-token stream into an unbounded FIFO that its reader drains at
// half speed: the backlog (and so the memory) grows with the work done, and
// the iteration cap ends it.
TEST(SimulatorLimit, HugeUnboundedStream) {
  const int64_t trillion = 1000000000000;
  Design design;
  design.fifos = {fifo("f", kUnboundedDepth)};
  design.processes = {
      {"producer", LoopTree::makeLeaf(trillion, 1, 1, {}, {0})},
      {"consumer", LoopTree::makeLeaf(trillion, 2, 1, {0}, {})}};
  SimulationOptions options;
  options.maxIterations = 1000000;
  SimulationResult result = simulate(design, options);
  ASSERT_EQ(result.status, SimulationStatus::LimitReached);
  EXPECT_EQ(result.fifos[0].tokensWritten + result.fifos[0].tokensRead,
            1000000);
}

// Zero-latency single-iteration leaves into an unbounded FIFO move tokens
// without advancing time; only the iteration cap stops them.
TEST(SimulatorLimit, MaxIterations) {
  Design design;
  design.fifos = {fifo("f", kUnboundedDepth)};
  design.processes = {
      {"flood", LoopTree::makeSequence(int64_t(1) << 40,
                                       {LoopTree::makeLeaf(1, 1, 0, {}, {0})})},
      {"drain", LoopTree::makeLeaf(1, 1, 0, {0}, {})}};
  SimulationOptions options;
  options.maxIterations = 10000;
  SimulationResult result = simulate(design, options);
  ASSERT_EQ(result.status, SimulationStatus::LimitReached);
  EXPECT_EQ(result.processes[0].state, ProcessState::StoppedAtLimit);
  EXPECT_EQ(result.fifos[0].tokensWritten + result.fifos[0].tokensRead, 10000);
}

//===----------------------------------------------------------------------===//
// Randomized cross-check against a slow, independent reference
//===----------------------------------------------------------------------===//

/// The timing rules solved the obvious way: keep every write and read cycle
/// of every FIFO, and sweep over the processes, recomputing each one's whole
/// schedule from the others' latest cycles (a cycle not known yet is no
/// bound), until nothing changes. Starting from no bounds, the sweeps climb
/// to the least schedule that satisfies the rules, which is the simulated
/// one; a design that deadlocks on a cycle of waits has none, and the
/// sweeps never settle.
class ReferenceSimulator {
public:
  explicit ReferenceSimulator(const Design &design)
      : design(design), writeCycles(design.fifos.size()),
        readCycles(design.fifos.size()), stats(design.processes.size()) {}

  /// Returns true once a sweep changes nothing, false after `maxSweeps`.
  bool run(int maxSweeps) {
    for (int sweep = 0; sweep < maxSweeps; ++sweep) {
      changed = false;
      for (size_t process = 0; process < design.processes.size(); ++process) {
        nextRead.assign(design.fifos.size(), 0);
        nextWrite.assign(design.fifos.size(), 0);
        ProcessStats &processStats = stats[process];
        processStats = ProcessStats();
        cursor = 0;
        walk(design.processes[process].body, processStats);
        processStats.cycle = cursor;
      }
      if (!changed)
        return true;
    }
    return false;
  }

  const ProcessStats &getProcess(int process) const { return stats[process]; }

  /// Max over writes n of n + 1 minus the reads strictly before write n's
  /// cycle, by brute force.
  int64_t getPeakOccupancy(int fifo) const {
    int64_t peak = 0;
    const std::vector<int64_t> &writes = writeCycles[fifo];
    for (size_t n = 0; n < writes.size(); ++n) {
      int64_t readsBefore = 0;
      for (int64_t read : readCycles[fifo])
        readsBefore += read < writes[n];
      peak = std::max(peak, int64_t(n) + 1 - readsBefore);
    }
    return peak;
  }

private:
  static constexpr int64_t kNoBound = std::numeric_limits<int64_t>::min() / 4;

  void record(std::vector<int64_t> &cycles, int64_t index, int64_t cycle) {
    if (index == int64_t(cycles.size())) {
      cycles.push_back(cycle);
      changed = true;
    } else if (cycles[index] != cycle) {
      cycles[index] = cycle;
      changed = true;
    }
  }

  void walk(const LoopTree &tree, ProcessStats &processStats) {
    if (!tree.isLeaf) {
      for (int64_t repetition = 0; repetition < tree.repeat; ++repetition) {
        cursor += tree.overhead;
        processStats.busyCycles += tree.overhead;
        for (const LoopTree &child : tree.children)
          walk(child, processStats);
      }
      return;
    }
    const PipelinedLoop &loop = tree.leaf;
    int64_t previousStart = 0;
    for (int64_t k = 0; k < loop.tripCount; ++k) {
      int64_t earliest = k == 0 ? cursor : previousStart + loop.ii;
      int64_t dataReady = kNoBound;
      for (int fifo : loop.reads) {
        int64_t m = nextRead[fifo];
        if (m < int64_t(writeCycles[fifo].size()))
          dataReady = std::max(dataReady, writeCycles[fifo][m] + 1);
      }
      int64_t roomReady = kNoBound;
      for (int fifo : loop.writes) {
        int64_t n = nextWrite[fifo];
        int64_t depth = design.fifos[fifo].depth;
        if (depth != kUnboundedDepth && n >= depth &&
            n - depth < int64_t(readCycles[fifo].size()))
          roomReady = std::max(roomReady,
                               readCycles[fifo][n - depth] + 1 - loop.latency);
      }
      int64_t start = std::max({earliest, dataReady, roomReady});
      if (dataReady >= roomReady)
        processStats.dataStallCycles += start - earliest;
      else
        processStats.roomStallCycles += start - earliest;
      for (int fifo : loop.reads)
        record(readCycles[fifo], nextRead[fifo]++, start);
      for (int fifo : loop.writes)
        record(writeCycles[fifo], nextWrite[fifo]++, start + loop.latency);
      previousStart = start;
    }
    if (loop.tripCount > 0) {
      cursor = previousStart + loop.latency;
      processStats.busyCycles += (loop.tripCount - 1) * loop.ii + loop.latency;
    }
  }

  const Design &design;
  std::vector<std::vector<int64_t>> writeCycles;
  std::vector<std::vector<int64_t>> readCycles;
  std::vector<ProcessStats> stats;
  std::vector<int64_t> nextRead;
  std::vector<int64_t> nextWrite;
  int64_t cursor = 0;
  bool changed = false;
};

/// Small random designs in which every FIFO's writer and reader move the
/// same number of tokens, so that any deadlock is a cycle of waits.
class RandomDesigns {
public:
  explicit RandomDesigns(unsigned seed) : random(seed) {}

  Design next() {
    Design design;
    tokens = pick({4, 6, 8, 12});
    switch (pick({0, 1, 2})) {
    case 0: { // A chain of 2 to 4 processes.
      int length = int(pick({2, 3, 4}));
      int previous = -1;
      for (int stage = 0; stage < length; ++stage) {
        std::vector<int> reads, writes;
        if (previous >= 0)
          reads.push_back(previous);
        if (stage + 1 < length)
          writes.push_back(previous = addFifo(design));
        addProcess(design, reads, writes);
      }
      break;
    }
    case 1: { // A fork whose branches meet again, directly (deadlock-prone).
      int a = addFifo(design), b = addFifo(design);
      addProcess(design, {}, {a, b});
      addProcess(design, {a, b}, {});
      break;
    }
    case 2: { // Source, fork, a long and a short branch, join, sink.
      int in = addFifo(design), shortcut = addFifo(design),
          detour = addFifo(design), back = addFifo(design),
          out = addFifo(design);
      addProcess(design, {}, {in});
      addProcess(design, {in}, {shortcut, detour});
      addProcess(design, {detour}, {back});
      addProcess(design, {shortcut, back}, {out});
      addProcess(design, {out}, {});
      break;
    }
    }
    return design;
  }

private:
  int64_t pick(std::initializer_list<int64_t> choices) {
    std::uniform_int_distribution<size_t> index(0, choices.size() - 1);
    return choices.begin()[index(random)];
  }
  int64_t uniform(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  }

  int addFifo(Design &design) {
    design.fifos.push_back(fifo("f" + std::to_string(design.fifos.size()),
                                pick({1, 2, 3, 4, 6, kUnboundedDepth})));
    return int(design.fifos.size()) - 1;
  }

  LoopTree randomLeaf(int64_t tripCount, std::vector<int> reads,
                      std::vector<int> writes) {
    return LoopTree::makeLeaf(tripCount, uniform(1, 3), uniform(0, 4),
                              std::move(reads), std::move(writes));
  }

  /// Moves `tokens` tokens through each FIFO in `reads` and `writes`:
  /// repeat R times (R * T = tokens) a body that reads and writes in one
  /// leaf, or reads (all FIFOs together or one after the other), maybe
  /// computes, then writes.
  void addProcess(Design &design, std::vector<int> reads,
                  std::vector<int> writes) {
    int64_t repeat =
        tokens % 2 == 0 ? pick({1, 2, tokens / 2, tokens}) : pick({1, tokens});
    int64_t tripCount = tokens / repeat;
    std::vector<LoopTree> body;
    switch (pick({0, 1, 2})) {
    case 0:
      body.push_back(randomLeaf(tripCount, reads, writes));
      break;
    case 1:
      body.push_back(randomLeaf(tripCount, reads, {}));
      body.push_back(randomLeaf(tripCount, {}, writes));
      break;
    case 2:
      for (int id : reads)
        body.push_back(randomLeaf(tripCount, {id}, {}));
      body.push_back(randomLeaf(tripCount, {}, writes));
      break;
    }
    if (pick({0, 1}))
      body.insert(body.begin() + uniform(0, int64_t(body.size())),
                  randomLeaf(uniform(0, 3), {}, {}));
    LoopTree tree = LoopTree::makeSequence(repeat, body, uniform(0, 2));
    if (pick({0, 1}))
      tree =
          LoopTree::makeSequence(1, {randomLeaf(uniform(1, 5), {}, {}), tree});
    design.processes.push_back(
        {"p" + std::to_string(design.processes.size()), tree});
  }

  std::mt19937 random;
  int64_t tokens = 0;
};

void expectSameAsReference(const Design &design, const SimulationResult &result,
                           const ReferenceSimulator &reference) {
  for (size_t process = 0; process < design.processes.size(); ++process) {
    const ProcessStats &actual = result.processes[process];
    const ProcessStats &expected = reference.getProcess(int(process));
    EXPECT_EQ(actual.cycle, expected.cycle) << "process " << process;
    EXPECT_EQ(actual.busyCycles, expected.busyCycles) << "process " << process;
    EXPECT_EQ(actual.dataStallCycles, expected.dataStallCycles)
        << "process " << process;
    EXPECT_EQ(actual.roomStallCycles, expected.roomStallCycles)
        << "process " << process;
  }
  for (size_t id = 0; id < design.fifos.size(); ++id)
    EXPECT_EQ(result.fifos[id].peakOccupancy,
              reference.getPeakOccupancy(int(id)))
        << "FIFO " << id;
}

TEST(SimulatorRandomized, MatchesReference) {
  RandomDesigns designs(/*seed=*/2025);
  int completed = 0, deadlocked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    Design design = designs.next();
    SimulationResult result = simulate(design);
    ReferenceSimulator reference(design);
    bool converged = reference.run(/*maxSweeps=*/2000);
    ASSERT_NE(result.status, SimulationStatus::InvalidDesign) << result.error;
    ASSERT_NE(result.status, SimulationStatus::LimitReached);
    // Deadlocked exactly when the waits form a cycle, which the reference
    // sees as sweeps that never settle.
    ASSERT_EQ(result.status == SimulationStatus::Completed, converged);
    if (!converged) {
      ++deadlocked;
      continue;
    }
    ++completed;
    expectSameAsReference(design, result, reference);
    for (const ProcessStats &stats : result.processes)
      EXPECT_EQ(stats.busyCycles + stats.dataStallCycles +
                    stats.roomStallCycles,
                stats.cycle);

    // Each FIFO's unbounded peak is a depth at which its writer never
    // stalls: sized so, the design runs exactly as unbounded.
    Design unbounded = design;
    for (Fifo &fifo : unbounded.fifos)
      fifo.depth = kUnboundedDepth;
    SimulationResult free = simulate(unbounded);
    ASSERT_EQ(free.status, SimulationStatus::Completed);
    Design sized = design;
    for (size_t id = 0; id < sized.fifos.size(); ++id)
      sized.fifos[id].depth =
          std::max<int64_t>(1, free.fifos[id].peakOccupancy);
    SimulationResult exact = simulate(sized);
    ASSERT_EQ(exact.status, SimulationStatus::Completed);
    for (size_t process = 0; process < design.processes.size(); ++process) {
      EXPECT_EQ(exact.processes[process].cycle, free.processes[process].cycle);
      EXPECT_EQ(exact.processes[process].roomStallCycles, 0);
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(completed, 100);
  EXPECT_GT(deadlocked, 10);
}

} // namespace
