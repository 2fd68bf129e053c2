//===- Dataflow.h - The dataflow dialect, its types and ops ----*- C++ -*-===//

#ifndef STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOW_H
#define STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOW_H

#include "streamtensor/Analysis/StreamLayout.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "streamtensor/Dialect/Dataflow/IR/DataflowOpsDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "streamtensor/Dialect/Dataflow/IR/DataflowOpsTypes.h.inc"

#define GET_OP_CLASSES
#include "streamtensor/Dialect/Dataflow/IR/DataflowOps.h.inc"

#endif // STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOW_H
