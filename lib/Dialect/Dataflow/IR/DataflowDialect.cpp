//===- DataflowDialect.cpp - The dataflow dialect -------------------------===//

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

using namespace mlir;
using namespace streamtensor::dataflow;

#include "streamtensor/Dialect/Dataflow/IR/DataflowOpsDialect.cpp.inc"

void DataflowDialect::initialize() {
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "streamtensor/Dialect/Dataflow/IR/DataflowOps.cpp.inc"
      >();
}
