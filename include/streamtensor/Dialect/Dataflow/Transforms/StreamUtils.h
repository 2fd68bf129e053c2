//===- StreamUtils.h - Helpers for passes on lowered kernels ----*- C++ -*-===//

#ifndef STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_STREAMUTILS_H
#define STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_STREAMUTILS_H

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

namespace streamtensor::dataflow {

/// Gives `stream` a new type, and the parameters of the process functions
/// it is passed to as well.
void retypeStream(StreamOp stream, StreamType type);

} // namespace streamtensor::dataflow

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_STREAMUTILS_H
