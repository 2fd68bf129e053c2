//===- DesignAnalysis.cpp - Models and profiles of a lowered module -------===//

#include "streamtensor/Performance/DesignAnalysis.h"

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <numeric>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::perf;

StringRef perf::getFloatAdders(Operation *anchor) {
  auto module = dyn_cast<ModuleOp>(anchor);
  if (!module)
    module = anchor->getParentOfType<ModuleOp>();
  if (module)
    if (auto impl = module->getAttrOfType<StringAttr>(kFloatAddersAttr))
      return impl.getValue();
  return "dsp";
}

LogicalResult perf::bindDesignOperators(Platform &platform, Operation *anchor) {
  StringRef adders = getFloatAdders(anchor);
  if (adders == "dsp")
    return success(); // the file's own fadd figure
  if (llvm::Error error = platform.bindOperator("fadd", adders))
    return anchor->emitError(llvm::toString(std::move(error)));
  return success();
}

FailureOr<Platform> perf::loadPlatformFor(Operation *anchor, StringRef name) {
  llvm::Expected<Platform> platform = loadPlatform(name);
  if (!platform)
    return anchor->emitError(llvm::toString(platform.takeError()));
  if (failed(bindDesignOperators(*platform, anchor)))
    return failure();
  return std::move(*platform);
}

FailureOr<ModelParameters> perf::getModelParametersFor(const Platform &platform,
                                                       Operation *anchor) {
  Platform bound = platform;
  if (failed(bindDesignOperators(bound, anchor)))
    return failure();
  return getModelParameters(bound);
}

std::vector<func::FuncOp> perf::getKernelFunctions(ModuleOp module) {
  std::vector<func::FuncOp> kernels;
  for (auto function : module.getOps<func::FuncOp>())
    if (function->hasAttr("dataflow.kernel"))
      kernels.push_back(function);
  return kernels;
}

int64_t perf::getHbmChannel(func::FuncOp kernel, unsigned argument,
                            int64_t channels) {
  if (auto channel = kernel.getArgAttrOfType<IntegerAttr>(
          argument, "dataflow.hbm_channel"))
    return channel.getInt();
  return argument % std::max<int64_t>(1, channels);
}

int64_t perf::getHbmChannelCount(func::FuncOp kernel, unsigned argument) {
  if (auto count = kernel.getArgAttrOfType<IntegerAttr>(
          argument, "dataflow.hbm_channel_count"))
    return count.getInt();
  return 1;
}

FailureOr<std::vector<AnalyzedKernel>>
perf::analyzeKernels(ModuleOp module, const ModelParameters &params) {
  std::vector<AnalyzedKernel> analyzed;
  for (func::FuncOp kernel : getKernelFunctions(module)) {
    FailureOr<KernelModel> model = buildKernelModel(kernel, params);
    if (failed(model))
      return failure();
    AnalyzedKernel entry{kernel, std::move(*model), {}};
    for (const Process &process : entry.model.design.processes)
      entry.profiles.push_back(profileProcess(process));
    analyzed.push_back(std::move(entry));
  }
  return analyzed;
}

FailureOr<AnalyzedDesign> perf::analyzeDesign(ModuleOp module,
                                              StringRef platformName) {
  FailureOr<Platform> platform = loadPlatformFor(module, platformName);
  if (failed(platform))
    return failure();
  AnalyzedDesign design{std::move(*platform), {}, {}};
  design.params = getModelParameters(design.platform);
  FailureOr<std::vector<AnalyzedKernel>> kernels =
      analyzeKernels(module, design.params);
  if (failed(kernels))
    return failure();
  design.kernels = std::move(*kernels);
  return design;
}

memory::MemoryPolicy perf::getMemoryPolicy(const Platform &platform) {
  memory::MemoryPolicy policy;
  policy.registerMaxDepth = platform.bufferMapping.registerMaxDepth;
  policy.srlMaxDepth = platform.bufferMapping.srlMaxDepth;
  policy.lutramMaxBits = platform.bufferMapping.lutramMaxBits;
  policy.uramMinBits = platform.bufferMapping.uramMinBits;
  return policy;
}

