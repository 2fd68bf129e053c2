//===- SizeFifos.cpp - Choose the depth of every FIFO ---------------------===//
//
// Paper section 5.3, with back-pressure. Normal mode: every FIFO gets its
// peak occupancy in the held-back schedule (HoldBackSizing.h), the latest
// schedule that finishes as early as the design with unbounded FIFOs.
// Conservative mode: the paper's token model with every task stretched to
// the slowest one's throughput, start cycles from the LP of equations
// (3)-(5), depths from max_tokens (FifoSizing.h). In both, a DMA's FIFO in
// URAM drops a mostly empty last slice (MemoryAssignment.h). The math is in
// Analysis/; this pass reads the kernels' models and writes the depths into
// the stream types (and so into the `#pragma HLS stream depth=` the emitter
// prints).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"

#include "streamtensor/Analysis/FifoSizing.h"
#include "streamtensor/Analysis/HoldBackSizing.h"
#include "streamtensor/Analysis/MemoryAssignment.h"
#include "streamtensor/Performance/DesignAnalysis.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_SIZEFIFOS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

class SizeFifosPass : public dataflow::impl::SizeFifosBase<SizeFifosPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<int64_t> forced;
    for (const std::string &entry : overrides) {
      StringRef name, depthText;
      std::tie(name, depthText) = StringRef(entry).split('=');
      int64_t depth;
      if (name.empty() || depthText.getAsInteger(10, depth) || depth < 1) {
        module.emitError("override '")
            << entry << "' is not name=depth with a depth of at least 1";
        return signalPassFailure();
      }
      forced[name] = depth;
    }
    if (mode != "normal" && mode != "conservative" && mode != "upper-bound") {
      module.emitError("FIFO sizing mode '")
          << mode << "' is not normal, conservative or upper-bound";
      return signalPassFailure();
    }

    // The depth each FIFO gets before overrides.
    llvm::DenseMap<Operation *, int64_t> sized;
    if (mode == "upper-bound") {
      module.walk([&](StreamOp stream) {
        sized[stream] =
            stream.getEntries().value_or(stream.getType().getDepth());
      });
    } else if (mode == "normal" ? failed(sizeByHoldBack(module, sized))
                                : failed(sizeByLp(module, sized))) {
      return signalPassFailure();
    }

    llvm::StringSet<> seen;
    module.walk([&](StreamOp stream) {
      int64_t depth = sized.lookup(stream);
      if (depth == 0)
        depth = stream.getType().getDepth();
      if (stream.getName()) {
        // A FIFO is named within its kernel: `fifo` forces it in every
        // kernel, `kernel/fifo` in one.
        std::string qualified;
        if (auto kernel = stream->getParentOfType<func::FuncOp>())
          qualified = (kernel.getName() + "/" + *stream.getName()).str();
        for (StringRef name :
             {StringRef(*stream.getName()), StringRef(qualified)}) {
          auto it = forced.find(name);
          if (it == forced.end())
            continue;
          depth = it->second;
          seen.insert(name);
        }
      }
      depth = std::max<int64_t>(depth, 1);
      if (depth != stream.getType().getDepth())
        retypeStream(stream,
                     StreamType::get(stream.getType().getElementType(), depth));
    });
    for (const auto &entry : forced) {
      if (seen.contains(entry.getKey()))
        continue;
      module.emitError("override names no FIFO: '") << entry.getKey() << "'";
      return signalPassFailure();
    }
  }

