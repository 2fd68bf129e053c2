//===- CompileCommon.cpp - What both compile paths write ------------------===//
//
// The pieces of `streamtensor compile` shared by MLIR inputs and LLM model
// inputs: files, the fusion summary and the per-kernel report.
//
//===----------------------------------------------------------------------===//

#include "CompileCommon.h"
#include "Commands.h"

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Performance/Estimate.h"
#include "streamtensor/Target/HLSCpp.h"
#include "streamtensor/Version.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <functional>
#include <mutex>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;

/// Writes `contents` to `path`; reports and returns false on failure.
bool streamtensor::driver::writeFile(const llvm::Twine &path,
                                     llvm::StringRef contents) {
  std::error_code error;
  llvm::raw_fd_ostream os(path.str(), error);
  if (!error) {
    os << contents;
    os.close();
    error = os.error();
    // Reported below; uncleared, ~raw_fd_ostream would also abort on it.
    os.clear_error();
  }
  if (error) {
    reportError("compile", "cannot write " + path + ": " + error.message());
    return false;
  }
  return true;
}

/// What fusion decided, for the report: per kernel, its converters.
llvm::json::Object streamtensor::driver::describeFusion(ModuleOp module) {
  llvm::json::Object kernels;
  module.walk([&](dataflow::KernelOp kernel) {
    llvm::json::Array converters;
    int64_t tasks = 0, forks = 0;
    kernel.walk([&](Operation *op) {
      if (isa<dataflow::TaskOp>(op))
        ++tasks;
      if (isa<dataflow::ITensorForkOp>(op))
        ++forks;
      auto converter = dyn_cast<dataflow::ITensorConverterOp>(op);
      if (!converter)
        return;
      dataflow::ITensorType from = converter.getSource().getType();
      std::string fromText, toText;
      llvm::raw_string_ostream(fromText) << from;
      llvm::raw_string_ostream(toText) << converter.getResult().getType();
      int64_t elements = 1;
      for (int64_t size : converter.getBufferShape())
        elements *= size;
      int64_t bytes =
          elements * ((from.getElementType().getIntOrFloatBitWidth() + 7) / 8);
      converters.push_back(llvm::json::Object{
          {"from", fromText},
          {"to", toText},
          {"buffer_shape", llvm::json::Array(converter.getBufferShape())},
          {"shared_loops", converter.getSharedLoops()},
          // One block; the converter holds two (ping-pong), which is what
          // fusion charges.
          {"block_bytes", bytes},
          {"ping_pong_bytes", 2 * bytes}});
    });
    std::string name = kernel.getName() ? kernel.getName()->str() : "kernel";
    kernels[name] = llvm::json::Object{{"tasks", tasks},
                                       {"forks", forks},
                                       {"converters", std::move(converters)}};
  });
  return kernels;
}

namespace {
/// A float attribute of `dict`, or 0.
double getNumber(DictionaryAttr dict, StringRef name) {
  if (!dict)
    return 0;
  if (auto value = dict.getAs<FloatAttr>(name))
    return value.getValueAsDouble();
  if (auto value = dict.getAs<IntegerAttr>(name))
    return double(value.getInt());
  return 0;
}

} // namespace

