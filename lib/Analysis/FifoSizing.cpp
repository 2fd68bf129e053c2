//===- FifoSizing.cpp - FIFO depths from the token model and the LP ------===//

#include "streamtensor/Analysis/FifoSizing.h"

#include "streamtensor/Solver/LinearProgram.h"

#include <algorithm>
#include <cmath>

using namespace streamtensor;
using namespace streamtensor::fifo;

int64_t fifo::maxTokens(const EdgeTiming &edge, double delay) {
  double tokens = static_cast<double>(edge.tokens);
  // (1): what the target has not consumed when the source is done.
  double atSourceEnd =
      tokens - std::floor((edge.sourceLatency - delay) / edge.targetII);
  // (2): what the source wrote before the target started.
  double atTargetStart = std::ceil((delay - edge.sourceDelay) / edge.sourceII);
  double occupancy = edge.sourceII < edge.targetII
                         ? std::max(atSourceEnd, atTargetStart)
                         : atTargetStart;
  if (edge.sourceLatency < edge.sourceDelay + tokens * edge.sourceII)
    occupancy = std::max(occupancy, atSourceEnd);
  return std::max<int64_t>(1,
                           static_cast<int64_t>(std::min(tokens, occupancy)));
}

/// Tasks in an order where every edge goes forward; empty if there is a
/// cycle.
static std::vector<int> topologicalOrder(int numTasks,
                                         const std::vector<SizingEdge> &edges) {
  std::vector<int> inDegree(numTasks, 0);
  std::vector<std::vector<int>> successors(numTasks);
  for (const SizingEdge &edge : edges) {
    ++inDegree[edge.target];
    successors[edge.source].push_back(edge.target);
  }
  std::vector<int> order;
  for (int task = 0; task < numTasks; ++task)
    if (inDegree[task] == 0)
      order.push_back(task);
  for (size_t next = 0; next < order.size(); ++next)
    for (int successor : successors[order[next]])
      if (--inDegree[successor] == 0)
        order.push_back(successor);
  if (static_cast<int>(order.size()) != numTasks)
    order.clear();
  return order;
}

/// How much slower than in isolation every task runs; `heldBack` receives
/// the part of it that comes from a slower reader (Normal mode).
static std::vector<double> slowdowns(int numTasks,
                                     const std::vector<SizingEdge> &edges,
                                     FifoMode mode,
                                     const std::vector<int> &order,
                                     std::vector<double> &heldBack) {
  std::vector<double> slowdown(numTasks, 1.0);
  heldBack.assign(numTasks, 1.0);
  if (mode == FifoMode::Conservative) {
    // A task's span is the time it needs to stream all tokens of its
    // busiest FIFO; every task is stretched to the longest span.
    std::vector<double> span(numTasks, 0.0);
    for (const SizingEdge &edge : edges) {
      double tokens = static_cast<double>(edge.timing.tokens);
      span[edge.source] =
          std::max(span[edge.source], tokens * edge.timing.sourceII);
      span[edge.target] =
          std::max(span[edge.target], tokens * edge.timing.targetII);
    }
    if (span.empty())
      return slowdown;
    double slowest = *std::max_element(span.begin(), span.end());
    for (int task = 0; task < numTasks; ++task)
      if (span[task] > 0)
        slowdown[task] = slowest / span[task];
    return slowdown;
  }
  // Normal: a task reads one token per iteration from each input, so it
  // runs no faster than its slowest input delivers.
  std::vector<std::vector<const SizingEdge *>> inputs(numTasks);
  for (const SizingEdge &edge : edges)
    inputs[edge.target].push_back(&edge);
  for (int task : order)
    for (const SizingEdge *edge : inputs[task]) {
      double delivered = edge->timing.sourceII * slowdown[edge->source];
      slowdown[task] =
          std::max(slowdown[task], delivered / edge->timing.targetII);
    }
  // A task that reads nothing and writes one FIFO (a DMA load) is held back
  // by its reader: once the FIFO is full it writes at the reader's pace, so
  // the FIFO need not hold what a faster producer would have run ahead. (The
  // reader's pace does not change: it already ran no faster than its
  // input.) With two FIFOs written, the paths from the task may meet again,
  // and holding it back on one would starve the other.
  std::vector<int> outputs(numTasks, 0);
  std::vector<bool> reads(numTasks, false);
  for (const SizingEdge &edge : edges) {
    ++outputs[edge.source];
    reads[edge.target] = true;
  }
  for (const SizingEdge &edge : edges) {
    double reader =
        edge.timing.targetII * slowdown[edge.target] / edge.timing.sourceII;
    if (!reads[edge.source] && outputs[edge.source] == 1 &&
        reader > slowdown[edge.source]) {
      heldBack[edge.source] = reader / slowdown[edge.source];
      slowdown[edge.source] = reader;
    }
  }
  return slowdown;
}

