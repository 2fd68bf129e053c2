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

int64_t streamtensor::dataflow::chooseTileSize(int64_t range, int64_t maxTile) {
  for (int64_t size = std::min(range, maxTile); size > 1; --size)
    if (range % size == 0)
      return size;
  return 1;
}

void streamtensor::dataflow::capIntegerReductionTiles(
    ArrayRef<int64_t> ranges, ArrayRef<utils::IteratorType> iterators,
    int64_t maxTile, MutableArrayRef<int64_t> tileSizes) {
  int64_t leaves = kMaxAdderTreeLeaves;
  for (int loop = int(iterators.size()) - 1; loop >= 0; --loop) {
    if (iterators[loop] == utils::IteratorType::parallel)
      continue;
    tileSizes[loop] = chooseTileSize(ranges[loop], std::min(maxTile, leaves));
    leaves = std::max<int64_t>(1, leaves / tileSizes[loop]);
  }
}
