//===- HoldBackSizingTest.cpp - FIFO depths with back-pressure ------------===//
//
// The held-back schedule (HoldBackSizing.h) on the shapes that make the
// paper's token model size FIFOs for everything a fast writer runs ahead:
// a fork into slow readers, a converter replaying a block into a slow
// reader. Each design is checked with the simulator against the same design
// with unbounded FIFOs, and compared with the paper's LP (FifoSizing.h).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Analysis/HoldBackSizing.h"

#include "streamtensor/Analysis/FifoSizing.h"
#include "streamtensor/Analysis/TaskProfile.h"
#include "streamtensor/Simulation/Simulator.h"

#include <gtest/gtest.h>

#include <random>

using namespace streamtensor;
using namespace streamtensor::perf;

namespace {

Fifo makeFifo(const std::string &name, int64_t bits = 32) {
  Fifo fifo;
  fifo.name = name;
  fifo.depth = 1;
  fifo.tokenBits = bits;
  return fifo;
}

LoopTree leaf(int64_t trips, int64_t ii, int64_t latency,
              std::vector<int> reads, std::vector<int> writes) {
  return LoopTree::makeLeaf(trips, ii, latency, std::move(reads),
                            std::move(writes));
}

/// The depths of the paper's LP in Normal mode (0 for a FIFO it skips).
std::vector<int64_t> lpDepths(const Design &design) {
  std::vector<TaskProfile> profiles;
  for (const Process &process : design.processes)
    profiles.push_back(profileProcess(process));
  std::vector<int> edgeFifo;
  std::vector<fifo::SizingEdge> edges = sizingEdges(design, profiles, edgeFifo);
  fifo::SizingResult sizing = fifo::sizeFifos(
      static_cast<int>(design.processes.size()), edges, fifo::FifoMode::Normal);
  EXPECT_EQ(sizing.error, "");
  std::vector<int64_t> depths(design.fifos.size(), 0);
  for (size_t edge = 0; edge < sizing.depths.size(); ++edge)
    depths[edgeFifo[edge]] = sizing.depths[edge];
  return depths;
}

/// Simulates `design` with `depths` and expects it to finish when the
/// design with unbounded sizable FIFOs does.
void expectUnboundedLatency(Design design, const std::vector<int64_t> &depths,
                            const std::vector<bool> &sizable) {
  Design unbounded = design;
  for (size_t fifo = 0; fifo < design.fifos.size(); ++fifo) {
    design.fifos[fifo].depth = depths[fifo];
    if (sizable[fifo])
      unbounded.fifos[fifo].depth = kUnboundedDepth;
  }
  SimulationResult reference = simulate(unbounded);
  ASSERT_EQ(reference.status, SimulationStatus::Completed);
  SimulationResult sized = simulate(design);
  ASSERT_EQ(sized.status, SimulationStatus::Completed)
      << formatDeadlockReport(design, sized.deadlock);
  EXPECT_EQ(sized.totalCycles, reference.totalCycles);
}

/// The held-back schedule as a schedule: with unbounded FIFOs the reversed
/// design runs as long as `design`, and reversing it twice gives back each
/// process's finish.
void expectReversalKeepsTiming(Design design) {
  for (Fifo &fifo : design.fifos)
    fifo.depth = kUnboundedDepth;
  SimulationResult forward = simulate(design);
  ASSERT_EQ(forward.status, SimulationStatus::Completed) << forward.error;
  SimulationResult backward = simulate(fifo::reverseDesign(design));
  ASSERT_EQ(backward.status, SimulationStatus::Completed) << backward.error;
  ASSERT_EQ(backward.totalCycles, forward.totalCycles);
  SimulationResult twice =
      simulate(fifo::reverseDesign(fifo::reverseDesign(design)));
  ASSERT_EQ(twice.status, SimulationStatus::Completed);
  for (size_t p = 0; p < design.processes.size(); ++p)
    ASSERT_EQ(twice.processes[p].cycle, forward.processes[p].cycle) << p;
}

// A fork copies 512 tokens, one per cycle, to three readers that take 8
// cycles each per token and meet again in a join. Every task at its own
// pace (the paper's model, or the unbounded run), the fork is done after
// 512 cycles and each of its FIFOs holds what the readers have not taken
// by then: 512 - 512 / 8 = 448 tokens. Held back by its readers, the fork
// writes a token when one is taken: one slot each, and the design takes as
// long as with unbounded FIFOs.
TEST(HoldBackSizing, ForkIntoThreeSlowReadersThatMeetAgain) {
  const int64_t tokens = 512;
  Design design;
  for (const char *name :
       {"src_fork", "fork_a", "fork_b", "fork_c", "a_join", "b_join", "c_join"})
    design.fifos.push_back(makeFifo(name));
  design.processes = {{"src", leaf(tokens, 1, 2, {}, {0})},
                      {"fork", leaf(tokens, 1, 1, {0}, {1, 2, 3})},
                      {"a", leaf(tokens, 8, 10, {1}, {4})},
                      {"b", leaf(tokens, 8, 12, {2}, {5})},
                      {"c", leaf(tokens, 8, 9, {3}, {6})},
                      {"join", leaf(tokens, 1, 3, {4, 5, 6}, {})}};
  std::vector<bool> sizable(design.fifos.size(), true);
  fifo::HoldBackResult result = fifo::sizeByHoldBack(design, sizable);
  ASSERT_EQ(result.error, "");

  // The unbounded run: the fork's FIFOs fill up.
  for (int fifo : {1, 2, 3})
    EXPECT_EQ(result.referencePeaks[fifo], 448) << fifo;
  // The held-back schedule: the fork keeps pace with its readers. The join
  // (a sink) is held back too, to finish when it would unbounded: it then
  // reads in a burst at the end, so its inputs fill up instead; per FIFO the
  // smaller of the two peaks is taken, and the check passes.
  for (int fifo : {1, 2, 3})
    EXPECT_EQ(result.heldBackPeaks[fifo], 1) << fifo;
  EXPECT_EQ(result.schedule, fifo::Schedule::Mixed);
  for (size_t fifo = 0; fifo < design.fifos.size(); ++fifo)
    EXPECT_LE(result.depths[fifo], 2) << design.fifos[fifo].name;
  EXPECT_EQ(result.checkedCycles, result.referenceCycles);
  EXPECT_EQ(result.paddedFifos, 0);
  // The fork starts with the source and ends with its slowest reader.
  EXPECT_EQ(result.referenceFinish[1], tokens + 3);
  expectUnboundedLatency(design, result.depths, sizable);

  // The paper's LP sizes the fork's FIFOs for running ahead.
  std::vector<int64_t> lp = lpDepths(design);
  for (int fifo : {1, 2, 3})
    EXPECT_GE(lp[fifo], 448) << fifo;
}

// A layout converter: `fill` collects a block of 64 tokens and hands it
// over through a ping-pong buffer (a FIFO of blocks, one deep, not sized);
// `drain` replays each block 8 times, one token per cycle, into a reader
// that takes 5 cycles per token. Unbounded, the drain runs ahead by 4/5 of
// what it writes; held back by its reader it needs a slot.
TEST(HoldBackSizing, ConverterReplaysABlockIntoASlowReader) {
  const int64_t block = 64, blocks = 4, replays = 8;
  Design design;
  design.fifos = {makeFifo("src_fill"), makeFifo("blocks", 32 * block),
                  makeFifo("drain_reader")};
  design.processes = {
      {"src", leaf(blocks * block, 1, 2, {}, {0})},
      {"fill", LoopTree::makeSequence(
                   blocks, {leaf(block, 1, 2, {0}, {}), leaf(1, 1, 1, {}, {1})},
                   /*overhead=*/2)},
      {"drain", LoopTree::makeSequence(blocks,
                                       {leaf(1, 1, 1, {1}, {}),
                                        leaf(replays * block, 1, 3, {}, {2})},
                                       /*overhead=*/2)},
      {"reader", leaf(blocks * replays * block, 5, 7, {2}, {})}};
  std::vector<bool> sizable = {true, false, true};
  fifo::HoldBackResult result = fifo::sizeByHoldBack(design, sizable);
  ASSERT_EQ(result.error, "");
  // The buffer keeps its depth.
  EXPECT_EQ(result.depths[1], 1);
  EXPECT_GT(result.referencePeaks[2], 1500);
  EXPECT_EQ(result.depths[2], 1);
  EXPECT_LE(result.depths[0], 2);
  EXPECT_EQ(result.checkedCycles, result.referenceCycles);
  expectUnboundedLatency(design, result.depths, sizable);
  EXPECT_GT(lpDepths(design)[2], 1500);
}

// Holding a writer back is free only while no reader notices. Here a fork
// feeds a slow reader and a fast one whose sink finishes early: held back
// to the slow reader's pace, the fork would make that sink finish later.
// Sinks keep their unbounded finish, so the FIFO to the slow reader gets
// what the fork runs ahead of it, as in the paper's model: no depth is
// capped for the sake of it.
TEST(HoldBackSizing, AnEarlySinkKeepsItsPace) {
  const int64_t tokens = 512;
  Design design;
  for (const char *name : {"fork_slow", "fork_fast", "slow_sink", "fast_sink"})
    design.fifos.push_back(makeFifo(name));
  design.processes = {{"fork", leaf(tokens, 1, 1, {}, {0, 1})},
                      {"slow", leaf(tokens, 6, 4, {0}, {2})},
                      {"fast", leaf(tokens, 1, 4, {1}, {3})},
                      {"sink1", leaf(tokens, 1, 1, {2}, {})},
                      {"sink2", leaf(tokens, 1, 1, {3}, {})}};
  std::vector<bool> sizable(design.fifos.size(), true);
  fifo::HoldBackResult result = fifo::sizeByHoldBack(design, sizable);
  ASSERT_EQ(result.error, "");
  // 512 - floor(512 / 6) tokens wait, give or take the pipeline.
  EXPECT_NEAR(double(result.depths[0]), 512.0 - 512.0 / 6, 3);
  EXPECT_EQ(result.depths[0], result.referencePeaks[0]);
  EXPECT_LE(result.depths[1], 2);
  expectUnboundedLatency(design, result.depths, sizable);
}

// The held-back schedule as a schedule: the reversed design runs as long as
// the design, and reversing twice gives back the same timing, with nested
// repetitions and loop overheads.
TEST(HoldBackSizing, ReversedDesignTakesAsLong) {
  Design design;
  design.fifos = {makeFifo("ab"), makeFifo("bc"), makeFifo("ac")};
  design.processes = {
      {"a", LoopTree::makeSequence(
                4, {leaf(8, 1, 3, {}, {0}), leaf(8, 2, 5, {}, {2})}, 3)},
      {"b", LoopTree::makeSequence(
                2, {LoopTree::makeSequence(16, {leaf(1, 1, 2, {0}, {})}, 1),
                    leaf(16, 3, 1, {}, {1})})},
      {"c", leaf(32, 1, 2, {1, 2}, {})}};
  expectReversalKeepsTiming(design);
  // A start delay shifts the reversed process.
  for (Fifo &fifo : design.fifos)
    fifo.depth = kUnboundedDepth;
  SimulationResult backward = simulate(fifo::reverseDesign(design));
  SimulationResult delayed =
      simulate(fifo::reverseDesign(design, {0, 0, 1000}));
  EXPECT_EQ(delayed.totalCycles, backward.totalCycles + 1000);
}

// Loops paced by a fraction of a cycle (a DMA on an HBM channel), reversed:
// the longer intervals come first, so that the reversed design takes
// exactly as long; reversed twice, each process ends when it did. Random
// chains of a paced DMA, a reader that also waits for a slow process, and
// a paced writer to memory.
TEST(HoldBackSizing, ReversedPacedLoopsTakeAsLong) {
  std::mt19937 random(11);
  auto uniform = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  for (int trial = 0; trial < 200; ++trial) {
    int64_t tokens = uniform(2, 300);
    Design design;
    design.fifos = {makeFifo("dma_use"), makeFifo("slow_use"),
                    makeFifo("use_store")};
    LoopTree dma = leaf(tokens, 1, uniform(1, 70), {}, {0});
    dma.leaf.iiFraction = uniform(1, kCycleFractions - 1);
    LoopTree slow = leaf(1, 1, uniform(1, 500), {}, {1});
    LoopTree use = LoopTree::makeSequence(
        1, {leaf(1, 1, 1, {1}, {}), leaf(tokens, 1, uniform(1, 5), {0}, {2})});
    LoopTree store = leaf(tokens, 1, uniform(1, 70), {2}, {});
    store.leaf.iiFraction = uniform(1, kCycleFractions - 1);
    design.processes = {
        {"dma", dma}, {"slow", slow}, {"use", use}, {"store", store}};
    SCOPED_TRACE("trial " + std::to_string(trial));
    expectReversalKeepsTiming(design);
    if (HasFatalFailure())
      return;
    std::vector<bool> sizable(design.fifos.size(), true);
    fifo::HoldBackResult result = fifo::sizeByHoldBack(design, sizable);
    ASSERT_EQ(result.error, "") << "trial " << trial;
    expectUnboundedLatency(design, result.depths, sizable);
  }
}

// Random pipelines of random loop trees: the depths never deadlock and
// never slow the design down.
TEST(HoldBackSizing, RandomChainsKeepTheirLatency) {
  std::mt19937 random(7);
  auto uniform = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  for (int trial = 0; trial < 100; ++trial) {
    // Stages pass 48 tokens along, each in its own loop shape: one loop,
    // or 4 x 12 with a compute loop in between, or a window of 6 first.
    int stages = static_cast<int>(uniform(2, 6));
    Design design;
    for (int fifo = 0; fifo + 1 < stages; ++fifo)
      design.fifos.push_back(makeFifo("f" + std::to_string(fifo)));
    for (int stage = 0; stage < stages; ++stage) {
      std::vector<int> in, out;
      if (stage > 0)
        in.push_back(stage - 1);
      if (stage + 1 < stages)
        out.push_back(stage);
      int64_t ii = uniform(1, 4), latency = uniform(1, 9);
      LoopTree body;
      switch (uniform(0, 2)) {
      case 0:
        body = leaf(48, ii, latency, in, out);
        break;
      case 1:
        body = LoopTree::makeSequence(4,
                                      {leaf(12, ii, latency, in, out),
                                       leaf(uniform(1, 40), 1, 2, {}, {})},
                                      2);
        break;
      default:
        body = LoopTree::makeSequence(1, {leaf(6, ii, latency, in, {}),
                                          leaf(42, ii, latency, in, out),
                                          leaf(6, ii, latency, {}, out)});
        break;
      }
      design.processes.push_back({"s" + std::to_string(stage), body});
    }
    std::vector<bool> sizable(design.fifos.size(), true);
    fifo::HoldBackResult result = fifo::sizeByHoldBack(design, sizable);
    ASSERT_EQ(result.error, "") << "trial " << trial;
    expectUnboundedLatency(design, result.depths, sizable);
  }
}

// A FIFO with one end only is left alone; a design that cannot complete
// even with unbounded FIFOs is an error naming the wait.
TEST(HoldBackSizing, OneSidedFifosAndDeadlocks) {
  Design design;
  design.fifos = {makeFifo("ab"), makeFifo("dangling")};
  design.fifos[1].depth = 7;
  design.processes = {{"a", leaf(4, 1, 1, {}, {0, 1})},
                      {"b", leaf(4, 1, 1, {0}, {})}};
  fifo::HoldBackResult result = fifo::sizeByHoldBack(design, {true, true});
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.depths[1], 7);
  EXPECT_LE(result.depths[0], 2);

  design.processes[1].body.leaf.tripCount = 5;
  result = fifo::sizeByHoldBack(design, {true, true});
  EXPECT_NE(result.error.find("does not complete even with unbounded FIFOs"),
            std::string::npos)
      << result.error;
  EXPECT_NE(result.error.find("'b' waits for data on 'ab'"), std::string::npos)
      << result.error;
}

} // namespace
