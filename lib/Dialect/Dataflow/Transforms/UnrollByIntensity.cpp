//===- UnrollByIntensity.cpp - Unroll the slowest tasks first -------------===//
//
// Paper section 5.1, on the lowered processes: a max-heap of process
// latencies; the slowest process's main compute loop (the innermost loop
// nest without FIFO traffic that takes the most cycles, looking through
// loops already unrolled completely) gets the next larger
// unroll factor that divides its trip count, as long as the design's DSPs
// stay within the budget and each step saves a cycle per `luts-per-cycle`
// LUTs it adds; a factor that fits but is not taken gives way to the next
// one. When that loop cannot get faster, the process's
// shorter nests may still be unrolled where it costs no operators and no
// memory banks (an accumulator reset). A process none of whose nests can
// is done; unlike the paper, the other processes of its kernel go on (see
// below). With `order=cheapest`, the steps are the same but the one that
// saves the most cycles per part of the budget goes first, wherever it is.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Performance/FloatSums.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <queue>
#include <utility>

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

/// The innermost loops of the process's compute nests (no FIFO traffic,
/// constant bounds), the nest that takes the most cycles first.
SmallVector<scf::ForOp> findComputeLoops(func::FuncOp process) {
  SmallVector<std::pair<int64_t, scf::ForOp>> nests;
  process.walk([&](scf::ForOp loop) {
    // Loops inside that are unrolled completely are the pipelined loop's
    // body: once the innermost loop is unrolled completely, its parent is
    // the one to unroll next.
    if (perf::isFullyUnrolled(loop))
      return;
    bool innermost = true, streams = false;
    loop.getBody()->walk([&](Operation *op) {
      if (auto nested = dyn_cast<scf::ForOp>(op))
        innermost &= perf::isFullyUnrolled(nested);
      streams |= isa<dataflow::StreamReadOp, dataflow::StreamWriteOp,
                     dataflow::BlockAcquireOp>(op);
    });
    if (!innermost || streams)
      return;
    int64_t cycles = 1;
    for (scf::ForOp outer = loop; outer;
         outer = outer->getParentOfType<scf::ForOp>())
      cycles *= std::max<int64_t>(1, constantTrips(outer));
    nests.push_back({cycles / perf::getUnrollFactor(loop), loop});
  });
  // Stable: of two nests that take as long, the earlier one first.
  llvm::stable_sort(nests, [](const auto &a, const auto &b) {
    return a.first > b.first;
  });
  return llvm::to_vector(llvm::make_second_range(nests));
}

/// The next unroll factor above `current` that divides `trips`, or 0.
int64_t nextFactor(int64_t trips, int64_t current) {
  for (int64_t factor = current + 1; factor <= trips; ++factor)
    if (trips % factor == 0)
      return factor;
  return 0;
}

/// Whether `loop` walks an integer reduction: its body updates an integer
/// accumulator element whose address does not follow the loop.
bool isIntegerReductionLoop(scf::ForOp loop) {
  bool reduces = false;
  loop.getBody()->walk([&](memref::StoreOp store) {
    reduces |= store.getValueToStore().getType().isInteger() &&
               perf::isAccumulatorUpdate(store, loop.getRegion()) &&
               !perf::addressFollows(store, loop.getInductionVar());
  });
  return reduces;
}

/// Whether `loop` adds floats into one element that partial sums will not
/// spread: its body updates a float accumulator at the same address in
/// every iteration of it and of the loops inside it (a layer norm's sum),
/// and perf::matchFloatSum says dataflow-split-float-sums, later, leaves
/// it as it is. (A loop whose body updates a row of accumulators, one per
/// lane of an unrolled loop inside, is not one.)
bool isChainedFloatSumLoop(scf::ForOp loop) {
  bool chained = false;
  loop.getBody()->walk([&](memref::StoreOp store) {
    chained |= isa<FloatType>(store.getValueToStore().getType()) &&
               perf::isAccumulatorUpdate(store, loop.getRegion()) &&
               llvm::all_of(store.getIndices(),
                            [&](Value index) {
                              return loop.isDefinedOutsideOfLoop(index);
                            }) &&
               !perf::matchFloatSum(store);
  });
  return chained;
}

/// The unroll factor `loop` gets next, or 0 when it is as unrolled as it
/// may be. Partly unrolled, an integer reduction loop still adds to the same
/// elements in every iteration, at the pace of its adds: it is unrolled
/// completely (an adder tree, see dataflow-lower-kernel-to-func) or not at
/// all. A float sum into one element that partial sums will not spread is
/// left as it is: unrolled, it is a chain, which gets faster a step at a
/// time if at all. One that they will (perf::matchFloatSum) is unrolled like
/// any loop, its updates priced as going to different partial sums; a step
/// past the updates the split allows is priced as the chain it would be,
/// and not taken.
int64_t getNextUnrollFactor(scf::ForOp loop) {
  if (isChainedFloatSumLoop(loop))
    return 0;
  int64_t current = perf::getUnrollFactor(loop);
  if (isIntegerReductionLoop(loop))
    return current < constantTrips(loop) ? constantTrips(loop) : 0;
  return nextFactor(constantTrips(loop), current);
}

