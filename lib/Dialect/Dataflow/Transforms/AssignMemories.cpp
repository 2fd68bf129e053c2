//===- AssignMemories.cpp - FIFOs and buffers onto on-chip memory ---------===//
//
// Collects every on-chip array of every kernel and places them all at once
// (they share the device), with the size policy and capacities of the
// platform (Analysis/MemoryAssignment.h); the choice is recorded as
// `dataflow.storage` for the emitter and the resource check.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Performance/DesignAnalysis.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_ASSIGNMEMORIES
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

class AssignMemoriesPass
    : public dataflow::impl::AssignMemoriesBase<AssignMemoriesPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<perf::AnalyzedDesign> design =
        perf::analyzeDesign(module, platform);
    if (failed(design))
      return signalPassFailure();
    const Platform *target = &design->platform;

    std::vector<perf::MemoryItem> items;
    for (const perf::AnalyzedKernel &kernel : design->kernels)
      for (perf::MemoryItem &item : perf::collectMemories(kernel))
        items.push_back(item);
    std::vector<memory::MemoryRequest> requests;
    for (const perf::MemoryItem &item : items)
      requests.push_back(item.request);
    FabricResources available = target->getTotalAvailable();
    memory::MemoryPlan plan = memory::assignMemories(
        requests, perf::getMemoryPolicy(*target), double(available.bram18k),
        double(available.uram));
    Builder builder(module.getContext());
    for (size_t i = 0; i < items.size(); ++i)
      items[i].op->setAttr(
          "dataflow.storage",
          builder.getStringAttr(memory::toString(plan.placements[i].storage)));
  }
};

} // namespace
