//===- HbmChannels.cpp - Kernel ports onto HBM pseudo-channels ------------===//

#include "streamtensor/Target/HbmChannels.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"

#include <limits>

using namespace mlir;
using namespace streamtensor;

namespace {

/// A buffer port of a kernel call and the role of what is bound to it.
struct RoledPort {
  func::FuncOp kernel;
  unsigned argument;
  std::string role;
};

/// The processes' DMA records (`dataflow.dma`, written while the pipeline
/// profiled them, for the reports) name the channel of their port: the
/// one just assigned.
void refreshDmaChannels(func::FuncOp kernel) {
  auto names = kernel->getAttrOfType<ArrayAttr>("dataflow.arg_names");
  if (!names)
    return;
  llvm::StringMap<int64_t> channelOfPort;
  for (auto [index, name] : llvm::enumerate(names))
    if (auto channel =
            kernel.getArgAttrOfType<IntegerAttr>(index, "dataflow.hbm_channel"))
      channelOfPort[cast<StringAttr>(name).getValue()] = channel.getInt();
  Builder builder(kernel.getContext());
  for (auto call : kernel.getOps<func::CallOp>()) {
    auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    auto dmas =
        process ? process->getAttrOfType<ArrayAttr>("dataflow.dma") : nullptr;
    if (!dmas)
      continue;
    SmallVector<Attribute> refreshed;
    for (auto dma : dmas.getAsRange<DictionaryAttr>()) {
      NamedAttrList fields(dma);
      auto port = dma.getAs<StringAttr>("port");
      auto channel =
          port ? channelOfPort.find(port.getValue()) : channelOfPort.end();
      if (channel != channelOfPort.end())
        fields.set("hbm_channel", builder.getI64IntegerAttr(channel->second));
      refreshed.push_back(fields.getDictionary(kernel.getContext()));
    }
    process->setAttr("dataflow.dma", builder.getArrayAttr(refreshed));
  }
}

} // namespace

LogicalResult
streamtensor::assignHbmChannels(ArrayRef<HostFunctionRoles> functions,
                                const Platform &platform) {
  std::vector<hbm::ExternalBuffer> buffers;
  std::vector<RoledPort> ports;
  for (const HostFunctionRoles &function : functions) {
    func::FuncOp entry = function.entry;
    FailureOr<HostSteps> steps = getHostSteps(entry);
    if (failed(steps))
      return failure();
    for (const HostStep &step : steps->steps) {
      if (step.kernel.empty())
        continue;
      auto kernel = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          entry, StringAttr::get(entry.getContext(), step.kernel));
      if (!kernel)
        return entry.emitError("calls a kernel that is not defined "
                               "here: ")
               << step.kernel;
      for (auto [argument, binding] : llvm::enumerate(step.bindings)) {
        auto type = dyn_cast<MemRefType>(kernel.getArgumentTypes()[argument]);
        if (!type || binding.kind == HostBinding::Scalar)
          continue;
        BufferRole role = function.roleOf(binding);
        buffers.push_back({role.name, role.use,
                           getBufferBytes(type) * role.instances,
                           {kernel.getName().str()}});
        ports.push_back({kernel, unsigned(argument), role.name});
      }
    }
  }

  int64_t channels = std::max<int64_t>(1, platform.hbm.pseudoChannels);
  // A platform without a stated capacity is not checked.
  int64_t capacity = platform.getHbmCapacityBytes() > 0
                         ? platform.getHbmCapacityBytes() / channels
                         : std::numeric_limits<int64_t>::max();
  hbm::ChannelPlan plan = hbm::assignChannels(buffers, channels, capacity);
  if (!plan.error.empty())
    return func::FuncOp(functions.front().entry)
               .emitError("does not fit in the HBM of ")
           << platform.name << ": " << plan.error;
  for (RoledPort &port : ports) {
    Builder builder(port.kernel.getContext());
    hbm::ChannelRange range = plan.channelOf.at(port.role);
    port.kernel.setArgAttr(port.argument, "dataflow.hbm_channel",
                           builder.getI64IntegerAttr(range.first));
    if (range.count > 1)
      port.kernel.setArgAttr(port.argument, "dataflow.hbm_channel_count",
                             builder.getI64IntegerAttr(range.count));
  }
  for (const HostFunctionRoles &function : functions)
    for (auto kernel : SymbolTable::getNearestSymbolTable(function.entry)
                           ->getRegion(0)
                           .getOps<func::FuncOp>())
      if (kernel->hasAttr("dataflow.kernel"))
        refreshDmaChannels(kernel);
  return success();
}
