//===- StreamUtils.h - Helpers for passes on lowered kernels ----*- C++ -*-===//

#ifndef STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_STREAMUTILS_H
#define STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_STREAMUTILS_H

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "llvm/ADT/MapVector.h"

namespace streamtensor::dataflow {

/// Gives `stream` a new type, and the parameters of the process functions
/// it is passed to as well.
void retypeStream(StreamOp stream, StreamType type);

/// The FIFOs `block` and the blocks inside it access (streams read or
/// written, ping-pong buffers whose blocks are acquired), each with the
/// number of its accesses, in the order first met. The task model takes
/// the same number of tokens of every FIFO of a pipelined loop per
/// iteration.
llvm::MapVector<mlir::Value, int64_t> countFifoAccesses(mlir::Block &block);

/// The memory a memref or vector load or store accesses; null for any
/// other op.
mlir::Value getAccessedMemRef(mlir::Operation *op);

} // namespace streamtensor::dataflow

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_STREAMUTILS_H
