//===- LayerLoop.cpp - A block kernel that walks every layer itself -------===//

#include "streamtensor/Target/LayerLoop.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <map>
#include <set>

using namespace mlir;
using namespace streamtensor;

namespace {

DenseI64ArrayAttr getIndexArray(Builder &builder, ArrayRef<unsigned> values) {
  SmallVector<int64_t> wide(values.begin(), values.end());
  return builder.getDenseI64ArrayAttr(wide);
}

/// The argument indices of `field`, checked against the kernel's arity.
FailureOr<SmallVector<unsigned>> readIndices(func::FuncOp kernel,
                                             DictionaryAttr loop,
                                             StringRef field) {
  auto array = loop.getAs<DenseI64ArrayAttr>(field);
  if (!array)
    return kernel.emitError() << kLayerLoopAttrName << " has no '" << field
                              << "' array of argument indices";
  SmallVector<unsigned> indices;
  for (int64_t index : array.asArrayRef()) {
    if (index < 0 || index >= int64_t(kernel.getNumArguments()))
      return kernel.emitError()
             << kLayerLoopAttrName << "." << field << " names argument "
             << index << " of a kernel with " << kernel.getNumArguments();
    indices.push_back(unsigned(index));
  }
  return indices;
}

} // namespace

void streamtensor::setLayerLoop(func::FuncOp kernel, int64_t layers,
                                ArrayRef<unsigned> tablePorts,
                                ArrayRef<unsigned> activationInputs,
                                ArrayRef<unsigned> activationOutputs) {
  Builder builder(kernel.getContext());
  kernel->setAttr(
      kLayerLoopAttrName,
      builder.getDictionaryAttr(
          {builder.getNamedAttr("layers", builder.getI64IntegerAttr(layers)),
           builder.getNamedAttr("table_ports",
                                getIndexArray(builder, tablePorts)),
           builder.getNamedAttr("activation_inputs",
                                getIndexArray(builder, activationInputs)),
           builder.getNamedAttr("activation_outputs",
                                getIndexArray(builder, activationOutputs))}));
}

bool streamtensor::hasLayerLoop(func::FuncOp kernel) {
  return kernel->hasAttr(kLayerLoopAttrName);
}

FailureOr<LayerLoopPlan> streamtensor::getLayerLoopPlan(func::FuncOp kernel) {
  auto loop = kernel->getAttrOfType<DictionaryAttr>(kLayerLoopAttrName);
  if (!loop)
    return kernel.emitError() << "has no " << kLayerLoopAttrName;
  auto layers = loop.getAs<IntegerAttr>("layers");
  if (!layers || layers.getInt() < 1)
    return kernel.emitError()
           << kLayerLoopAttrName << " needs 'layers', at least 1";
  FailureOr<SmallVector<unsigned>> table =
      readIndices(kernel, loop, "table_ports");
  FailureOr<SmallVector<unsigned>> inputs =
      readIndices(kernel, loop, "activation_inputs");
  FailureOr<SmallVector<unsigned>> outputs =
      readIndices(kernel, loop, "activation_outputs");
  if (failed(table) || failed(inputs) || failed(outputs))
    return failure();
  return buildLayerLoopPlan(kernel, layers.getInt(), *table, *inputs,
                            *outputs);
}

FailureOr<LayerLoopPlan> streamtensor::buildLayerLoopPlan(
    func::FuncOp kernel, int64_t layers, ArrayRef<unsigned> tablePorts,
    ArrayRef<unsigned> activationInputs, ArrayRef<unsigned> activationOutputs) {
  LayerLoopPlan plan;
  plan.layers = layers;
  plan.tablePorts.assign(tablePorts.begin(), tablePorts.end());
  // Which process takes each argument.
  std::map<unsigned, std::set<unsigned>> processesOf;
  for (func::CallOp call : kernel.getOps<func::CallOp>()) {
    LayerLoopPlan::ProcessUse use{call, {}};
    for (auto [operandIndex, operand] : llvm::enumerate(call.getOperands())) {
      auto arg = dyn_cast<BlockArgument>(operand);
      if (!arg || arg.getOwner() != &kernel.getBody().front())
        continue;
      processesOf[arg.getArgNumber()].insert(plan.processes.size());
      for (auto [column, port] : llvm::enumerate(plan.tablePorts))
        if (port == arg.getArgNumber())
          use.tableOperands.push_back({unsigned(operandIndex),
                                       unsigned(column)});
    }
    plan.processes.push_back(std::move(use));
  }
  auto usersOf = [&](unsigned port) -> FailureOr<std::set<unsigned>> {
    auto it = processesOf.find(port);
    if (it == processesOf.end())
      return kernel.emitError() << kLayerLoopAttrName << " names argument "
                                << port << ", which no process uses";
    return it->second;
  };
  for (unsigned port : plan.tablePorts)
    if (failed(usersOf(port)))
      return failure();
  std::set<std::pair<unsigned, unsigned>> syncs;
  for (unsigned output : activationOutputs) {
    FailureOr<std::set<unsigned>> writers = usersOf(output);
    if (failed(writers))
      return failure();
    for (unsigned input : activationInputs) {
      FailureOr<std::set<unsigned>> readers = usersOf(input);
      if (failed(readers))
        return failure();
      for (unsigned writer : *writers)
        for (unsigned reader : *readers)
          if (writer != reader)
            syncs.insert({writer, reader});
    }
  }
  plan.syncs.assign(syncs.begin(), syncs.end());
  return plan;
}
