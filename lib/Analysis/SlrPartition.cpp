//===- SlrPartition.cpp - Tasks onto the dies of the FPGA -----------------===//

#include "streamtensor/Analysis/SlrPartition.h"

#include "streamtensor/Solver/LinearProgram.h"

#include <cmath>

using namespace streamtensor;
using namespace streamtensor::slr;
using solver::kInfinity;

SlrPlan slr::partitionSlrs(const std::vector<SlrTask> &tasks,
                           const std::vector<SlrEdge> &edges,
                           const std::vector<Resources> &capacity,
                           const SlrWeights &weights) {
  SlrPlan plan;
  int numDies = static_cast<int>(capacity.size());
  int numTasks = static_cast<int>(tasks.size());
  if (numDies == 0) {
    plan.error = "the platform has no dies";
    return plan;
  }
  for (const SlrEdge &edge : edges)
    if (edge.from < 0 || edge.from >= numTasks || edge.to < 0 ||
        edge.to >= numTasks) {
      plan.error = "an edge names no task";
      return plan;
    }

  solver::LinearProgram program;
  // x[t][d]: task t sits on die d.
  std::vector<std::vector<int>> x(numTasks);
  for (int task = 0; task < numTasks; ++task) {
    std::vector<solver::Term> oneHot;
    for (int die = 0; die < numDies; ++die) {
      double upper =
          tasks[task].pinned < 0 || tasks[task].pinned == die ? 1 : 0;
      x[task].push_back(program.addVariable(
          tasks[task].name + "@" + std::to_string(die), 0, upper, 0,
          /*integer=*/true));
      oneHot.push_back({x[task][die], 1});
    }
    program.addConstraint(tasks[task].name + " one die", oneHot, 1, 1);
  }
  // Capacities, and the fill ratio of the fullest die per kind, in percent.
  for (int kind = 0; kind < Resources::kNumKinds; ++kind) {
    bool used = false;
    for (const SlrTask &task : tasks)
      used |= task.need.get(kind) > 0;
    if (!used)
      continue;
    int fullest = program.addVariable(
        std::string("fullest ") + Resources::kindName(kind), 0, kInfinity, 1);
    for (int die = 0; die < numDies; ++die) {
      double available = capacity[die].get(kind);
      std::vector<solver::Term> load;
      for (int task = 0; task < numTasks; ++task)
        if (tasks[task].need.get(kind) > 0)
          load.push_back({x[task][die], tasks[task].need.get(kind)});
      program.addConstraint(std::string(Resources::kindName(kind)) + " die " +
                                std::to_string(die),
                            load, -kInfinity, std::max(0.0, available));
      if (available <= 0)
        continue;
      // 100 * load / available <= fullest
      std::vector<solver::Term> ratio;
      for (const solver::Term &term : load)
        ratio.push_back({term.variable, 100 * term.coefficient / available});
      ratio.push_back({fullest, -1});
      program.addConstraint("fill", ratio, -kInfinity, 0);
    }
  }
  // distance[e] >= |position(from) - position(to)|, position = sum d x[t][d].
  for (const SlrEdge &edge : edges) {
    if (edge.from == edge.to)
      continue;
    int distance = program.addVariable("crossing", 0, kInfinity,
                                       double(edge.bits) /
                                           weights.bitsPerImbalancePercent);
    for (int sign : {1, -1}) {
      std::vector<solver::Term> terms = {{distance, 1}};
      for (int die = 0; die < numDies; ++die) {
        terms.push_back({x[edge.from][die], -sign * double(die)});
        terms.push_back({x[edge.to][die], sign * double(die)});
      }
      program.addConstraint("distance", terms, 0, kInfinity);
    }
  }

  solver::SolveOptions options;
  options.timeLimitSeconds = weights.timeLimitSeconds;
  options.maxNodes = weights.maxNodes;
  solver::Solution solution = solver::solve(program, options);
  if (solution.values.empty()) {
    plan.error =
        std::string("die assignment ILP: ") +
        solver::toString(solution.status) +
        (solution.message.empty() ? "" : " (" + solution.message + ")");
    return plan;
  }
  plan.optimal = solution.isOptimal();
  plan.usage.assign(numDies, Resources());
  for (int task = 0; task < numTasks; ++task) {
    int chosen = 0;
    for (int die = 0; die < numDies; ++die)
      if (solution.values[x[task][die]] > 0.5)
        chosen = die;
    plan.dieOf.push_back(chosen);
    plan.usage[chosen] += tasks[task].need;
  }
  for (const SlrEdge &edge : edges)
    plan.crossingBits += double(edge.bits) *
                         std::abs(plan.dieOf[edge.from] - plan.dieOf[edge.to]);
  return plan;
}
