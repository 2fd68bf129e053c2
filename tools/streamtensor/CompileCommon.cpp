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

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

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
  FailureOr<std::vector<perf::AnalyzedKernel>> analyzed =
      perf::analyzeKernels(module, perf::getModelParameters(platform));
  if (failed(analyzed))
    return kernels;
  std::string depthSource =
      options.fifoMode == "upper-bound"
          ? "upper bound: every entry that crosses the FIFO"
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
        perf::estimateKernel(entryKernel, platform, /*unbounded=*/false);
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

llvm::json::Object
streamtensor::driver::describeResources(const Resources &used,
                                        const FabricResources &available,
                                        llvm::StringRef note, bool &fits) {
  const char *const keys[Resources::kNumKinds] = {"dsp", "lut", "ff", "bram18k",
                                                  "uram"};
  const int64_t limits[Resources::kNumKinds] = {available.dsp, available.lut,
                                                available.ff, available.bram18k,
                                                available.uram};
  llvm::json::Object resources{{"note", note}};
  fits = true;
  for (int kind = 0; kind < Resources::kNumKinds; ++kind) {
    resources[keys[kind]] = llvm::json::Object{{"used", used.get(kind)},
                                               {"available", limits[kind]}};
    fits &= used.get(kind) <= double(limits[kind]);
  }
  return resources;
}
