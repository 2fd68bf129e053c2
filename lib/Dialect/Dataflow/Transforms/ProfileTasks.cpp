//===- ProfileTasks.cpp - Record every process's L, D, II and resources ---===//
//
// The profiler's figures, written on the process functions for the report
// and for anyone reading the IR. With `profiles=DIR`, a Vitis HLS csynth
// report `<process function>_csynth.xml` replaces the estimate of that
// process: its latency and resources are stored as `dataflow.csynth`, which
// the performance model honours (it stretches the process's loops to the
// measured latency).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Performance/DesignAnalysis.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_PROFILETASKS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

/// The integer between <tag> and </tag> after `from` in `xml`.
std::optional<int64_t> readTag(StringRef xml, StringRef tag, size_t from = 0) {
  std::string open = ("<" + tag + ">").str();
  size_t start = xml.find(open, from);
  if (start == StringRef::npos)
    return std::nullopt;
  start += open.size();
  size_t end = xml.find('<', start);
  int64_t value;
  if (end == StringRef::npos ||
      xml.slice(start, end).trim().getAsInteger(10, value))
    return std::nullopt;
  return value;
}

/// Reads a csynth report: the best-case latency, the interval, and the area.
FailureOr<DictionaryAttr> readCsynth(func::FuncOp process, StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path);
  if (!file)
    return DictionaryAttr();
  StringRef xml = (*file)->getBuffer();
  size_t performance = xml.find("<SummaryOfOverallLatency>");
  std::optional<int64_t> latency =
      performance == StringRef::npos
          ? std::nullopt
          : readTag(xml, "Best-caseLatency", performance);
  if (!latency)
    return process.emitError(path) << ": no <Best-caseLatency> in "
                                      "<SummaryOfOverallLatency>";
  Builder builder(process.getContext());
  SmallVector<NamedAttribute> fields = {
      builder.getNamedAttr("latency", builder.getI64IntegerAttr(*latency))};
  size_t area = xml.find("<AreaEstimates>");
  auto record = [&](StringRef tag, StringRef name) {
    if (area == StringRef::npos)
      return;
    if (std::optional<int64_t> value = readTag(xml, tag, area))
      fields.push_back(
          builder.getNamedAttr(name, builder.getI64IntegerAttr(*value)));
  };
  record("DSP", "dsp");
  record("LUT", "lut");
  record("FF", "ff");
  record("BRAM_18K", "bram18k");
  record("URAM", "uram");
  return builder.getDictionaryAttr(fields);
}

class ProfileTasksPass
    : public dataflow::impl::ProfileTasksBase<ProfileTasksPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(importCsynthReports(module)))
      return signalPassFailure();
    FailureOr<perf::AnalyzedDesign> design =
        perf::analyzeDesign(module, platform);
    if (failed(design))
      return signalPassFailure();
    const Platform *target = &design->platform;
    std::vector<perf::AnalyzedKernel> *kernels = &design->kernels;
    memory::MemoryPolicy policy = perf::getMemoryPolicy(*target);
    Builder builder(module.getContext());
    for (perf::AnalyzedKernel &kernel : *kernels) {
      // Every on-chip array counts with the process that writes it: its
      // local buffers, and the FIFOs and converter buffers it fills (as the
      // die assignment counts them), so that the report's totals and the
      // design search's fit hold all the memory the design needs. A
      // csynth report already holds the process's local buffers.
      std::vector<Resources> memories(kernel.profiles.size());
      for (const perf::MemoryItem &item : perf::collectMemories(kernel))
        if (item.process >= 0)
          memories[item.process] +=
              memory::costIn(item.request, perf::getStorage(item, policy));
      for (size_t p = 0; p < kernel.profiles.size(); ++p) {
        perf::ProcessInfo &info = kernel.model.processes[p];
        const perf::TaskProfile &profile = kernel.profiles[p];
        Resources total = info.operators;
        total += memories[p];
        bool measured = info.func->hasAttr("dataflow.csynth");
        SmallVector<NamedAttribute> fields = {
            builder.getNamedAttr("latency",
                                 builder.getI64IntegerAttr(profile.latency)),
            builder.getNamedAttr("initial_delay", builder.getI64IntegerAttr(
                                                      profile.initialDelay)),
            builder.getNamedAttr("ii", builder.getF64FloatAttr(profile.ii)),
            builder.getNamedAttr("dsp", builder.getF64FloatAttr(total.dsp)),
            builder.getNamedAttr("lut", builder.getF64FloatAttr(total.lut)),
            builder.getNamedAttr("ff", builder.getF64FloatAttr(total.ff)),
            builder.getNamedAttr("bram18k",
                                 builder.getF64FloatAttr(total.bram18k)),
            builder.getNamedAttr("uram", builder.getF64FloatAttr(total.uram)),
            builder.getNamedAttr(
                "source",
                builder.getStringAttr(measured ? "csynth" : "estimate"))};
        info.func->setAttr("dataflow.profile",
                           builder.getDictionaryAttr(fields));
        if (info.dmas.empty())
          continue;
        SmallVector<Attribute> dmas;
        for (const perf::DmaInfo &dma : info.dmas)
          dmas.push_back(builder.getDictionaryAttr({
              builder.getNamedAttr("port", builder.getStringAttr(dma.port)),
              builder.getNamedAttr("bytes",
                                   builder.getI64IntegerAttr(dma.bytes)),
              builder.getNamedAttr("read", builder.getBoolAttr(dma.isRead)),
              builder.getNamedAttr("hbm_channel",
                                   builder.getI64IntegerAttr(dma.hbmChannel)),
              builder.getNamedAttr("bytes_per_cycle",
                                   builder.getF64FloatAttr(dma.bytesPerCycle)),
          }));
        info.func->setAttr("dataflow.dma", builder.getArrayAttr(dmas));
      }
    }
  }

private:
  /// Records `<process function>_csynth.xml` of the profiles folder, for
  /// every process that has one, as `dataflow.csynth`.
  LogicalResult importCsynthReports(ModuleOp module) {
    if (profiles.empty())
      return success();
    if (!llvm::sys::fs::is_directory(profiles))
      return module.emitError("profiles folder '")
             << profiles << "' does not exist";
    for (func::FuncOp kernel : perf::getKernelFunctions(module))
      for (auto call : kernel.getOps<func::CallOp>()) {
        auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
            call, call.getCalleeAttr());
        if (!process)
          continue;
        SmallString<256> path(profiles);
        llvm::sys::path::append(path, process.getName() + "_csynth.xml");
        FailureOr<DictionaryAttr> csynth = readCsynth(process, path);
        if (failed(csynth))
          return failure();
        if (*csynth)
          process->setAttr("dataflow.csynth", *csynth);
      }
    return success();
  }
};

} // namespace
