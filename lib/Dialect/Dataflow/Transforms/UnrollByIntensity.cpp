//===- UnrollByIntensity.cpp - Unroll the slowest tasks first -------------===//
//
// Paper section 5.1, on the lowered processes: a max-heap of process
// latencies; the slowest process's main compute loop (the innermost loop
// nest without FIFO traffic that takes the most cycles) gets the next larger
// unroll factor that divides its trip count, as long as the design's DSPs
// stay within the budget. A process whose slowest part cannot be unrolled
// (it is bound by its FIFOs) bounds its kernel, so the kernel is done.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Performance/DesignAnalysis.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include <queue>

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_UNROLLBYINTENSITY
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

int64_t constantTrips(scf::ForOp loop) {
  return perf::getConstantTripCount(loop).value_or(0);
}

/// The innermost loop of the process's longest compute nest (no FIFO
/// traffic, constant bounds), or null.
scf::ForOp findComputeLoop(func::FuncOp process) {
  scf::ForOp best;
  int64_t bestCycles = 0;
  process.walk([&](scf::ForOp loop) {
    bool innermost = true, streams = false;
    loop.getBody()->walk([&](Operation *op) {
      innermost &= !isa<scf::ForOp>(op);
      streams |= isa<dataflow::StreamReadOp, dataflow::StreamWriteOp,
                     dataflow::BlockAcquireOp>(op);
    });
    if (!innermost || streams)
      return;
    int64_t cycles = 1;
    for (scf::ForOp outer = loop; outer;
         outer = outer->getParentOfType<scf::ForOp>())
      cycles *= std::max<int64_t>(1, constantTrips(outer));
    cycles /= perf::getUnrollFactor(loop);
    if (cycles > bestCycles) {
      bestCycles = cycles;
      best = loop;
    }
  });
  return best;
}

/// The next unroll factor above `current` that divides `trips`, or 0.
int64_t nextFactor(int64_t trips, int64_t current) {
  for (int64_t factor = current + 1; factor <= trips; ++factor)
    if (trips % factor == 0)
      return factor;
  return 0;
}

class UnrollByIntensityPass
    : public dataflow::impl::UnrollByIntensityBase<UnrollByIntensityPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<perf::AnalyzedDesign> design =
        perf::analyzeDesign(module, platform);
    if (failed(design))
      return signalPassFailure();
    const perf::ModelParameters &params = design->params;
    std::vector<perf::AnalyzedKernel> *kernels = &design->kernels;
    double budget = dspBudget >= 0
                        ? double(dspBudget)
                        : double(design->platform.getAvailableDsps());
    double used = 0;
    // (latency, kernel, process)
    using Entry = std::tuple<int64_t, size_t, size_t>;
    std::priority_queue<Entry> heap;
    for (size_t k = 0; k < kernels->size(); ++k)
      for (size_t p = 0; p < (*kernels)[k].profiles.size(); ++p) {
        used += (*kernels)[k].model.processes[p].operators.dsp;
        heap.push({(*kernels)[k].profiles[p].latency, k, p});
      }
    if (used > budget)
      return; // the resource check reports the overflow

    std::vector<bool> kernelDone(kernels->size(), false);
    while (!heap.empty()) {
      auto [latency, k, p] = heap.top();
      heap.pop();
      if (kernelDone[k])
        continue;
      perf::AnalyzedKernel &kernel = (*kernels)[k];
      func::FuncOp process = kernel.model.processes[p].func;
      if (process->hasAttr("dataflow.csynth")) {
        kernelDone[k] = true; // measured, not ours to change
        continue;
      }
      scf::ForOp loop = findComputeLoop(process);
      int64_t factor =
          loop ? nextFactor(constantTrips(loop), perf::getUnrollFactor(loop))
               : 0;
      if (!factor) {
        kernelDone[k] = true;
        continue;
      }
      int64_t previous = perf::getUnrollFactor(loop);
      double before = kernel.model.processes[p].operators.dsp;
      loop->setAttr(
          "dataflow.unroll",
          IntegerAttr::get(IntegerType::get(&getContext(), 64), factor));
      FailureOr<perf::KernelModel> model =
          perf::buildKernelModel(kernel.kernel, params);
      if (failed(model))
        return signalPassFailure();
      double after = model->processes[p].operators.dsp;
      perf::TaskProfile profile =
          perf::profileProcess(model->design.processes[p]);
      if (used - before + after > budget || profile.latency >= latency) {
        // Over budget, or no faster (the loop is not the bottleneck any
        // more): undo, and this kernel is as fast as it gets.
        if (previous > 1)
          loop->setAttr(
              "dataflow.unroll",
              IntegerAttr::get(IntegerType::get(&getContext(), 64), previous));
        else
          loop->removeAttr("dataflow.unroll");
        kernelDone[k] = true;
        continue;
      }
      used += after - before;
      kernel.model = std::move(*model);
      kernel.profiles[p] = profile;
      heap.push({profile.latency, k, p});
    }
  }
};

} // namespace
