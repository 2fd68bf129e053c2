//===- AssignSlrs.cpp - Tasks onto dies, and the resource check -----------===//
//
// Every process of every kernel (they are all on the device at once) is a
// task of the die-assignment ILP (Analysis/SlrPartition.h); a process needs
// its operators and the on-chip memories it owns (its buffers and the FIFOs
// it writes; Performance/ResourceNeed.h). Before the ILP the design is checked
// against the platform as a whole, so that a design that cannot fit gets a
// message that says by how much and who uses the most, not an "infeasible" from
// the solver.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Analysis/SlrPartition.h"
#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Performance/ResourceNeed.h"

#include "llvm/Support/FormatVariadic.h"

#include <optional>

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

/// The first resource kind `need` has more of than `capacity`, if any.
std::optional<int> findOverKind(const Resources &need,
                                const Resources &capacity) {
  for (int kind = 0; kind < Resources::kNumKinds; ++kind)
    if (need.get(kind) > capacity.get(kind))
      return kind;
  return std::nullopt;
}

std::optional<std::string>
findDieProblem(const std::vector<slr::SlrTask> &tasks,
               const std::vector<Resources> &capacity,
               const Platform &target) {
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
  std::vector<Resources> pinned(capacity.size());
  for (const slr::SlrTask &task : tasks)
    if (task.pinned >= 0 && size_t(task.pinned) < capacity.size())
      pinned[task.pinned] += task.need;
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

class AssignSlrsPass : public dataflow::impl::AssignSlrsBase<AssignSlrsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<perf::AnalyzedDesign> design =
        perf::analyzeDesign(module, platform);
    if (failed(design))
      return signalPassFailure();
    const Platform &target = design->platform;
    perf::ProcessNeeds needs = perf::collectProcessNeeds(*design);
    if (needs.calls.size() != needs.tasks.size()) {
      module.emitError("kernel calls and processes do not match");
      return signalPassFailure();
    }
    // The whole design against the whole platform first, so that a design
    // that cannot fit is told by how much, not "infeasible" by the solver.
    if (std::optional<perf::Shortfall> shortfall =
            perf::findShortfall(needs.tasks, target)) {
      module.emitError(llvm::formatv(
          "the design does not fit {0}: it needs {1:F0} {2}, {3:F0} are "
          "available ({4:F0} over); largest users: {5}",
          target.name, shortfall->need, Resources::kindName(shortfall->kind),
          shortfall->available, shortfall->need - shortfall->available,
          shortfall->largestUsers));
      return signalPassFailure();
    }

    std::vector<Resources> capacity;
    for (const SlrSpec &die : target.slrs)
      capacity.push_back(toResources(die.getAvailable()));
    // Then what no assignment can satisfy, named, before the solver would
    // only say "infeasible": a process larger than every die, or the
    // processes pinned to a die (those with DMAs, by the HBM) over it.
    if (std::optional<std::string> problem =
            findDieProblem(needs.tasks, capacity, target)) {
      module.emitError(*problem);
      return signalPassFailure();
    }
    slr::SlrPlan plan = slr::partitionSlrs(needs.tasks, needs.edges, capacity);
    if (!plan.error.empty()) {
      module.emitError(plan.error);
      return signalPassFailure();
    }
    Builder builder(module.getContext());
    for (size_t task = 0; task < needs.tasks.size(); ++task)
      needs.calls[task]->setAttr("dataflow.slr",
                                 builder.getI64IntegerAttr(plan.dieOf[task]));
    module->setAttr("dataflow.slr_crossing_bits",
                    builder.getI64IntegerAttr(int64_t(plan.crossingBits)));
  }
};

} // namespace
