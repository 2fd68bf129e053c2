//===- FloatSums.h - Float sums that partial sums can pipeline --*- C++ -*-===//
//
// A float sum into one element (a layer norm's mean or variance, a
// softmax's denominator) is a chain of dependent adds. dataflow-split-float-
// sums spreads it over partial sums; the unroller, which runs before it,
// unrolls such a sum on the promise of that split, and the task model
// prices the sum as split. All three ask the one matcher below, so that
// what is priced is what is built.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_PERFORMANCE_FLOATSUMS_H
#define STREAMTENSOR_PERFORMANCE_FLOATSUMS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <optional>

namespace streamtensor::perf {

/// Partial sums per update of a split sum's pipelined iteration: at least
/// the cycles of a float add's chain with its load and store (about 9), so
/// that each partial sum comes back after its add is done.
constexpr int64_t kPartialsPerUpdate = 16;

/// `buffer[indices] = buffer[indices] + x` in a pipelined loop, whose
/// element does not change in the loops that accumulate into it.
struct FloatSum {
  mlir::memref::LoadOp load;
  mlir::arith::AddFOp add;
  mlir::memref::StoreOp store;
  /// The loops HLS flattens into the pipelined one (a perfect nest),
  /// outermost first; the last is the pipelined loop.
  llvm::SmallVector<mlir::scf::ForOp> nest;
  /// The loops unrolled completely between the pipelined loop and the
  /// store, outermost first: each iteration of the pipelined loop makes
  /// their trips' product of updates.
  llvm::SmallVector<mlir::scf::ForOp> lanes;
  /// The outermost loop in which the element is only this sum's: the
  /// partial sums start before it and are added up after it.
  mlir::scf::ForOp scope;
  /// Updates per iteration of the pipelined loop: its unroll factor times
  /// the lanes' trips.
  int64_t updatesPerIteration = 1;
  /// Updates of the element per run of the scope.
  int64_t updates = 1;
  /// The partial sums: a power of two, at least `partialsPerUpdate` per
  /// update of an iteration, so that each comes back after that many
  /// iterations.
  int64_t partials = 1;
};

/// The float sum `store` ends, when dataflow-split-float-sums splits it
/// into `partialsPerUpdate` partial sums per update of an iteration: its
/// buffer a local one that nothing else in the scope touches, every loop
/// of the nest with constant bounds (only the pipelined one unrolled, in
/// part), and at least max(2, updates per iteration) times as many updates
/// as partial sums. (Fewer would not win back the partial sums' adds,
/// about one a cycle after the loops: the unrolled sum is fastest when the
/// partial sums are as many as the iterations left, a square root's
/// balance.)
std::optional<FloatSum>
matchFloatSum(mlir::memref::StoreOp store,
              int64_t partialsPerUpdate = kPartialsPerUpdate);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_PERFORMANCE_FLOATSUMS_H