private:
  /// Normal mode: the held-back schedule of every kernel. Ping-pong
  /// buffers keep their blocks; every stream is sized.
  LogicalResult sizeByHoldBack(ModuleOp module,
                               llvm::DenseMap<Operation *, int64_t> &sized) {
    FailureOr<perf::AnalyzedDesign> design =
        perf::analyzeDesign(module, platform);
    if (failed(design))
      return failure();
    for (perf::AnalyzedKernel &kernel : design->kernels) {
      const std::vector<Operation *> &fifoOps = kernel.model.fifoOps;
      std::vector<bool> sizable(fifoOps.size());
      for (size_t fifo = 0; fifo < fifoOps.size(); ++fifo)
        sizable[fifo] = isa<StreamOp>(fifoOps[fifo]);
      fifo::HoldBackResult result =
          fifo::sizeByHoldBack(kernel.model.design, sizable);
      if (!result.error.empty())
        return kernel.kernel.emitError("FIFO sizing: ") << result.error;
      for (size_t fifo = 0; fifo < fifoOps.size(); ++fifo)
        if (sizable[fifo])
          sized[fifoOps[fifo]] = result.depths[fifo];
    }
    trimRunAhead(*design, runAheadCap, sized);
    return success();
  }

  LogicalResult sizeByLp(ModuleOp module,
                         llvm::DenseMap<Operation *, int64_t> &sized) {
    FailureOr<perf::AnalyzedDesign> design =
        perf::analyzeDesign(module, platform);
    if (failed(design))
      return failure();
    std::vector<perf::AnalyzedKernel> *kernels = &design->kernels;
    fifo::FifoMode fifoMode = mode == "conservative"
                                  ? fifo::FifoMode::Conservative
                                  : fifo::FifoMode::Normal;
    for (perf::AnalyzedKernel &kernel : *kernels) {
      std::vector<int> edgeFifo;
      std::vector<fifo::SizingEdge> edges =
          perf::sizingEdges(kernel.model.design, kernel.profiles, edgeFifo);
      fifo::SizingResult result = fifo::sizeFifos(
          static_cast<int>(kernel.profiles.size()), edges, fifoMode);
      if (!result.error.empty())
        return kernel.kernel.emitError(result.error);
      for (size_t edge = 0; edge < edgeFifo.size(); ++edge)
        if (auto stream =
                dyn_cast<StreamOp>(kernel.model.fifoOps[edgeFifo[edge]]))
          sized[stream] = result.depths[edge];
    }
    trimRunAhead(*design, runAheadCap, sized);
    return success();
  }

  /// A FIFO that a DMA writes, which reads memory and no FIFO, only lets
  /// the DMA run ahead: in URAM, a last slice at most a quarter full is
  /// dropped (memory::trimRunAheadDepth), and no such FIFO is deeper than
  /// `cap` (when positive). It is at least 2 deep (unless `cap` says
  /// less): a slot is free again only the cycle after its token is read, so
  /// through a FIFO of 1 the DMA writes every other cycle at best. The
  /// sizing's schedule may not need more, but its DMAs' bandwidths are
  /// those before the HBM plan: GPT-2 Medium's decode, whose sizing found 1
  /// enough for the K and V caches' FIFOs, read them at half their
  /// channels' pace on the planned ones (an estimated 817 cycles a layer).
  static void trimRunAhead(const perf::AnalyzedDesign &design, int64_t cap,
                           llvm::DenseMap<Operation *, int64_t> &sized) {
    memory::MemoryPolicy policy = perf::getMemoryPolicy(design.platform);
    for (const perf::AnalyzedKernel &kernel : design.kernels)
      for (size_t p = 0; p < kernel.profiles.size(); ++p) {
        const perf::ProcessInfo &process = kernel.model.processes[p];
        bool readsMemoryOnly =
            !process.dmas.empty() && kernel.profiles[p].reads.empty() &&
            llvm::all_of(process.dmas,
                         [](const perf::DmaInfo &dma) { return dma.isRead; });
        if (!readsMemoryOnly)
          continue;
        for (const auto &[fifo, port] : kernel.profiles[p].writes) {
          auto it = sized.find(kernel.model.fifoOps[fifo]);
          if (it == sized.end())
            continue;
          it->second = memory::trimRunAheadDepth(
              std::max<int64_t>(it->second, 2),
              kernel.model.design.fifos[fifo].tokenBits, policy);
          if (cap > 0)
            it->second = std::min(it->second, cap);
        }
      }
  }
};

} // namespace