std::vector<EdgeTiming>
fifo::effectiveTimings(int numTasks, const std::vector<SizingEdge> &edges,
                       FifoMode mode) {
  std::vector<int> order = topologicalOrder(numTasks, edges);
  if (order.empty() && numTasks > 0)
    return {};
  std::vector<double> heldBack;
  std::vector<double> slowdown =
      slowdowns(numTasks, edges, mode, order, heldBack);
  std::vector<std::vector<size_t>> inputs(numTasks);
  for (size_t i = 0; i < edges.size(); ++i)
    inputs[edges[i].target].push_back(i);

  std::vector<EdgeTiming> timings(edges.size());
  // How late each task's first write is for want of input tokens.
  std::vector<double> shift(numTasks, 0.0);
  auto sourceInterval = [&](size_t i) {
    return edges[i].timing.sourceII * slowdown[edges[i].source];
  };
  // When each task's last input token arrives, relative to its start.
  std::vector<double> lastArrival(numTasks, -1.0);
  for (int task = 0; task < numTasks; ++task) {
    for (size_t i : inputs[task]) {
      const SizingEdge &edge = edges[i];
      double interval =
          std::max(sourceInterval(i), edge.timing.targetII * slowdown[task]);
      lastArrival[task] = std::max(
          lastArrival[task],
          edge.targetFirstRead + double(edge.timing.tokens - 1) * interval);
    }
    // The token that enables the first write arrives (n - 1) intervals
    // after the first one, at the slower of the two rates.
    for (size_t i : inputs[task]) {
      const SizingEdge &edge = edges[i];
      if (edge.targetReadsBeforeFirstWrite <= 0)
        continue;
      double interval =
          std::max(sourceInterval(i), edge.timing.targetII * slowdown[task]);
      double needed = edge.targetFirstRead +
                      double(edge.targetReadsBeforeFirstWrite - 1) * interval;
      double alone =
          edge.targetFirstRead +
          double(edge.targetReadsBeforeFirstWrite - 1) * edge.timing.targetII;
      shift[task] = std::max(shift[task], needed - alone);
    }
  }
  for (size_t i = 0; i < edges.size(); ++i) {
    const SizingEdge &edge = edges[i];
    EdgeTiming timing = edge.timing;
    double stretch = slowdown[edge.source];
    double span = edge.timing.sourceLatency - edge.timing.sourceDelay;
    timing.sourceDelay += shift[edge.source];
    timing.sourceII *= stretch;
    timing.sourceLatency = timing.sourceDelay + span * stretch;
    // What comes after the source's last read keeps its own pace.
    if (edge.sourceLastRead >= 0 && lastArrival[edge.source] >= 0) {
      // Only a slower reader holds the tail back.
      double tail = (edge.timing.sourceLatency - edge.sourceLastRead) *
                    heldBack[edge.source];
      timing.sourceLatency = std::max(
          timing.sourceDelay + span,
          std::min(timing.sourceLatency, lastArrival[edge.source] + tail));
    }
    timing.targetII *= slowdown[edge.target];
    timings[i] = timing;
  }
  return timings;
}

