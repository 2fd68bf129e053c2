//===- RandomDagSizingTest.cpp - LP depths on random graphs, simulated ----===//
//
// The property the paper claims for its FIFO sizing: depths from the LP and
// max_tokens neither deadlock nor slow the design down. Checked on seeded
// random DAGs with the cycle-level simulator against the same design with
// unbounded FIFOs; depth 1 everywhere shows the check can fail.
//
//===----------------------------------------------------------------------===//

#include "RandomDag.h"

#include "streamtensor/Analysis/FifoSizing.h"
#include "streamtensor/Analysis/TaskProfile.h"
#include "streamtensor/Simulation/Simulator.h"

#include <gtest/gtest.h>

using namespace streamtensor;
using namespace streamtensor::perf;

namespace {

constexpr unsigned kNumGraphs = 250;

/// The LP depths of `design`, in the given mode.
std::vector<int64_t> lpDepths(const Design &design, fifo::FifoMode mode,
                              std::string &error) {
  std::vector<TaskProfile> profiles;
  for (const Process &process : design.processes)
    profiles.push_back(profileProcess(process));
  std::vector<int> edgeFifo;
  std::vector<fifo::SizingEdge> edges = sizingEdges(design, profiles, edgeFifo);
  fifo::SizingResult sizing =
      fifo::sizeFifos(static_cast<int>(design.processes.size()), edges, mode);
  error = sizing.error;
  std::vector<int64_t> depths(design.fifos.size(), 1);
  for (size_t edge = 0; edge < sizing.depths.size(); ++edge)
    depths[edgeFifo[edge]] = sizing.depths[edge];
  return depths;
}

Design withDepths(Design design, const std::vector<int64_t> &depths) {
  for (size_t fifo = 0; fifo < design.fifos.size(); ++fifo)
    design.fifos[fifo].depth = depths[fifo];
  return design;
}

TEST(RandomDagSizing, LpDepthsNeverDeadlockAndKeepUnboundedLatency) {
  unsigned tightGraphs = 0;
  for (unsigned seed = 1; seed <= kNumGraphs; ++seed) {
    randomdag::RandomDag dag = randomdag::makeRandomDag(seed);
    Design unbounded = dag.toDesign();
    SimulationResult reference = simulate(unbounded);
    ASSERT_EQ(reference.status, SimulationStatus::Completed)
        << "seed " << seed << ": " << reference.error;

    std::string error;
    Design sized = withDepths(
        unbounded, lpDepths(unbounded, fifo::FifoMode::Normal, error));
    ASSERT_EQ(error, "") << "seed " << seed;
    SimulationResult result = simulate(sized);
    ASSERT_EQ(result.status, SimulationStatus::Completed)
        << "seed " << seed << ": "
        << formatDeadlockReport(sized, result.deadlock);
    EXPECT_LE(double(result.totalCycles), 1.01 * double(reference.totalCycles))
        << "seed " << seed << ": " << result.totalCycles << " cycles with LP "
        << "depths, " << reference.totalCycles << " unbounded";

    // Depth 1 everywhere: the same graph deadlocks or slows down.
    SimulationResult tight = simulate(dag.toDesign(1));
    if (tight.status == SimulationStatus::Deadlocked ||
        double(tight.totalCycles) > 1.01 * double(reference.totalCycles))
      ++tightGraphs;
  }
  // Without this the test above could not fail: most random graphs need
  // more than one slot somewhere.
  EXPECT_GE(tightGraphs, kNumGraphs / 3) << tightGraphs << " of " << kNumGraphs;
}

// Conservative mode trades latency for FIFO memory: over all graphs the
// depths add up to much less (single graphs may round a token or two the
// other way), and none deadlocks.
TEST(RandomDagSizing, ConservativeDepthsNeverDeadlockAndAreSmaller) {
  int64_t normalTotal = 0, conservativeTotal = 0;
  for (unsigned seed = 1; seed <= kNumGraphs; ++seed) {
    randomdag::RandomDag dag = randomdag::makeRandomDag(seed);
    Design design = dag.toDesign();
    std::string error;
    std::vector<int64_t> normal =
        lpDepths(design, fifo::FifoMode::Normal, error);
    ASSERT_EQ(error, "");
    std::vector<int64_t> conservative =
        lpDepths(design, fifo::FifoMode::Conservative, error);
    ASSERT_EQ(error, "");
    for (size_t fifo = 0; fifo < normal.size(); ++fifo) {
      normalTotal += normal[fifo];
      conservativeTotal += conservative[fifo];
    }
    Design sized = withDepths(design, conservative);
    SimulationResult result = simulate(sized);
    EXPECT_EQ(result.status, SimulationStatus::Completed)
        << "seed " << seed << ": "
        << formatDeadlockReport(sized, result.deadlock);
  }
  EXPECT_LT(double(conservativeTotal), 0.8 * double(normalTotal))
      << conservativeTotal << " slots in Conservative mode, " << normalTotal
      << " in Normal mode";
}

} // namespace
