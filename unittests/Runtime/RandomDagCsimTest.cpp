//===- RandomDagCsimTest.cpp - LP depths in the threaded C simulation -----===//
//
// The depths the FIFO sizing gives the random graphs of RandomDag.h, used
// by real threads over the C-simulation hls::stream: every task reads and
// writes in the order its loop tree says. A sample of graphs must run to the
// end; with depth 1 some must deadlock, or the check proves nothing.
//
//===----------------------------------------------------------------------===//

#include "../Performance/RandomDag.h"

#include "hls_stream.h"
#include "streamtensor_csim.h"

#include "streamtensor/Analysis/FifoSizing.h"
#include "streamtensor/Analysis/TaskProfile.h"

#include <gtest/gtest.h>

#include <memory>

using namespace streamtensor;

namespace {

/// A stream whose depth is chosen at run time.
class SizedStream : public hls::stream<int> {
public:
  SizedStream(const std::string &name, std::size_t depth)
      : hls::stream<int>(name.c_str(), depth) {}
};

std::vector<int64_t> lpDepths(const perf::Design &design) {
  std::vector<perf::TaskProfile> profiles;
  for (const perf::Process &process : design.processes)
    profiles.push_back(perf::profileProcess(process));
  std::vector<int> edgeFifo;
  auto edges = perf::sizingEdges(design, profiles, edgeFifo);
  fifo::SizingResult sizing = fifo::sizeFifos(
      static_cast<int>(design.processes.size()), edges, fifo::FifoMode::Normal);
  std::vector<int64_t> depths(design.fifos.size(), 1);
  for (size_t edge = 0; edge < sizing.depths.size(); ++edge)
    depths[edgeFifo[edge]] = sizing.depths[edge];
  return depths;
}

/// Runs the graph on threads; the deadlock report, or "" when it finishes.
std::string runThreads(const randomdag::RandomDag &dag,
                       const std::vector<int64_t> &depths) {
  std::vector<std::unique_ptr<SizedStream>> fifos;
  for (int fifo = 0; fifo < dag.numFifos; ++fifo)
    fifos.push_back(std::make_unique<SizedStream>(
        "f" + std::to_string(fifo), static_cast<std::size_t>(depths[fifo])));
  try {
    hls_sim::Dataflow region("random_dag");
    std::vector<std::string> names;
    for (size_t task = 0; task < dag.tasks.size(); ++task)
      names.push_back("t" + std::to_string(task));
    for (size_t index = 0; index < dag.tasks.size(); ++index) {
      const randomdag::RandomTask &task = dag.tasks[index];
      region.spawn(names[index].c_str(), [&, index] {
        const randomdag::RandomTask &self = dag.tasks[index];
        auto iterate = [&](int64_t trips, bool reads, bool writes) {
          for (int64_t trip = 0; trip < trips; ++trip) {
            if (reads)
              for (int fifo : self.inputs)
                fifos[fifo]->read();
            if (writes)
              for (int fifo : self.outputs)
                fifos[fifo]->write(static_cast<int>(trip));
          }
        };
        iterate(self.window, true, false);
        iterate(dag.tokens - self.window, true, true);
        iterate(self.window, false, true);
      });
      (void)task;
    }
    region.join();
  } catch (const hls_sim::DeadlockError &error) {
    return error.what();
  }
  return "";
}

TEST(RandomDagCsim, LpDepthsRunToTheEndOnThreads) {
  unsigned deadlocksAtDepthOne = 0;
  const unsigned kSample = 40;
  for (unsigned seed = 1; seed <= kSample; ++seed) {
    randomdag::RandomDag dag = randomdag::makeRandomDag(seed);
    std::vector<int64_t> depths = lpDepths(dag.toDesign());
    EXPECT_EQ(runThreads(dag, depths), "") << "seed " << seed;
    std::vector<int64_t> ones(depths.size(), 1);
    if (!runThreads(dag, ones).empty())
      ++deadlocksAtDepthOne;
  }
  EXPECT_GE(deadlocksAtDepthOne, 10u) << "of " << kSample;
}

} // namespace
