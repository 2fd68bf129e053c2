//===- AdderTree.cpp - Integer reductions summed by adder trees -----------===//

#include "streamtensor/Dialect/Dataflow/Transforms/AdderTree.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

bool streamtensor::dataflow::accumulatesIntegers(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0 || !op.getBlock())
    return false;
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  for (auto [index, value] : llvm::enumerate(yield.getValues())) {
    auto add = value.getDefiningOp<arith::AddIOp>();
    if (!add)
      return false;
    BlockArgument accumulator = op.getRegionOutputArgs()[index];
    if (add.getLhs() != accumulator && add.getRhs() != accumulator)
      return false;
  }
  return true;
}
