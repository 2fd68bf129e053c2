//===- ResourceNeed.cpp - What a design needs on chip ---------------------===//

#include "streamtensor/Performance/ResourceNeed.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::perf;

ProcessNeeds
streamtensor::perf::collectProcessNeeds(const AnalyzedDesign &design) {
  ProcessNeeds needs;
  memory::MemoryPolicy policy = getMemoryPolicy(design.platform);
  for (const AnalyzedKernel &kernel : design.kernels) {
    // Ops are handles; a copy is not const.
    func::FuncOp function = kernel.kernel;
    int first = static_cast<int>(needs.tasks.size());
    for (const ProcessInfo &process : kernel.model.processes) {
      slr::SlrTask task;
      task.name = (function.getName() + "/" + process.name).str();
      task.need = process.operators;
      if (!process.dmas.empty())
        task.pinned = static_cast<int>(design.platform.hbm.slr);
      needs.tasks.push_back(task);
    }
    for (auto call : function.getOps<func::CallOp>())
      needs.calls.push_back(call);
    for (const MemoryItem &item : collectMemories(kernel))
      if (item.process >= 0)
        needs.tasks[first + item.process].need +=
            memory::costIn(item.request, getStorage(item, policy));
    std::vector<int> writer(kernel.model.design.fifos.size(), -1);
    std::vector<int> reader(kernel.model.design.fifos.size(), -1);
    for (size_t p = 0; p < kernel.profiles.size(); ++p) {
      for (const auto &entry : kernel.profiles[p].writes)
        writer[entry.first] = static_cast<int>(p);
      for (const auto &entry : kernel.profiles[p].reads)
        reader[entry.first] = static_cast<int>(p);
    }
    for (size_t fifo = 0; fifo < writer.size(); ++fifo)
      if (writer[fifo] >= 0 && reader[fifo] >= 0)
        needs.edges.push_back({first + writer[fifo], first + reader[fifo],
                               kernel.model.design.fifos[fifo].tokenBits});
  }
  return needs;
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