/// The banks `memory`'s accesses need: the least common multiple of the
/// unroll factors of the loops around each of them, as the emitter's
/// array_partition pragmas make.
static int64_t lcmOfAccessUnrolls(Value memory, int64_t partitions) {
  for (Operation *access : memory.getUsers())
    for (auto loop = access->getParentOfType<scf::ForOp>(); loop;
         loop = loop->getParentOfType<scf::ForOp>())
      partitions = std::lcm(partitions, getUnrollFactor(loop));
  return partitions;
}

/// The cyclic partitions of a local buffer: enough banks for every
/// unrolled loop that accesses it, at most one per element.
static int64_t partitionsOf(memref::AllocaOp alloca) {
  return std::min(lcmOfAccessUnrolls(alloca.getResult(), 1),
                  alloca.getType().getNumElements());
}

/// The same for a ping-pong buffer, whose blocks the processes that fill
/// and drain it access (the emitter partitions its stream of blocks).
static int64_t partitionsOf(dataflow::BufferOp buffer) {
  int64_t partitions = 1;
  for (OpOperand &use : buffer.getMemref().getUses()) {
    auto call = dyn_cast<func::CallOp>(use.getOwner());
    auto process =
        call ? SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
                   call, call.getCalleeAttr())
             : func::FuncOp();
    if (!process || process.isExternal())
      continue;
    for (Operation *user :
         process.getArgument(use.getOperandNumber()).getUsers())
      if (auto acquire = dyn_cast<dataflow::BlockAcquireOp>(user))
        partitions = lcmOfAccessUnrolls(acquire.getBlock(), partitions);
  }
  return std::min(partitions, buffer.getType().getNumElements());
}

std::vector<MemoryItem> perf::collectMemories(const AnalyzedKernel &kernel) {
  std::vector<MemoryItem> items;
  std::vector<int> writer(kernel.model.fifoOps.size(), -1);
  for (size_t process = 0; process < kernel.profiles.size(); ++process)
    for (const auto &entry : kernel.profiles[process].writes)
      writer[entry.first] = static_cast<int>(process);
  for (size_t fifo = 0; fifo < kernel.model.fifoOps.size(); ++fifo) {
    Operation *op = kernel.model.fifoOps[fifo];
    MemoryItem item;
    item.op = op;
    item.process = writer[fifo];
    item.request.name = kernel.model.design.fifos[fifo].name;
    if (auto stream = dyn_cast<dataflow::StreamOp>(op)) {
      item.request.isFifo = true;
      item.request.depth = stream.getType().getDepth();
      item.request.width = getBitWidth(stream.getType().getElementType());
    } else if (auto buffer = dyn_cast<dataflow::BufferOp>(op)) {
      MemRefType type = buffer.getType();
      item.request.depth = type.getNumElements() * buffer.getDepth();
      item.request.width = getBitWidth(type.getElementType());
      item.request.partitions = partitionsOf(buffer);
    }
    items.push_back(item);
  }
  for (size_t process = 0; process < kernel.model.processes.size(); ++process) {
    unsigned index = 0;
    func::FuncOp function = kernel.model.processes[process].func;
    // A synthesis report already counts the process's own memories.
    if (function->hasAttr("dataflow.csynth"))
      continue;
    function.walk([&](memref::AllocaOp alloca) {
      MemoryItem item;
      item.op = alloca;
      item.process = static_cast<int>(process);
      item.request.name = kernel.model.processes[process].name + ".buffer" +
                          std::to_string(index++);
      item.request.depth = alloca.getType().getNumElements();
      item.request.width = getBitWidth(alloca.getType().getElementType());
      item.request.partitions = partitionsOf(alloca);
      items.push_back(item);
    });
  }
  return items;
}

memory::Storage perf::getStorage(const MemoryItem &item,
                                 const memory::MemoryPolicy &policy) {
  if (auto chosen = item.op->getAttrOfType<StringAttr>("dataflow.storage"))
    for (memory::Storage storage :
         {memory::Storage::Registers, memory::Storage::Srl,
          memory::Storage::Lutram, memory::Storage::Bram,
          memory::Storage::Uram})
      if (chosen.getValue() == memory::toString(storage))
        return storage;
  return memory::preferredStorage(item.request, policy);
}
