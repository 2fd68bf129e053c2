//===- AssignSlrs.cpp - Tasks onto dies, and the resource check -----------===//
//
// Every process of every kernel (they are all on the device at once) is a
// task of the die-assignment ILP (Analysis/SlrPartition.h); a process needs
// its operators and the on-chip memories it owns (its buffers and the FIFOs
// it writes). Before the ILP the design is checked against the platform as
// a whole, so that a design that cannot fit gets a message that says by how
// much and who uses the most, not an "infeasible" from the solver.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Analysis/SlrPartition.h"
#include "streamtensor/Performance/DesignAnalysis.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_ASSIGNSLRS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

Resources toResources(const FabricResources &fabric) {
  Resources resources;
  resources.dsp = double(fabric.dsp);
  resources.lut = double(fabric.lut);
  resources.ff = double(fabric.ff);
  resources.bram18k = double(fabric.bram18k);
  resources.uram = double(fabric.uram);
  return resources;
}

class AssignSlrsPass : public dataflow::impl::AssignSlrsBase<AssignSlrsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<perf::AnalyzedDesign> design =
        perf::analyzeDesign(module, platform);
    if (failed(design))
      return signalPassFailure();
    const Platform *target = &design->platform;
    std::vector<perf::AnalyzedKernel> *kernels = &design->kernels;
    memory::MemoryPolicy policy = perf::getMemoryPolicy(*target);

    std::vector<slr::SlrTask> tasks;
    std::vector<slr::SlrEdge> edges;
    std::vector<func::CallOp> calls;
    for (perf::AnalyzedKernel &kernel : *kernels) {
      int first = static_cast<int>(tasks.size());
      for (const perf::ProcessInfo &process : kernel.model.processes) {
        slr::SlrTask task;
        task.name = (kernel.kernel.getName() + "/" + process.name).str();
        task.need = process.operators;
        if (!process.dmas.empty())
          task.pinned = static_cast<int>(target->hbm.slr);
        tasks.push_back(task);
      }
      for (auto call : kernel.kernel.getOps<func::CallOp>())
        calls.push_back(call);
      for (const perf::MemoryItem &item : perf::collectMemories(kernel))
        if (item.process >= 0)
          tasks[first + item.process].need +=
              memory::costIn(item.request, perf::getStorage(item, policy));
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
          edges.push_back({first + writer[fifo], first + reader[fifo],
                           kernel.model.design.fifos[fifo].tokenBits});
    }
    if (calls.size() != tasks.size()) {
      module.emitError("kernel calls and processes do not match");
      return signalPassFailure();
    }
    if (failed(checkFits(module, *target, tasks)))
      return signalPassFailure();

    std::vector<Resources> capacity;
    for (const SlrSpec &die : target->slrs)
      capacity.push_back(toResources(die.getAvailable()));
    slr::SlrPlan plan = slr::partitionSlrs(tasks, edges, capacity);
    if (!plan.error.empty()) {
      module.emitError(plan.error);
      return signalPassFailure();
    }
    Builder builder(module.getContext());
    for (size_t task = 0; task < tasks.size(); ++task)
      calls[task]->setAttr("dataflow.slr",
                           builder.getI64IntegerAttr(plan.dieOf[task]));
    module->setAttr("dataflow.slr_crossing_bits",
                    builder.getI64IntegerAttr(int64_t(plan.crossingBits)));
  }

private:
  /// Refuses a design that needs more of some resource than the platform
  /// has, naming the resource, the excess and the largest users.
  LogicalResult checkFits(ModuleOp module, const Platform &target,
                          const std::vector<slr::SlrTask> &tasks) {
    Resources total;
    for (const slr::SlrTask &task : tasks)
      total += task.need;
    Resources available = toResources(target.getTotalAvailable());
    for (int kind = 0; kind < Resources::kNumKinds; ++kind) {
      double need = total.get(kind), have = available.get(kind);
      if (need <= have)
        continue;
      std::vector<const slr::SlrTask *> users;
      for (const slr::SlrTask &task : tasks)
        if (task.need.get(kind) > 0)
          users.push_back(&task);
      std::sort(users.begin(), users.end(), [&](auto *a, auto *b) {
        return a->need.get(kind) > b->need.get(kind);
      });
      std::string largest;
      for (size_t i = 0; i < std::min<size_t>(3, users.size()); ++i)
        largest += llvm::formatv("{0}{1} {2:F0}", i ? ", " : "", users[i]->name,
                                 users[i]->need.get(kind));
      module.emitError(llvm::formatv(
          "the design does not fit {0}: it needs {1:F0} {2}, {3:F0} are "
          "available ({4:F0} over); largest users: {5}",
          target.name, need, Resources::kindName(kind), have, need - have,
          largest));
      return failure();
    }
    return success();
  }
};

} // namespace
