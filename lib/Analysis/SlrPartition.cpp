//===- SlrPartition.cpp - Tasks onto the dies of the FPGA -----------------===//

#include "streamtensor/Analysis/SlrPartition.h"

#include "streamtensor/Solver/LinearProgram.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace streamtensor;
using namespace streamtensor::slr;
using solver::kInfinity;

namespace {

/// Whether every edge joins two of `numTasks` tasks.
bool edgesNameTasks(const std::vector<SlrEdge> &edges, size_t numTasks) {
  for (const SlrEdge &edge : edges)
    if (edge.from < 0 || size_t(edge.from) >= numTasks || edge.to < 0 ||
        size_t(edge.to) >= numTasks)
      return false;
  return true;
}

/// FIFO bits times die boundaries crossed, over every edge.
double countCrossingBits(const std::vector<SlrEdge> &edges,
                         const std::vector<int> &dieOf) {
  double bits = 0;
  for (const SlrEdge &edge : edges)
    bits += double(edge.bits) * std::abs(dieOf[edge.from] - dieOf[edge.to]);
  return bits;
}

/// The edges of each task that join it to another.
std::vector<std::vector<const SlrEdge *>>
getEdgesOfTasks(const std::vector<SlrEdge> &edges, size_t numTasks) {
  std::vector<std::vector<const SlrEdge *>> edgesOf(numTasks);
  for (const SlrEdge &edge : edges)
    if (edge.from != edge.to) {
      edgesOf[edge.from].push_back(&edge);
      edgesOf[edge.to].push_back(&edge);
    }
  return edgesOf;
}

/// How messages name die `die`: by `dieNames` when it has it.
std::string nameDie(const std::vector<std::string> &dieNames, int die) {
  return size_t(die) < dieNames.size() ? dieNames[die]
                                       : "die " + std::to_string(die);
}

} // namespace

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
  if (!edgesNameTasks(edges, tasks.size())) {
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
  plan.crossingBits = countCrossingBits(edges, plan.dieOf);
  return plan;
}

SlrPlan slr::repairPlacement(const std::vector<SlrTask> &tasks,
                             const std::vector<SlrEdge> &edges,
                             const std::vector<Resources> &capacity,
                             std::vector<int> dieOf,
                             const std::vector<std::string> &dieNames) {
  SlrPlan plan;
  int numDies = static_cast<int>(capacity.size());
  if (dieOf.size() != tasks.size()) {
    plan.error = "the placement to repair does not cover every task";
    return plan;
  }
  if (!edgesNameTasks(edges, tasks.size())) {
    plan.error = "an edge names no task";
    return plan;
  }
  std::vector<Resources> usage(numDies);
  for (size_t task = 0; task < tasks.size(); ++task) {
    if (dieOf[task] < 0 || dieOf[task] >= numDies) {
      plan.error = "the placement to repair names no die";
      return plan;
    }
    usage[dieOf[task]] += tasks[task].need;
  }
  // The edges of each task, for the crossing a move adds.
  std::vector<std::vector<const SlrEdge *>> edgesOf =
      getEdgesOfTasks(edges, tasks.size());
  auto addedCrossing = [&](size_t task, int to) {
    double added = 0;
    for (const SlrEdge *edge : edgesOf[task]) {
      int other = dieOf[size_t(edge->from) == task ? edge->to : edge->from];
      added += double(edge->bits) *
               (std::abs(to - other) - std::abs(dieOf[task] - other));
    }
    return added;
  };
  auto fits = [&](const Resources &need, int die) {
    for (int kind = 0; kind < Resources::kNumKinds; ++kind)
      if (need.get(kind) > 0 &&
          usage[die].get(kind) + need.get(kind) > capacity[die].get(kind))
        return false;
    return true;
  };
  // The first die that holds more of a resource kind than it has, and
  // that kind; die -1 when every die fits.
  auto findOverFull = [&]() -> std::pair<int, int> {
    for (int die = 0; die < numDies; ++die)
      for (int kind = 0; kind < Resources::kNumKinds; ++kind)
        if (usage[die].get(kind) > capacity[die].get(kind))
          return {die, kind};
    return {-1, 0};
  };
  // Every move takes one task off an over-full die onto one with room for
  // it, so a task moves at most once per die it could leave.
  for (size_t moves = 0; moves <= tasks.size() * size_t(numDies); ++moves) {
    auto [over, overKind] = findOverFull();
    if (over < 0)
      break;
    int bestTask = -1, bestDie = -1;
    double bestScore = 0;
    for (size_t task = 0; task < tasks.size(); ++task) {
      double freed = tasks[task].need.get(overKind);
      if (dieOf[task] != over || tasks[task].pinned >= 0 || freed <= 0)
        continue;
      for (int die = 0; die < numDies; ++die) {
        if (die == over || !fits(tasks[task].need, die))
          continue;
        double score = addedCrossing(task, die) / freed;
        if (bestTask < 0 || score < bestScore) {
          bestTask = static_cast<int>(task);
          bestDie = die;
          bestScore = score;
        }
      }
    }
    if (bestTask < 0) {
      plan.error =
          llvm::formatv("{0} would need {1:F0} {2}, {3:F0} are available, "
                        "and no process there that uses any fits another die",
                        nameDie(dieNames, over), usage[over].get(overKind),
                        Resources::kindName(overKind),
                        capacity[over].get(overKind))
              .str();
      return plan;
    }
    usage[over] -= tasks[bestTask].need;
    usage[bestDie] += tasks[bestTask].need;
    dieOf[bestTask] = bestDie;
  }
  if (findOverFull().first >= 0) {
    plan.error = "the placement could not be repaired";
    return plan;
  }
  plan.dieOf = std::move(dieOf);
  plan.usage = std::move(usage);
  plan.crossingBits = countCrossingBits(edges, plan.dieOf);
  return plan;
}

