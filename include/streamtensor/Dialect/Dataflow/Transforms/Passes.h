//===- Passes.h - Passes of the dataflow dialect ---------------*- C++ -*-===//

#ifndef STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_H
#define STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_H

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace streamtensor::dataflow {

#define GEN_PASS_DECL
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"

} // namespace streamtensor::dataflow

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_H
