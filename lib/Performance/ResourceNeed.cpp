//===- ResourceNeed.cpp - What a design needs on chip ---------------------===//

#include "streamtensor/Performance/ResourceNeed.h"

#include "streamtensor/Analysis/DesignSearch.h"
#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::perf;

static Resources toResources(const FabricResources &fabric) {
  Resources resources;
  resources.dsp = double(fabric.dsp);
  resources.lut = double(fabric.lut);
  resources.ff = double(fabric.ff);
  resources.bram18k = double(fabric.bram18k);
  resources.uram = double(fabric.uram);
  return resources;
}

/// The first resource kind `need` has more of than `capacity`, if any.
static std::optional<int> findOverKind(const Resources &need,
                                       const Resources &capacity) {
  for (int kind = 0; kind < Resources::kNumKinds; ++kind)
    if (need.get(kind) > capacity.get(kind))
      return kind;
  return std::nullopt;
}

static std::optional<std::string>
findDieProblem(const std::vector<slr::SlrTask> &tasks,
               const std::vector<Resources> &capacity, const Platform &target) {
  Resources largest;
  for (const Resources &die : capacity)
    for (int kind = 0; kind < Resources::kNumKinds; ++kind)
      largest.at(kind) = std::max(largest.get(kind), die.get(kind));
  for (const slr::SlrTask &task : tasks)
    if (std::optional<int> kind = findOverKind(task.need, largest))
      return llvm::formatv("process {0} needs {1:F0} {2} (its operators, "
                           "buffers and the FIFOs it writes), more than any "
                           "die of {3} has ({4:F0}); a process sits on one "
                           "die: try a smaller --tile-size",
                           task.name, task.need.get(*kind),
                           Resources::kindName(*kind), target.name,
                           largest.get(*kind))
          .str();
  std::vector<Resources> pinned = getPinnedNeeds(tasks, capacity.size());
  for (size_t die = 0; die < capacity.size(); ++die)
    if (std::optional<int> kind = findOverKind(pinned[die], capacity[die]))
      return llvm::formatv("the processes with DMAs sit on {0}, by the HBM, "
                           "and need {1:F0} {2} there, more than it has "
                           "({3:F0}); try a smaller --tile-size",
                           target.slrs[die].name, pinned[die].get(*kind),
                           Resources::kindName(*kind), capacity[die].get(*kind))
          .str();
  return std::nullopt;
}

/// Whether `op` is a tile prefetch's blocks (dataflow-prefetch-tiles).
static bool isPrefetchBlocks(Operation *op) {
  auto buffer = dyn_cast<dataflow::BufferOp>(op);
  return buffer && buffer.getPrefetch();
}

ProcessNeeds
streamtensor::perf::collectProcessNeeds(const AnalyzedDesign &design) {
  ProcessNeeds needs;
  memory::MemoryPolicy policy = getMemoryPolicy(design.platform);
  for (const AnalyzedKernel &kernel : design.kernels) {
    // Ops are handles; a copy is not const.
    func::FuncOp function = kernel.kernel;
    size_t numProcesses = kernel.model.processes.size();
    std::vector<func::CallOp> calls;
    for (auto call : function.getOps<func::CallOp>())
      calls.push_back(call);
    needs.callsMatch &= calls.size() == numProcesses;
    std::vector<int> writer(kernel.model.design.fifos.size(), -1);
    std::vector<int> reader(kernel.model.design.fifos.size(), -1);
    for (size_t p = 0; p < kernel.profiles.size(); ++p) {
      for (const auto &entry : kernel.profiles[p].writes)
        writer[entry.first] = static_cast<int>(p);
      for (const auto &entry : kernel.profiles[p].reads)
        reader[entry.first] = static_cast<int>(p);
    }
    // A prefetch's process goes with the process that reads its blocks.
    std::vector<int> hostOf(numProcesses);
    for (size_t p = 0; p < numProcesses; ++p)
      hostOf[p] = static_cast<int>(p);
    for (size_t fifo = 0; fifo < writer.size(); ++fifo)
      if (writer[fifo] >= 0 && reader[fifo] >= 0 &&
          isPrefetchBlocks(kernel.model.fifoOps[fifo]))
        hostOf[writer[fifo]] = reader[fifo];
    // A prefetch whose reader is a prefetch too keeps a task of its own.
    for (size_t p = 0; p < numProcesses; ++p)
      if (hostOf[hostOf[p]] != hostOf[p])
        hostOf[p] = static_cast<int>(p);
    std::vector<int> taskOf(numProcesses, -1);
    for (size_t p = 0; p < numProcesses; ++p) {
      if (hostOf[p] != int(p))
        continue;
      slr::SlrTask task;
      task.name =
          (function.getName() + "/" + kernel.model.processes[p].name).str();
      taskOf[p] = static_cast<int>(needs.tasks.size());
      needs.tasks.push_back(task);
      needs.calls.push_back(p < calls.size() ? calls[p] : func::CallOp());
      needs.companions.emplace_back();
    }
    for (size_t p = 0; p < numProcesses; ++p) {
      const ProcessInfo &process = kernel.model.processes[p];
      taskOf[p] = taskOf[hostOf[p]];
      slr::SlrTask &task = needs.tasks[taskOf[p]];
      task.need += process.operators;
      if (!process.dmas.empty())
        task.pinned = static_cast<int>(design.platform.hbm.slr);
      if (hostOf[p] != int(p) && p < calls.size())
        needs.companions[taskOf[p]].push_back(calls[p]);
    }
    for (const MemoryItem &item : collectMemories(kernel))
      if (item.process >= 0)
        needs.tasks[taskOf[item.process]].need +=
            memory::costIn(item.request, getStorage(item, policy));
    for (size_t fifo = 0; fifo < writer.size(); ++fifo)
      if (writer[fifo] >= 0 && reader[fifo] >= 0 &&
          taskOf[writer[fifo]] != taskOf[reader[fifo]])
        needs.edges.push_back({taskOf[writer[fifo]], taskOf[reader[fifo]],
                               kernel.model.design.fifos[fifo].tokenBits});
  }
  return needs;
}