/// Gives `loop` unroll factor `factor` (none for 1).
void setUnrollFactor(scf::ForOp loop, int64_t factor) {
  if (factor > 1)
    loop->setAttr("dataflow.unroll",
                  Builder(loop.getContext()).getI64IntegerAttr(factor));
  else
    loop->removeAttr("dataflow.unroll");
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
    // Each step rebuilds the model of the process it changes, whose
    // latency does not depend on how its kernel's ports share channels.
    perf::ModelParameters params = design->params;
    params.shareChannelsByActivity = false;
    std::vector<perf::AnalyzedKernel> *kernels = &design->kernels;
    // By default 80% of the DSPs: a design that uses them all cannot be
    // split into dies whole processes at a time (the attention example
    // fails the die assignment there).
    if (!(share > 0 && share <= 1)) {
      module.emitError("dataflow-unroll-by-intensity: share must be in "
                       "(0, 1], got ")
          << share;
      return signalPassFailure();
    }
    if (order != "slowest" && order != "cheapest") {
      module.emitError("dataflow-unroll-by-intensity: order must be "
                       "'slowest' or 'cheapest', got '")
          << order << "'";
      return signalPassFailure();
    }
    if (!(lutsPerCycle >= 0)) {
      module.emitError("dataflow-unroll-by-intensity: luts-per-cycle must "
                       "be at least 0, got ")
          << lutsPerCycle;
      return signalPassFailure();
    }
    double budget =
        dspBudget >= 0
            ? double(dspBudget)
            : 0.8 * share * double(design->platform.getAvailableDsps());
    // A process sits on one die: unrolled, it may take at most half of
    // the largest die's DSPs, LUTs and FFs, so that the die assignment can
    // still place it beside the others. The operators' LUTs and FFs of the
    // whole design stay within 70% of the device's: FIFOs, converters and
    // DMAs take their share too, and processes pack into dies unevenly.
    // A module that shares the device gets that part of it.
    FabricResources largestDie;
    for (const SlrSpec &slr : design->platform.slrs) {
      FabricResources available = slr.getAvailable();
      largestDie.dsp = std::max(largestDie.dsp, available.dsp);
      largestDie.lut = std::max(largestDie.lut, available.lut);
      largestDie.ff = std::max(largestDie.ff, available.ff);
    }
    FabricResources device = design->platform.getTotalAvailable();
    auto fitsOneDie = [&](const Resources &process) {
      return process.dsp <= 0.5 * double(largestDie.dsp) &&
             process.lut <= 0.5 * double(largestDie.lut) &&
             process.ff <= 0.5 * double(largestDie.ff);
    };
    Resources used;
    double lutLimit = 0.7 * share * double(device.lut);
    double ffLimit = 0.7 * share * double(device.ff);
    for (const perf::AnalyzedKernel &kernel : *kernels)
      for (const perf::ProcessInfo &process : kernel.model.processes)
        used += process.operators;
    if (used.dsp > budget)
      return; // the resource check reports the overflow
    // The DSPs, LUTs and FFs of operators a step adds to its process.
    auto getAdded = [](const Resources &before, const Resources &after) {
      Resources added;
      added.dsp = after.dsp - before.dsp;
      added.lut = after.lut - before.lut;
      added.ff = after.ff - before.ff;
      return added;
    };
    // Whether the design's operators stay within the limits with `added`.
    auto fitsWith = [&](const Resources &added) {
      return used.dsp + added.dsp <= budget &&
             used.lut + added.lut <= lutLimit && used.ff + added.ff <= ffLimit;
    };

    // The step process `p` of kernel `k` takes next, applied to the IR
    // with the process's model rebuilt, or none (the IR as it was).
    struct Step {
      scf::ForOp loop;
      int64_t previousFactor = 1;
      perf::TaskProfile profile;
      /// Its operators are the process's after the step; the kernel's model
      /// still has those before it.
      perf::ProcessInfo info;
      perf::Process process;
    };
    auto findStep = [&](size_t k, size_t p) -> FailureOr<std::optional<Step>> {
      perf::AnalyzedKernel &kernel = (*kernels)[k];
      func::FuncOp process = kernel.model.processes[p].func;
      int64_t latency = kernel.profiles[p].latency;
      // The longest nest first. When it cannot get faster within the budget
      // (bound by its FIFOs, say), a shorter one may still shorten the
      // process, as long as that costs nothing: a matmul's accumulator
      // reset, one element a cycle, took a sixth of decode's MLP matmuls,
      // while the accumulator's banks could take several a cycle. A step
      // that adds operators or banks is left to the longest nest:
      // spent on a short nest, the LUTs that banks take went missing in the
      // slow processes of the graphs that borrow what this one leaves
      // (GPT-2 Medium's prefill: 1.59M -> 1.72M cycles).
      bool longest = true;
      for (scf::ForOp loop : findComputeLoops(process)) {
        bool isLongest = std::exchange(longest, false);
        int64_t previous = perf::getUnrollFactor(loop);
        // Only a shorter nest's step must leave the banks as they are.
        std::optional<perf::PartitionFactors> partitionsBefore;
        if (!isLongest)
          partitionsBefore = perf::getPartitionFactors(process);
        Resources before = kernel.model.processes[p].operators;
        // A factor not worth taking may lead to one that is: a softmax's
        // sum of 64 keys into 16 heads' totals, heads inner, updates each
        // total every 16 elements, and its add chain takes 9 cycles.
        // Unrolled by 2, a total comes round every 8 iterations, the chain
        // sets the interval to 2, and the loop saves one cycle, not worth
        // an adder's LUTs; by 4 it runs 3 cycles for 4 elements, and by 16
        // twice as fast as before. So the longest nest goes on to the next
        // factor while one fits and is not taken.
        for (int64_t factor = getNextUnrollFactor(loop); factor;
             factor = getNextUnrollFactor(loop)) {
          setUnrollFactor(loop, factor);
          FailureOr<std::pair<perf::ProcessInfo, perf::Process>> model =
              perf::buildProcessModel(kernel.kernel, params, p);
          if (failed(model))
            return failure();
          const Resources &after = model->first.operators;
          perf::TaskProfile profile = perf::profileProcess(model->second);
          bool fits = fitsWith(getAdded(before, after)) && fitsOneDie(after);
          bool allowed =
              isLongest ||
              (after.dsp == before.dsp && after.lut == before.lut &&
               after.ff == before.ff &&
               perf::getPartitionFactors(process) == *partitionsBefore);
          // A few cycles are not worth many LUTs: decode's attention took
          // 7.7K LUTs for a 16-lane max of 16 elements, and the LM head 160K
          // for under 1K of its 190K cycles: LUTs that the prefill graph,
          // which borrows what the others leave, then lacked.
          bool worthItsLuts =
              lutsPerCycle <= 0 || after.lut <= before.lut ||
              double(latency - profile.latency) * lutsPerCycle >=
                  after.lut - before.lut;
          bool faster = profile.latency < latency;
          if (fits && faster && worthItsLuts && allowed)
            return std::optional<Step>(Step{loop, previous, profile,
                                            std::move(model->first),
                                            std::move(model->second)});
          if (!isLongest || !fits)
            break;
        }
        // Over budget, no faster (the nest is not the bottleneck), not
        // worth its LUTs, or not free: undo, and try the next nest.
        setUnrollFactor(loop, previous);
      }
      return std::optional<Step>();
    };
    auto commit = [&](size_t k, size_t p, Step &step) {
      used += getAdded((*kernels)[k].model.processes[p].operators,
                       step.info.operators);
      (*kernels)[k].model.processes[p] = std::move(step.info);
      (*kernels)[k].model.design.processes[p] = std::move(step.process);
      (*kernels)[k].profiles[p] = step.profile;
    };
    auto isMeasured = [&](size_t k, size_t p) {
      // Measured by Vitis HLS: not ours to change.
      return (*kernels)[k].model.processes[p].func->hasAttr("dataflow.csynth");
    };

    // (priority, kernel, process)
    using Entry = std::tuple<double, size_t, size_t>;
    std::priority_queue<Entry> heap;
    if (order == "slowest") {
      for (size_t k = 0; k < kernels->size(); ++k)
        for (size_t p = 0; p < (*kernels)[k].profiles.size(); ++p)
          heap.push({double((*kernels)[k].profiles[p].latency), k, p});
      // A process leaves the heap when it cannot get faster; the others go
      // on. (The paper stops the whole kernel there, which suits a pipeline
      // whose throughput its slowest stage sets. A transformer block
      // decoding one token is a chain: each stage's latency adds to the
      // kernel's.)
      while (!heap.empty()) {
        auto [latency, k, p] = heap.top();
        heap.pop();
        if (isMeasured(k, p))
          continue;
        FailureOr<std::optional<Step>> step = findStep(k, p);
        if (failed(step))
          return signalPassFailure();
        if (!*step)
          continue;
        commit(k, p, **step);
        heap.push({double((*kernels)[k].profiles[p].latency), k, p});
      }
      return;
    }

    // order == "cheapest": a chain's latency is the sum of its stages', so
    // the step that saves the most cycles per part of the budget goes
    // first, wherever it is: a slow stage whose next step costs much waits
    // for cheaper ones elsewhere. A step's priority is the cycles it saves
    // over the largest part it takes of the DSP, LUT or FF limit; a step
    // that takes nothing comes before all. Each process's next step is
    // found again when it comes up, as the budget may have shrunk since.
    const double takesNothing = std::numeric_limits<double>::max();
    auto getPriority = [&](size_t k, size_t p, const Step &step) {
      double saved = double((*kernels)[k].profiles[p].latency -
                            step.profile.latency);
      auto partOf = [](double added, double limit) {
        return added <= 0 ? 0.0 : added / limit;
      };
      Resources added = getAdded((*kernels)[k].model.processes[p].operators,
                                 step.info.operators);
      double part =
          std::max({partOf(added.dsp, budget), partOf(added.lut, lutLimit),
                    partOf(added.ff, ffLimit)});
      return part <= 0 ? takesNothing : saved / part;
    };
    // Pushes the priority of the next step of process `p`, leaving the IR
    // and the model as they are.
    auto pushNextStep = [&](size_t k, size_t p) -> LogicalResult {
      if (isMeasured(k, p))
        return success();
      FailureOr<std::optional<Step>> step = findStep(k, p);
      if (failed(step))
        return failure();
      if (!*step)
        return success();
      heap.push({getPriority(k, p, **step), k, p});
      setUnrollFactor((*step)->loop, (*step)->previousFactor);
      return success();
    };
    // Steps processes `group` of kernel `k` together when the budget
    // takes all their steps, worth `priority` each; drops them otherwise,
    // as a process whose step does not fit. A member whose step is worth
    // less now waits its turn again, alone, and so do the others.
    auto stepTogether = [&](size_t k, ArrayRef<size_t> group,
                            double priority) -> FailureOr<bool> {
      std::vector<Step> steps;
      auto undo = [&] {
        for (Step &step : llvm::reverse(steps))
          setUnrollFactor(step.loop, step.previousFactor);
      };
      Resources added;
      bool worthLess = false;
      for (size_t p : group) {
        FailureOr<std::optional<Step>> step = findStep(k, p);
        if (failed(step)) {
          undo();
          return failure();
        }
        if (!*step) {
          undo();
          return false;
        }
        worthLess |= getPriority(k, p, **step) < priority;
        added += getAdded((*kernels)[k].model.processes[p].operators,
                          (*step)->info.operators);
        steps.push_back(std::move(**step));
      }
      if (worthLess) {
        undo();
        for (size_t p : group)
          if (failed(pushNextStep(k, p)))
            return failure();
        return false;
      }
      if (!fitsWith(added)) {
        undo();
        return false;
      }
      for (auto [p, step] : llvm::zip(group, steps))
        commit(k, p, step);
      for (size_t p : group)
        if (failed(pushNextStep(k, p)))
          return failure();
      return true;
    };
    for (size_t k = 0; k < kernels->size(); ++k)
      for (size_t p = 0; p < (*kernels)[k].profiles.size(); ++p)
        if (failed(pushNextStep(k, p)))
          return signalPassFailure();
    while (!heap.empty()) {
      auto [priority, k, p] = heap.top();
      heap.pop();
      // Processes of a kernel as slow as each other whose next steps are
      // worth exactly as much are most often parallel branches of one
      // stage (a block's q, k and v projections, an MLP's gate and up
      // projections): the stage is as slow as its slowest branch, so they
      // step together or not at all. (One at a time, GPT-2 Medium's decode
      // gave k and v the lanes that the last of the budget denied q.)
      SmallVector<size_t> siblings;
      while (priority < takesNothing && !heap.empty() &&
             std::get<0>(heap.top()) == priority &&
             std::get<1>(heap.top()) == k &&
             (*kernels)[k].profiles[std::get<2>(heap.top())].latency ==
                 (*kernels)[k].profiles[p].latency) {
        siblings.push_back(std::get<2>(heap.top()));
        heap.pop();
      }
      if (!siblings.empty()) {
        siblings.insert(siblings.begin(), p);
        FailureOr<bool> stepped = stepTogether(k, siblings, priority);
        if (failed(stepped))
          return signalPassFailure();
        continue;
      }
      FailureOr<std::optional<Step>> step = findStep(k, p);
      if (failed(step))
        return signalPassFailure();
      if (!*step)
        continue;
      // Found again under the budget as it is now, the step may be worth
      // less than when it was pushed: then it waits its turn again.
      double now = getPriority(k, p, **step);
      if (now < priority && !heap.empty() && now < std::get<0>(heap.top())) {
        setUnrollFactor((*step)->loop, (*step)->previousFactor);
        heap.push({now, k, p});
        continue;
      }
      commit(k, p, **step);
      if (failed(pushNextStep(k, p)))
        return signalPassFailure();
    }
  }
};

} // namespace
