//===- RandomDag.h - Seeded random dataflow graphs for property tests -----===//
//
// Tasks in the shape the paper's token model describes: each task reads one
// token from every input and writes one to every output per iteration, at
// its own II, after consuming a window of tokens first (a reduction-like
// initial delay). Forks, joins and reconvergent paths come from the random
// edges; every edge carries the same number of tokens.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_UNITTESTS_PERFORMANCE_RANDOMDAG_H
#define STREAMTENSOR_UNITTESTS_PERFORMANCE_RANDOMDAG_H

#include "streamtensor/Analysis/ProcessModel.h"

#include <random>
#include <string>
#include <vector>

namespace streamtensor::randomdag {

struct RandomTask {
  std::vector<int> inputs, outputs; // FIFO ids
  int64_t window = 0;               // tokens read before the first write
  int64_t ii = 1;
  int64_t latency = 1;
};

struct RandomDag {
  int64_t tokens = 0;
  std::vector<RandomTask> tasks;
  int numFifos = 0;

  /// The design, every FIFO `depth` deep.
  perf::Design toDesign(int64_t depth = perf::kUnboundedDepth) const {
    perf::Design design;
    for (int fifo = 0; fifo < numFifos; ++fifo)
      design.fifos.push_back({"f" + std::to_string(fifo), depth, 32});
    for (size_t index = 0; index < tasks.size(); ++index) {
      const RandomTask &task = tasks[index];
      auto loop = [&](int64_t trips, bool reads, bool writes) {
        return perf::LoopTree::makeLeaf(
            trips, task.ii, task.latency,
            reads ? task.inputs : std::vector<int>{},
            writes ? task.outputs : std::vector<int>{});
      };
      std::vector<perf::LoopTree> phases;
      if (task.window > 0)
        phases.push_back(loop(task.window, true, false));
      phases.push_back(loop(tokens - task.window, true, true));
      if (task.window > 0)
        phases.push_back(loop(task.window, false, true));
      design.processes.push_back(
          {"t" + std::to_string(index),
           perf::LoopTree::makeSequence(1, std::move(phases))});
    }
    return design;
  }
};

/// A DAG of 3 to 10 tasks; each non-first task takes 1 to 3 inputs from
/// earlier tasks, and tasks without a consumer are sinks.
inline RandomDag makeRandomDag(unsigned seed) {
  std::mt19937 random(seed);
  auto uniform = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  RandomDag dag;
  dag.tokens = uniform(16, 200);
  int numTasks = static_cast<int>(uniform(3, 10));
  dag.tasks.resize(numTasks);
  for (int task = 1; task < numTasks; ++task) {
    int numInputs = static_cast<int>(uniform(1, std::min(3, task)));
    std::vector<int> sources;
    while (static_cast<int>(sources.size()) < numInputs) {
      int source = static_cast<int>(uniform(0, task - 1));
      bool seen = false;
      for (int other : sources)
        seen |= other == source;
      if (!seen)
        sources.push_back(source);
    }
    for (int source : sources) {
      int fifo = dag.numFifos++;
      dag.tasks[source].outputs.push_back(fifo);
      dag.tasks[task].inputs.push_back(fifo);
    }
  }
  for (RandomTask &task : dag.tasks) {
    task.ii = uniform(1, 4);
    task.latency = uniform(1, 8);
    // Half the tasks are elementwise; the others hold back a window of
    // tokens before their first output, like a row reduction.
    bool reduces =
        !task.inputs.empty() && !task.outputs.empty() && uniform(0, 1) == 1;
    task.window = reduces ? uniform(1, dag.tokens / 2) : 0;
  }
  return dag;
}

} // namespace streamtensor::randomdag

#endif // STREAMTENSOR_UNITTESTS_PERFORMANCE_RANDOMDAG_H