void ProcessNeeds::setDies(const std::vector<int> &dieOf) const {
  for (size_t task = 0; task < calls.size() && task < dieOf.size(); ++task) {
    auto die =
        mlir::Builder(calls[task]->getContext()).getI64IntegerAttr(dieOf[task]);
    calls[task]->setAttr("dataflow.slr", die);
    for (mlir::func::CallOp companion : companions[task])
      companion->setAttr("dataflow.slr", die);
  }
}

std::vector<Resources>
streamtensor::perf::getPinnedNeeds(const std::vector<slr::SlrTask> &tasks,
                                   size_t numDies) {
  std::vector<Resources> pinned(numDies);
  for (const slr::SlrTask &task : tasks)
    if (task.pinned >= 0 && size_t(task.pinned) < numDies)
      pinned[task.pinned] += task.need;
  return pinned;
}

Resources
streamtensor::perf::getTotalNeed(const std::vector<slr::SlrTask> &tasks) {
  Resources total;
  for (const slr::SlrTask &task : tasks)
    total += task.need;
  return total;
}

std::optional<Shortfall>
streamtensor::perf::findShortfall(const std::vector<slr::SlrTask> &tasks,
                                  const Platform &platform) {
  Resources total = getTotalNeed(tasks);
  FabricResources fabric = platform.getTotalAvailable();
  const double available[Resources::kNumKinds] = {
      double(fabric.dsp), double(fabric.lut), double(fabric.ff),
      double(fabric.bram18k), double(fabric.uram)};
  for (int kind = 0; kind < Resources::kNumKinds; ++kind) {
    if (total.get(kind) <= available[kind])
      continue;
    std::vector<const slr::SlrTask *> users;
    for (const slr::SlrTask &task : tasks)
      if (task.need.get(kind) > 0)
        users.push_back(&task);
    std::stable_sort(users.begin(), users.end(), [&](auto *a, auto *b) {
      return a->need.get(kind) > b->need.get(kind);
    });
    Shortfall shortfall{kind, total.get(kind), available[kind], ""};
    for (size_t i = 0; i < std::min<size_t>(3, users.size()); ++i)
      shortfall.largestUsers +=
          llvm::formatv("{0}{1} {2:F0}", i ? ", " : "", users[i]->name,
                        users[i]->need.get(kind));
    return shortfall;
  }
  return std::nullopt;
}

DiePlacement streamtensor::perf::placeOnDies(const ProcessNeeds &needs,
                                             const Platform &platform,
                                             const slr::SlrWeights &weights) {
  DiePlacement placement;
  if (std::optional<Shortfall> shortfall =
          findShortfall(needs.tasks, platform)) {
    placement.error =
        llvm::formatv(
            "the design does not fit {0}: it needs {1:F0} {2}, "
            "{3:F0} are available ({4:F0} over); largest users: {5}",
            platform.name, shortfall->need,
            Resources::kindName(shortfall->kind), shortfall->available,
            shortfall->need - shortfall->available, shortfall->largestUsers)
            .str();
    return placement;
  }
  std::vector<Resources> capacity = getDieCapacities(platform);
  if (std::optional<std::string> problem =
          findDieProblem(needs.tasks, capacity, platform)) {
    placement.error = *problem;
    return placement;
  }
  placement.plan =
      slr::partitionSlrs(needs.tasks, needs.edges, capacity, weights);
  placement.error = placement.plan.error;
  return placement;
}

