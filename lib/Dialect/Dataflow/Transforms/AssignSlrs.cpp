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
    if (!needs.callsMatch) {
      module.emitError("kernel calls and processes do not match");
      return signalPassFailure();
    }
    perf::DiePlacement placement = perf::placeOnDies(needs, target);
    if (!placement.error.empty()) {
      module.emitError(placement.error);
      return signalPassFailure();
    }
    const slr::SlrPlan &plan = placement.plan;
    Builder builder(module.getContext());
    needs.setDies(plan.dieOf);
    module->setAttr("dataflow.slr_crossing_bits",
                    builder.getI64IntegerAttr(int64_t(plan.crossingBits)));
  }
};

} // namespace
