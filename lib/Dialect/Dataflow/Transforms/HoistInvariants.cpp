//===- HoistInvariants.cpp - Float invariants before their loop -----------===//
//
// The task model prices an op whose operands a pipelined nest does not
// change as one operator, but its latency still lengthens the pipeline's
// depth, paid on every run of the nest: a decode layer norm's elementwise
// loop runs once per tile, 8 times for GPT-2 Medium's 1,024 elements at
// tile 64, each time waiting for the 1 / sqrt(variance / n + eps) of the
// whole row. Computed once before the loop, the chain costs its latency
// once per row, in the emitted code as in the estimate.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_HOISTINVARIANTS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;

namespace {

/// Whether `op` is float arithmetic worth taking out of a loop: an arith
/// or math op with a float result (not a constant).
bool isFloatArithmetic(Operation *op) {
  if (isa<arith::ConstantOp>(op) || op->getNumResults() != 1 ||
      !isa<FloatType>(op->getResult(0).getType()))
    return false;
  return isa<arith::ArithDialect, math::MathDialect>(op->getDialect());
}

/// Whether every use of `memory` inside `loop` only reads it.
bool isReadOnlyIn(Value memory, scf::ForOp loop) {
  for (Operation *user : memory.getUsers())
    if (loop->isAncestor(user) && !isa<memref::LoadOp>(user))
      return false;
  return true;
}

/// The ops inside `loop` (at any depth, in order) that compute the same
/// value in every iteration: pure ops without regions and loads of buffers
/// the loop only reads, whose operands come from outside the loop or from
/// other such ops.
llvm::SetVector<Operation *> findInvariants(scf::ForOp loop) {
  llvm::SetVector<Operation *> invariant;
  auto isInvariant = [&](Value value) {
    if (Operation *def = value.getDefiningOp())
      if (invariant.contains(def))
        return true;
    return loop.isDefinedOutsideOfLoop(value);
  };
  loop.getBody()->walk([&](Operation *op) {
    bool candidate = isPure(op) && op->getNumRegions() == 0;
    if (auto load = dyn_cast<memref::LoadOp>(op))
      candidate = isReadOnlyIn(load.getMemRef(), loop);
    if (candidate && llvm::all_of(op->getOperands(), isInvariant))
      invariant.insert(op);
  });
  return invariant;
}

/// Moves before `loop` its invariant float arithmetic and what that reads
/// inside the loop; returns whether anything moved.
bool hoistFloatInvariants(scf::ForOp loop) {
  llvm::SetVector<Operation *> invariant = findInvariants(loop);
  DenseSet<Operation *> moving;
  SmallVector<Operation *> worklist;
  for (Operation *op : invariant)
    if (isFloatArithmetic(op))
      worklist.push_back(op);
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!moving.insert(op).second)
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        if (invariant.contains(def))
          worklist.push_back(def);
  }
  // In their order in the loop, so that each comes after what it reads.
  for (Operation *op : invariant)
    if (moving.contains(op))
      op->moveBefore(loop);
  return !moving.empty();
}

/// Whether `loop` is its parent loop's only op: the two are a perfect
/// nest, which HLS flattens into one pipeline.
bool isPerfectlyNestedIn(scf::ForOp loop) {
  auto parent = dyn_cast<scf::ForOp>(loop->getParentOp());
  return parent &&
         llvm::hasSingleElement(parent.getBody()->without_terminator());
}

class HoistInvariantsPass
    : public streamtensor::dataflow::impl::HoistInvariantsBase<
          HoistInvariantsPass> {
public:
  void runOnOperation() override {
    // Outermost loops first: a chain leaves the outermost loop it does
    // not depend on, in one move.
    SmallVector<scf::ForOp> loops;
    getOperation().walk<WalkOrder::PreOrder>(
        [&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      if (!isPerfectlyNestedIn(loop))
        hoistFloatInvariants(loop);
  }
};

} // namespace