SizingResult fifo::sizeFifos(int numTasks, const std::vector<SizingEdge> &edges,
                             FifoMode mode, SizingObjective objective) {
  SizingResult result;
  for (const SizingEdge &edge : edges)
    if (edge.source < 0 || edge.source >= numTasks || edge.target < 0 ||
        edge.target >= numTasks || edge.source == edge.target ||
        edge.timing.tokens < 1 || edge.timing.sourceII <= 0 ||
        edge.timing.targetII <= 0) {
      result.error = "invalid FIFO edge";
      return result;
    }
  // The timings come back empty only for a graph with a cycle.
  result.effectiveTimings = effectiveTimings(numTasks, edges, mode);
  if (result.effectiveTimings.empty() && !edges.empty()) {
    result.error = "the task graph has a cycle";
    return result;
  }

  // Equations (4)-(5) over start cycles s: every delay s_j - s_i is at
  // least the source's initial delay (less the cycles the target spends
  // before its first read), so summed along any path it reaches the
  // threshold of (5), the longest sum of initial delays. The sum of delays
  // (3) does not change when every start moves by the same amount; a tiny
  // weight on the starts anchors them at 0.
  solver::LinearProgram program;
  for (int task = 0; task < numTasks; ++task)
    program.addVariable("s" + std::to_string(task), 0, solver::kInfinity,
                        objective == SizingObjective::EarliestStart ? 1.0
                                                                    : 1e-6);
  for (size_t i = 0; i < edges.size(); ++i) {
    const SizingEdge &edge = edges[i];
    if (objective == SizingObjective::SumOfDelays) {
      program.variables[edge.target].objective += 1;
      program.variables[edge.source].objective -= 1;
    }
    double threshold = std::max(0.0, result.effectiveTimings[i].sourceDelay -
                                         edge.targetFirstRead);
    program.addConstraint("delay" + std::to_string(i),
                          {{edge.target, 1.0}, {edge.source, -1.0}}, threshold,
                          solver::kInfinity);
  }
  solver::Solution solution = solver::solve(program);
  if (!solution.isOptimal()) {
    result.error =
        std::string("FIFO sizing LP: ") + solver::toString(solution.status) +
        (solution.message.empty() ? "" : " (" + solution.message + ")");
    return result;
  }
  result.startCycles = solution.values;
  result.startCycles.resize(numTasks, 0.0);
  // A task that reads no FIFO and writes one (a DMA load) loses nothing by
  // starting as late as its reader allows: in hardware it starts at once and stalls on a
  // full FIFO, which is the same thing. Starting it at the LP's earliest
  // cycle would size its FIFOs to hold everything it produces before a
  // late reader starts: the whole weight matrix of a layer whose
  // activations arrive late.
  if (objective == SizingObjective::EarliestStart) {
    // Only sources that write one FIFO, as for their rate (slowdowns).
    std::vector<bool> reads(numTasks, false);
    std::vector<int> writes(numTasks, 0);
    for (const SizingEdge &edge : edges) {
      reads[edge.target] = true;
      ++writes[edge.source];
    }
    std::vector<double> latest(numTasks, solver::kInfinity);
    for (size_t i = 0; i < edges.size(); ++i) {
      const SizingEdge &edge = edges[i];
      double threshold = std::max(0.0, result.effectiveTimings[i].sourceDelay -
                                           edge.targetFirstRead);
      latest[edge.source] =
          std::min(latest[edge.source],
                   result.startCycles[edge.target] - threshold);
    }
    for (int task = 0; task < numTasks; ++task)
      if (!reads[task] && writes[task] == 1 && latest[task] < solver::kInfinity &&
          latest[task] > result.startCycles[task])
        result.startCycles[task] = latest[task];
  }
  for (size_t i = 0; i < edges.size(); ++i) {
    const SizingEdge &edge = edges[i];
    double delay =
        result.startCycles[edge.target] - result.startCycles[edge.source];
    result.delays.push_back(delay);
    result.totalDelay += delay;
    // A token holds its slot from the cycle it is written to the cycle it
    // is read, so one slot more than max_tokens keeps a source at full
    // rate (a FIFO of depth 1 passes at most one token every two cycles);
    // a FIFO that holds every token never needs that slot.
    int64_t tokens =
        maxTokens(result.effectiveTimings[i], delay + edge.targetFirstRead);
    result.maxTokens.push_back(tokens);
    result.depths.push_back(std::min(tokens + 1, edge.timing.tokens));
  }
  return result;
}