llvm::json::Array streamtensor::driver::describeKernels(
    ModuleOp module, llvm::json::Object &fusion, const Platform &platform,
    const CompileOptions &options, int64_t &totalCycles, Resources &total) {
  llvm::json::Array kernels;
  // Priced as the module implements its operators, for the models and
  // the estimate alike.
  Platform bound = platform;
  if (failed(perf::bindDesignOperators(bound, module)))
    return kernels;
  FailureOr<std::vector<perf::AnalyzedKernel>> analyzed =
      perf::analyzeKernels(module, perf::getModelParameters(bound));
  if (failed(analyzed))
    return kernels;
  // dataflow-size-fifos: normal mode simulates (the held-back schedule),
  // only conservative mode solves the paper's LP.
  std::string depthSource =
      options.fifoMode == "upper-bound"
          ? "upper bound: every entry that crosses the FIFO"
      : options.fifoMode == "normal"
          ? "peak occupancy of the held-back schedule (normal mode)"
          : "LP of the paper (" + options.fifoMode + " mode)";
  for (perf::AnalyzedKernel &entryKernel : *analyzed) {
    func::FuncOp kernel = entryKernel.kernel;
    llvm::json::Array processes, fifos;
    for (auto call : kernel.getOps<func::CallOp>()) {
      auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      auto role = callee ? callee->getAttrOfType<StringAttr>("dataflow.process")
                         : nullptr;
      auto profile =
          callee ? callee->getAttrOfType<DictionaryAttr>("dataflow.profile")
                 : nullptr;
      llvm::json::Object entry{
          {"function", call.getCallee()},
          {"process", role ? role.getValue() : call.getCallee()}};
      if (profile) {
        Resources used;
        used.dsp = getNumber(profile, "dsp");
        used.lut = getNumber(profile, "lut");
        used.ff = getNumber(profile, "ff");
        used.bram18k = getNumber(profile, "bram18k");
        used.uram = getNumber(profile, "uram");
        total += used;
        entry["latency_cycles"] = int64_t(getNumber(profile, "latency"));
        entry["initial_delay_cycles"] =
            int64_t(getNumber(profile, "initial_delay"));
        entry["ii"] = getNumber(profile, "ii");
        entry["dsp"] = used.dsp;
        entry["lut"] = used.lut;
        entry["ff"] = used.ff;
        entry["bram18k"] = used.bram18k;
        entry["uram"] = used.uram;
        if (auto source = profile.getAs<StringAttr>("source"))
          entry["profile_source"] = source.getValue();
      }
      if (auto slr = call->getAttrOfType<IntegerAttr>("dataflow.slr"))
        entry["slr"] = slr.getInt();
      if (auto dmas = callee ? callee->getAttrOfType<ArrayAttr>("dataflow.dma")
                             : nullptr) {
        llvm::json::Array list;
        for (auto dma : dmas.getAsRange<DictionaryAttr>()) {
          llvm::json::Object item;
          if (auto port = dma.getAs<StringAttr>("port"))
            item["port"] = port.getValue();
          item["bytes"] = int64_t(getNumber(dma, "bytes"));
          item["hbm_pseudo_channel"] = int64_t(getNumber(dma, "hbm_channel"));
          item["bytes_per_cycle"] = getNumber(dma, "bytes_per_cycle");
          if (auto read = dma.getAs<BoolAttr>("read"))
            item["direction"] = read.getValue() ? "read" : "write";
          list.push_back(std::move(item));
        }
        entry["dmas"] = std::move(list);
      }
      processes.push_back(std::move(entry));
    }
    for (auto stream : kernel.getOps<dataflow::StreamOp>()) {
      std::string elementType;
      llvm::raw_string_ostream(elementType)
          << stream.getType().getElementType();
      auto storage = stream->getAttrOfType<StringAttr>("dataflow.storage");
      fifos.push_back(llvm::json::Object{
          {"name", stream.getName() ? *stream.getName() : ""},
          {"element_type", elementType},
          {"depth", stream.getType().getDepth()},
          {"entries", stream.getEntries() ? int64_t(*stream.getEntries()) : -1},
          {"storage", storage ? storage.getValue() : ""},
          {"depth_source", depthSource}});
    }
    perf::KernelEstimate estimate =
        perf::estimateKernel(entryKernel, bound, /*unbounded=*/false);
    llvm::json::Object performance{
        {"method", "cycle-level simulation (an estimate)"},
        {"bound_compute_cycles", estimate.bounds.computeCycles},
        {"bound_memory_cycles", estimate.bounds.memoryCycles},
        {"macs", estimate.bounds.macs},
        {"hbm_bytes", estimate.bounds.hbmBytes}};
    if (estimate.simulation.status == perf::SimulationStatus::Completed) {
      performance["estimated_cycles"] = estimate.simulation.totalCycles;
      performance["estimated_us"] =
          double(estimate.simulation.totalCycles) / platform.kernelClockMHz;
      totalCycles += estimate.simulation.totalCycles;
    } else {
      performance["deadlock"] = estimate.deadlock;
    }
    llvm::json::Object entry{{"name", kernel.getName()},
                             {"processes", std::move(processes)},
                             {"fifos", std::move(fifos)},
                             {"performance", std::move(performance)}};
    if (llvm::json::Object *fused = fusion.getObject(kernel.getName()))
      for (auto &[key, value] : *fused)
        entry[key] = value;
    kernels.push_back(std::move(entry));
  }
  return kernels;
}