std::vector<Resources>
streamtensor::perf::getDieCapacities(const Platform &platform) {
  std::vector<Resources> capacity;
  for (const SlrSpec &die : platform.slrs)
    capacity.push_back(toResources(die.getAvailable()));
  return capacity;
}

DiePlacement streamtensor::perf::placeWithinOnDies(
    const ProcessNeeds &design, const Platform &platform,
    const std::vector<Resources> &allowance, const std::vector<int> &start,
    int maxNodes) {
  std::vector<std::string> names;
  for (const SlrSpec &die : platform.slrs)
    names.push_back(die.name);
  DiePlacement placement;
  if (!start.empty()) {
    placement.plan = slr::repairPlacement(design.tasks, design.edges, allowance,
                                          start, names);
    if (placement.plan.error.empty())
      return placement;
  }
  placement.plan =
      slr::packPlacement(design.tasks, design.edges, allowance, names);
  if (placement.plan.error.empty())
    return placement;

  std::vector<Resources> capacity = getDieCapacities(platform);
  // What is not the design's sits on each die as a task pinned there, so
  // that the checks and the messages of placeOnDies hold as they are.
  ProcessNeeds withOthers = design;
  std::vector<Resources> others(capacity.size());
  for (size_t die = 0; die < capacity.size(); ++die) {
    for (int kind = 0; kind < Resources::kNumKinds; ++kind)
      others[die].at(kind) = std::max(
          0.0, capacity[die].get(kind) -
                   (die < allowance.size() ? allowance[die].get(kind) : 0.0));
    withOthers.tasks.push_back(
        {"the other graphs' part of " + platform.slrs[die].name, others[die],
         static_cast<int>(die)});
  }
  slr::SlrWeights weights;
  weights.maxNodes = maxNodes;
  placement = placeOnDies(withOthers, platform, weights);
  if (!placement.error.empty())
    return placement;
  placement.plan.dieOf.resize(design.tasks.size());
  for (size_t die = 0; die < capacity.size(); ++die)
    placement.plan.usage[die] -= others[die];
  return placement;
}

JointPlacement streamtensor::perf::placeTogetherOnDies(
    const std::vector<ProcessNeeds> &designs, const Platform &platform,
    const std::vector<std::vector<int>> &starts) {
  JointPlacement joint;
  std::vector<Resources> capacity = getDieCapacities(platform);
  size_t numDies = capacity.size();
  Resources device;
  for (const Resources &die : capacity)
    device += die;
  // The largest part of any resource kind of the device a design needs.
  auto fill = [&](const ProcessNeeds &design) {
    return search::getUtilization(getTotalNeed(design.tasks), device);
  };
  std::vector<size_t> order(designs.size());
  for (size_t index = 0; index < order.size(); ++index)
    order[index] = index;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return fill(designs[a]) > fill(designs[b]);
  });
  // The tasks pinned to a die (the DMAs, by the HBM) of the designs still
  // to place: their room is kept, or a design placed before would fill it.
  std::vector<std::vector<Resources>> pinned;
  std::vector<Resources> pinnedAfter(numDies);
  for (const ProcessNeeds &design : designs) {
    pinned.push_back(getPinnedNeeds(design.tasks, numDies));
    for (size_t die = 0; die < numDies; ++die)
      pinnedAfter[die] += pinned.back()[die];
  }
  joint.usage.assign(numDies, Resources());
  joint.dieOf.resize(designs.size());
  for (size_t index : order) {
    std::vector<Resources> allowance = capacity;
    for (size_t die = 0; die < numDies; ++die) {
      pinnedAfter[die] -= pinned[index][die];
      allowance[die] -= joint.usage[die];
      allowance[die] -= pinnedAfter[die];
    }
    DiePlacement placement = placeWithinOnDies(
        designs[index], platform, allowance,
        index < starts.size() ? starts[index] : std::vector<int>());
    if (!placement.error.empty()) {
      joint.error = placement.error;
      joint.failed = index;
      return joint;
    }
    joint.dieOf[index] = placement.plan.dieOf;
    for (size_t die = 0; die < numDies; ++die)
      joint.usage[die] += placement.plan.usage[die];
  }
  return joint;
}
