//===- FuseElementwise.cpp - Elementwise fusion that computes nothing twice ===//
//
// Upstream's elementwise fusion fuses every single-use producer, so a
// matmul's activation chain (a GELU and the int8 requantisation after it)
// ends up inside the matmul's payload, where it runs once per output
// column instead of once per element. In hardware that multiplies the
// operators, or the cycles, by the reuse. Here a producer is fused only
// where that costs nothing: into a consumer that reads each element once,
// or when its payload is wiring (casts, shifts, bit operations).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

/// True for ops that cost no arithmetic in hardware: integer casts, shifts
/// and bit operations, selects, constants, indices. Recomputing them per
/// reuse adds wires and a few LUTs, never a DSP or a pipeline stage.
bool isWiring(Operation &op) {
  return isa<arith::ConstantOp, arith::ExtSIOp, arith::ExtUIOp,
             arith::TruncIOp, arith::ShLIOp, arith::ShRSIOp, arith::ShRUIOp,
             arith::AndIOp, arith::OrIOp, arith::XOrIOp, arith::SelectOp,
             arith::BitcastOp, arith::IndexCastOp, linalg::IndexOp,
             linalg::YieldOp>(&op);
}

/// Whether the consumer of `operand` reads each element of it once: its
/// indexing map is a permutation of all the consumer's loops.
bool readsEachElementOnce(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  return consumer && consumer.getMatchingIndexingMap(operand).isPermutation();
}

/// Upstream's rule: the producer has no other user.
bool hasOneUseProducer(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  return producer && producer->hasOneUse();
}

bool shouldFuse(OpOperand *operand) {
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  if (!producer || !hasOneUseProducer(operand))
    return false;
  if (readsEachElementOnce(operand))
    return true;
  return llvm::all_of(producer.getRegion().front(), isWiring);
}

class FuseElementwisePass
    : public dataflow::impl::FuseElementwiseBase<FuseElementwisePass> {
public:
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                      hasOneUseProducer);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, hasOneUseProducer);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    // Not converging within the iteration limit leaves a correct, less
    // fused function: nothing to report.
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
