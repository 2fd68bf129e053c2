//===- StreamUtils.cpp - Helpers for passes on lowered kernels ------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace streamtensor::dataflow;

void streamtensor::dataflow::retypeStream(StreamOp stream, StreamType type) {
  stream.getResult().setType(type);
  for (OpOperand &use : stream.getResult().getUses()) {
    auto call = dyn_cast<func::CallOp>(use.getOwner());
    if (!call)
      continue;
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!callee || callee.isExternal())
      continue;
    unsigned index = use.getOperandNumber();
    callee.getBody().front().getArgument(index).setType(type);
    SmallVector<Type> inputs(callee.getArgumentTypes());
    inputs[index] = type;
    callee.setFunctionType(FunctionType::get(callee.getContext(), inputs,
                                             callee.getResultTypes()));
  }
}

llvm::MapVector<Value, int64_t>
streamtensor::dataflow::countFifoAccesses(Block &block) {
  llvm::MapVector<Value, int64_t> accesses;
  block.walk([&](Operation *op) {
    if (auto read = dyn_cast<StreamReadOp>(op))
      ++accesses[read.getStream()];
    else if (auto write = dyn_cast<StreamWriteOp>(op))
      ++accesses[write.getStream()];
    else if (auto acquire = dyn_cast<BlockAcquireOp>(op))
      ++accesses[acquire.getBuffer()];
  });
  return accesses;
}

mlir::Value streamtensor::dataflow::getAccessedMemRef(mlir::Operation *op) {
  if (auto load = llvm::dyn_cast<mlir::memref::LoadOp>(op))
    return load.getMemRef();
  if (auto store = llvm::dyn_cast<mlir::memref::StoreOp>(op))
    return store.getMemRef();
  if (auto load = llvm::dyn_cast<mlir::vector::LoadOp>(op))
    return load.getBase();
  if (auto store = llvm::dyn_cast<mlir::vector::StoreOp>(op))
    return store.getBase();
  return {};
}
