//===- BindFloatAdders.cpp - Float adds in DSPs or in LUTs ----------------===//
//
// A float add in DSPs takes two of them; in LUTs it takes none and about
// 140 LUTs more (the U55C's figures). The layers this compiler builds run
// out of DSPs long before LUTs: a prefill or decode graph's unrolling
// stops at its DSP budget with half its LUTs unused, while each f32 MAC
// of the attention and every bias add, norm sum and softmax sum holds DSPs
// that the int8 matmuls could use. The choice is the design's, recorded on
// the module, where every model of it and the emitter read it.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Performance/DesignAnalysis.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_BINDFLOATADDERS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

class BindFloatAddersPass
    : public dataflow::impl::BindFloatAddersBase<BindFloatAddersPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (impl != "fabric" && impl != "dsp") {
      module.emitError("dataflow-bind-float-adders: impl must be 'fabric' "
                       "or 'dsp', got '")
          << impl << "'";
      return signalPassFailure();
    }
    // Loaded without the module's own binding: the file's figures decide.
    llvm::Expected<Platform> target = loadPlatform(platform);
    if (!target) {
      module.emitError(llvm::toString(target.takeError()));
      return signalPassFailure();
    }
    if (impl == "fabric")
      if (llvm::Error error = target->bindOperator("fadd", "fabric")) {
        module.emitError("dataflow-bind-float-adders: ")
            << llvm::toString(std::move(error));
        return signalPassFailure();
      }
    module->setAttr(perf::kFloatAddersAttr,
                    StringAttr::get(module.getContext(), impl));
  }
};

} // namespace
