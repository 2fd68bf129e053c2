//===- AdderTree.h - Integer reductions summed by adder trees ---*- C++ -*-===//
//
// An integer sum may be reassociated, so an unrolled one becomes an adder
// tree in HLS (expression balancing is on for integers). Tiling caps such
// a reduction per tile (dataflow-convert-linalg-to-kernel) and the lowering
// puts it innermost (dataflow-lower-kernel-to-func), where unrolling turns
// it into one tree while a parallel loop stays pipelined.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_ADDERTREE_H
#define STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_ADDERTREE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cstdint>

namespace streamtensor::dataflow {

/// The most elements of a tile's integer reduction, summed by one adder
/// tree: the int4 weights of a 64-byte token, so that a decode step's
/// pipelined loop takes one weight token per iteration
/// (dataflow-fuse-tile-reads).
constexpr int64_t kMaxAdderTreeLeaves = 128;

/// Whether every value `op` accumulates is combined by integer additions:
/// such a reduction may run in any order.
bool accumulatesIntegers(mlir::linalg::LinalgOp op);

/// The largest divisor of `range` that is at most `maxTile`: the tile size
/// the tiling gives a loop.
int64_t chooseTileSize(int64_t range, int64_t maxTile);

/// Sets the reduction loops' entries of `tileSizes` for an integer
/// reduction whose loops have `ranges` and `iterators`: at most one adder
/// tree's leaves per tile in all, innermost loop first, each loop the
/// largest divisor of its range within `maxTile` and the leaves left.
/// Parallel loops' entries stay as they are.
void capIntegerReductionTiles(llvm::ArrayRef<int64_t> ranges,
                              llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                              int64_t maxTile,
                              llvm::MutableArrayRef<int64_t> tileSizes);

} // namespace streamtensor::dataflow

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_ADDERTREE_H