bool streamtensor::driver::createPartialOutput(
    const std::string &partial, llvm::ArrayRef<const char *> folders) {
  llvm::sys::fs::remove_directories(partial);
  for (const char *folder : folders)
    if (std::error_code error =
            llvm::sys::fs::create_directories(partial + "/" + folder)) {
      reportError("compile",
                  "cannot create " + partial + ": " + error.message());
      return false;
    }
  return true;
}

bool streamtensor::driver::copySimulationHeaders(const std::string &partial) {
  for (const char *header :
       {"hls_stream.h", "hls_streamofblocks.h", "hls_vector.h",
        "streamtensor_csim.h", "streamtensor_dataflow.h"}) {
    std::string from = std::string(STREAMTENSOR_RUNTIME_DIR) + "/" + header;
    if (std::error_code error = llvm::sys::fs::copy_file(
            from, partial + "/csim/include/" + header)) {
      reportError("compile", "cannot copy " + from + ": " + error.message());
      return false;
    }
  }
  return true;
}

llvm::StringRef streamtensor::driver::getResourceKey(int kind) {
  static const char *const keys[Resources::kNumKinds] = {
      "dsp", "lut", "ff", "bram18k", "uram"};
  return keys[kind];
}

llvm::json::Object
streamtensor::driver::describeResources(const Resources &used,
                                        const FabricResources &available,
                                        llvm::StringRef note, bool &fits) {
  const int64_t limits[Resources::kNumKinds] = {available.dsp, available.lut,
                                                available.ff, available.bram18k,
                                                available.uram};
  llvm::json::Object resources{{"note", note}};
  fits = true;
  for (int kind = 0; kind < Resources::kNumKinds; ++kind) {
    resources[getResourceKey(kind)] = llvm::json::Object{
        {"used", used.get(kind)}, {"available", limits[kind]}};
    fits &= used.get(kind) <= double(limits[kind]);
  }
  return resources;
}

namespace {

/// Verifies the IR after every pass, as the pass manager does, but keeps the
/// name of the first pass whose output does not verify: invalid IR out of a
/// pass of ours is our bug, whatever the input was.
class VerifyEachPass : public PassInstrumentation {
public:
  void runAfterPass(Pass *pass, Operation *op) override {
    if (succeeded(verify(op)))
      return;
    std::lock_guard<std::mutex> lock(mutex);
    if (brokenPass.empty())
      brokenPass = pass->getArgument().empty() ? pass->getName().str()
                                               : pass->getArgument().str();
  }
  std::string getBrokenPass() {
    std::lock_guard<std::mutex> lock(mutex);
    return brokenPass;
  }

private:
  std::mutex mutex;
  std::string brokenPass;
};

/// Bits of a FIFO token: a scalar or an hls::vector of them.
int64_t getTokenBits(Type type) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.getNumElements() * getTokenBits(vector.getElementType());
  return type.isIntOrFloat() ? type.getIntOrFloatBitWidth() : 32;
}

} // namespace

LogicalResult streamtensor::driver::runPipelineStage(PassManager &pm,
                                                     ModuleOp module,
                                                     llvm::StringRef stage) {
  pm.enableVerifier(false);
  auto verifier = std::make_unique<VerifyEachPass>();
  VerifyEachPass *verifierState = verifier.get();
  pm.addInstrumentation(std::move(verifier));
  std::atomic<unsigned> errors{0};
  // Counts, then lets the next handler print.
  ScopedDiagnosticHandler counter(module.getContext(), [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      ++errors;
    return failure();
  });
  LogicalResult result = pm.run(module);
  std::string broken = verifierState->getBrokenPass();
  if (!broken.empty()) {
    reportInternalError("compile", "pass '" + broken + "' of stage '" + stage +
                                       "' produced IR that does not verify");
    return failure();
  }
  if (failed(result) && errors == 0)
    reportInternalError("compile",
                        "stage '" + stage + "' failed without a diagnostic");
  return result;
}

int64_t streamtensor::driver::getUnfusedIntermediateBytes(ModuleOp module) {
  // Whether `value` reaches another kernel, through views.
  std::function<bool(Value)> feedsKernel = [&](Value value) {
    for (Operation *user : value.getUsers()) {
      if (isa<dataflow::KernelOp>(user))
        return true;
      if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(user) &&
          feedsKernel(user->getResult(0)))
        return true;
    }
    return false;
  };
  int64_t bytes = 0;
  module.walk([&](dataflow::KernelOp kernel) {
    for (Value result : kernel->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !type.hasStaticShape() || !feedsKernel(result))
        continue;
      bytes += type.getNumElements() *
               ((getTokenBits(type.getElementType()) + 7) / 8);
    }
  });
  return bytes;
}