SlrPlan slr::packPlacement(const std::vector<SlrTask> &tasks,
                           const std::vector<SlrEdge> &edges,
                           const std::vector<Resources> &capacity,
                           const std::vector<std::string> &dieNames) {
  SlrPlan plan;
  int numDies = static_cast<int>(capacity.size());
  if (!edgesNameTasks(edges, tasks.size())) {
    plan.error = "an edge names no task";
    return plan;
  }
  Resources total;
  for (const Resources &die : capacity)
    total += die;
  auto sizeOf = [&](const SlrTask &task) {
    double largest = 0;
    for (int kind = 0; kind < Resources::kNumKinds; ++kind)
      if (total.get(kind) > 0)
        largest = std::max(largest, task.need.get(kind) / total.get(kind));
    return largest;
  };
  std::vector<size_t> order(tasks.size());
  for (size_t task = 0; task < tasks.size(); ++task)
    order[task] = task;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    bool pinnedA = tasks[a].pinned >= 0, pinnedB = tasks[b].pinned >= 0;
    if (pinnedA != pinnedB)
      return pinnedA;
    return sizeOf(tasks[a]) > sizeOf(tasks[b]);
  });
  std::vector<std::vector<const SlrEdge *>> edgesOf =
      getEdgesOfTasks(edges, tasks.size());
  std::vector<int> dieOf(tasks.size(), -1);
  std::vector<Resources> usage(numDies);
  auto roomLeft = [&](const Resources &need, int die) {
    double least = 1.0;
    for (int kind = 0; kind < Resources::kNumKinds; ++kind) {
      double left = capacity[die].get(kind) - usage[die].get(kind) -
                    need.get(kind);
      if (need.get(kind) > 0 && left < 0)
        return -1.0;
      if (capacity[die].get(kind) > 0)
        least = std::min(least, left / capacity[die].get(kind));
    }
    return least;
  };
  for (size_t task : order) {
    int bestDie = -1;
    double bestCrossing = 0, bestRoom = 0;
    for (int die = 0; die < numDies; ++die) {
      if (tasks[task].pinned >= 0 && tasks[task].pinned != die)
        continue;
      double room = roomLeft(tasks[task].need, die);
      if (room < 0)
        continue;
      double crossing = 0;
      for (const SlrEdge *edge : edgesOf[task]) {
        int other = dieOf[size_t(edge->from) == task ? edge->to : edge->from];
        if (other >= 0)
          crossing += double(edge->bits) * std::abs(die - other);
      }
      if (bestDie < 0 || crossing < bestCrossing ||
          (crossing == bestCrossing && room > bestRoom)) {
        bestDie = die;
        bestCrossing = crossing;
        bestRoom = room;
      }
    }
    if (bestDie < 0) {
      plan.error = "no die has room for " + tasks[task].name;
      if (tasks[task].pinned >= 0)
        plan.error += " on " + nameDie(dieNames, tasks[task].pinned);
      return plan;
    }
    dieOf[task] = bestDie;
    usage[bestDie] += tasks[task].need;
  }
  plan.dieOf = std::move(dieOf);
  plan.usage = std::move(usage);
  plan.crossingBits = countCrossingBits(edges, plan.dieOf);
  return plan;
}