llvm::json::Object
streamtensor::driver::describeOnChipBytes(ModuleOp module,
                                          const llvm::json::Object &fusion) {
  int64_t fifoBytes = 0, converterBytes = 0, dmaFifoBytes = 0;
  module.walk([&](dataflow::StreamOp stream) {
    int64_t bytes = stream.getType().getDepth() *
                    ((getTokenBits(stream.getType().getElementType()) + 7) / 8);
    fifoBytes += bytes;
    // A FIFO a DMA writes or reads holds the kernel's inputs fetched ahead
    // (weights, above all) or its outputs on their way out: not results
    // one op passes to another.
    bool dma = llvm::any_of(stream->getUsers(), [&](Operation *user) {
      auto call = dyn_cast<func::CallOp>(user);
      auto process =
          call ? SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
                     call, call.getCalleeAttr())
               : nullptr;
      return process && process->hasAttr("dataflow.dma");
    });
    if (dma)
      dmaFifoBytes += bytes;
  });
  for (const auto &entry : fusion)
    if (const llvm::json::Object *kernel = entry.second.getAsObject())
      if (const llvm::json::Array *converters = kernel->getArray("converters"))
        for (const llvm::json::Value &converter : *converters)
          if (const llvm::json::Object *object = converter.getAsObject())
            converterBytes +=
                object->getInteger("ping_pong_bytes").value_or(0);
  return llvm::json::Object{
      {"fifos", fifoBytes},
      {"converters", converterBytes},
      {"total", fifoBytes + converterBytes},
      {"dma_fifos", dmaFifoBytes},
      {"intermediates", fifoBytes - dmaFifoBytes + converterBytes}};
}

bool streamtensor::driver::writeMakefile(const std::string &partial,
                                         llvm::ArrayRef<std::string> kernels,
                                         const Platform &platform, bool llm) {
  std::string text;
  llvm::raw_string_ostream os(text);
  emitMakefile(kernels, platform, llm,
               "streamtensor " STREAMTENSOR_VERSION_STRING, os);
  return writeFile(partial + "/Makefile", text);
}

llvm::json::Object
streamtensor::driver::summarizeCompile(const llvm::json::Object &report,
                                       llvm::StringRef output) {
  llvm::json::Array kernels;
  int64_t fifoBytes = 0, converterBytes = 0;
  auto addKernels = [&](const llvm::json::Object &holder) {
    if (const llvm::json::Array *list = holder.getArray("kernels"))
      for (const llvm::json::Value &kernel : *list)
        if (const llvm::json::Object *object = kernel.getAsObject())
          if (std::optional<llvm::StringRef> name = object->getString("name"))
            kernels.push_back(*name);
    if (const llvm::json::Object *bytes = holder.getObject("on_chip_bytes")) {
      fifoBytes += bytes->getInteger("fifos").value_or(0);
      converterBytes += bytes->getInteger("converters").value_or(0);
    }
  };
  // An MLIR model's report lists its kernels; an LLM's, those of its graphs.
  addKernels(report);
  // json::Object's order is unspecified; the summary's must not be.
  if (const llvm::json::Object *graphs = report.getObject("graphs")) {
    std::vector<std::string> names;
    for (const auto &entry : *graphs)
      names.push_back(entry.first.str());
    llvm::sort(names);
    for (const std::string &name : names)
      if (const llvm::json::Object *graph = graphs->getObject(name))
        addKernels(*graph);
  }
  llvm::json::Object estimates{
      {"note", "estimates of the task profiler and the cycle-level "
               "simulator, not measurements"}};
  if (const llvm::json::Object *performance = report.getObject("performance"))
    for (const auto &[key, value] : *performance)
      estimates[key] = value;
  llvm::json::Object summary{
      {"command", "compile"},
      {"status", "ok"},
      {"output", output},
      {"kernels", std::move(kernels)},
      {"on_chip_bytes",
       llvm::json::Object{{"fifos", fifoBytes},
                          {"converters", converterBytes},
                          {"total", fifoBytes + converterBytes}}},
      {"fifo_bytes", fifoBytes},
      {"estimates", std::move(estimates)}};
  for (const char *key : {"platform", "resources", "model"})
    if (const llvm::json::Value *value = report.get(key))
      summary[key] = *value;
  return summary;
}
