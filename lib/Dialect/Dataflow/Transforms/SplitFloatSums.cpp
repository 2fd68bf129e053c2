//===- SplitFloatSums.cpp - Float sums over several partial sums ----------===//
//
// A float sum into one element (a layer norm's mean or variance, a
// softmax's denominator) is a chain: every add waits for the previous one,
// so its pipelined loop takes one element per float-add latency (about 9
// cycles with the accumulator's load and store), and a decode step's two
// layer norms spend about 20K cycles a layer on 1024 elements each.
//
// Float addition does not reassociate exactly, so this changes the
// rounding, as PyTorch's own vectorised and pairwise CPU sums do: the
// loop adds element i into partial sum i mod P (P registers, the buffer
// partitioned completely), an add of each partial sum coming back after P
// iterations, and after the loops that accumulate into the element the P
// partial sums are added in a balanced tree to the element's value. HLS is
// told the partial sums' dependence distance (`dataflow.partial_sums`,
// emitted as a dependence pragma), and the task model takes it as the
// recurrence's distance.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_SPLITFLOATSUMS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// `buffer[indices] = buffer[indices] + x` in a pipelined loop, with the
/// loops it is split over.
struct FloatSum {
  memref::LoadOp load;
  arith::AddFOp add;
  memref::StoreOp store;
  /// The loops HLS flattens into the pipelined one (a perfect nest),
  /// outermost first.
  SmallVector<scf::ForOp> nest;
  /// The outermost loop in which the element is only this sum's: the
  /// partial sums start before it and are added up after it.
  scf::ForOp scope;
};

/// Whether every value of `values` is defined outside `loop`.
bool areDefinedOutside(ValueRange values, scf::ForOp loop) {
  return llvm::all_of(
      values, [&](Value value) { return loop.isDefinedOutsideOfLoop(value); });
}

/// Whether `loop`'s bounds and step are constants, with a trip.
bool hasConstantBounds(scf::ForOp loop) {
  return getConstantIntValue(loop.getLowerBound()) &&
         getConstantIntValue(loop.getStep()) &&
         perf::getConstantTripCount(loop).value_or(0) > 0;
}

/// Whether `buffer` is accessed in `loop` by nothing but `sum`'s load and
/// store.
bool onlySumAccesses(Value buffer, scf::ForOp loop, FloatSum &sum) {
  for (Operation *user : buffer.getUsers())
    if (loop->isAncestor(user) && user != sum.load.getOperation() &&
        user != sum.store.getOperation())
      return false;
  return true;
}

std::optional<FloatSum> matchSum(memref::StoreOp store, int64_t partials) {
  FloatSum sum;
  sum.store = store;
  sum.add = store.getValueToStore().getDefiningOp<arith::AddFOp>();
  auto loop = dyn_cast<scf::ForOp>(store->getParentOp());
  if (!sum.add || !sum.add->hasOneUse() || !loop ||
      perf::isFullyUnrolled(loop) ||
      !store.getMemRef().getDefiningOp<memref::AllocaOp>())
    return std::nullopt;
  for (Value operand : sum.add->getOperands()) {
    auto load = operand.getDefiningOp<memref::LoadOp>();
    if (load && load.getMemRef() == store.getMemRef() &&
        load.getIndices() == store.getIndices() &&
        load->getBlock() == store->getBlock() && load->hasOneUse())
      sum.load = load;
  }
  if (!sum.load || !areDefinedOutside(store.getIndices(), loop))
    return std::nullopt;
  if (!perf::isInnermostLoop(loop))
    return std::nullopt;

  sum.nest.push_back(loop);
  while (auto parent = dyn_cast<scf::ForOp>(sum.nest.front()->getParentOp())) {
    if (perf::getPerfectlyNested(parent) != sum.nest.front())
      break;
    sum.nest.insert(sum.nest.begin(), parent);
  }
  // A loop of the nest unrolled in part would put several updates in one
  // pipelined iteration, and the distance HLS is told would be too long.
  int64_t iterations = 1;
  for (scf::ForOp nested : sum.nest) {
    if (!hasConstantBounds(nested) || perf::getUnrollFactor(nested) != 1)
      return std::nullopt;
    iterations *= *perf::getConstantTripCount(nested);
  }
  // Too few iterations to win back the tree's adds.
  if (iterations < 2 * partials)
    return std::nullopt;

  Value buffer = store.getMemRef();
  sum.scope = sum.nest.front();
  if (!areDefinedOutside(store.getIndices(), sum.scope) ||
      !onlySumAccesses(buffer, sum.scope, sum))
    return std::nullopt;
  while (auto parent = dyn_cast<scf::ForOp>(sum.scope->getParentOp())) {
    if (!areDefinedOutside(store.getIndices(), parent) ||
        !onlySumAccesses(buffer, parent, sum))
      break;
    sum.scope = parent;
  }
  return sum;
}

class SplitFloatSumsPass
    : public dataflow::impl::SplitFloatSumsBase<SplitFloatSumsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    if (partials < 2 || !llvm::isPowerOf2_64(partials)) {
      getOperation().emitError("dataflow-split-float-sums: partials must be a "
                               "power of two of at least 2, got ")
          << static_cast<int64_t>(partials);
      return signalPassFailure();
    }
    getOperation().walk([&](func::FuncOp process) {
      // A process measured by csynth keeps the code its figures are of.
      if (!process->hasAttr("dataflow.process") ||
          process->hasAttr("dataflow.csynth"))
        return;
      SmallVector<FloatSum> sums;
      process.walk([&](memref::StoreOp store) {
        if (std::optional<FloatSum> sum = matchSum(store, partials))
          sums.push_back(*sum);
      });
      for (FloatSum &sum : sums)
        split(sum);
    });
  }

private:
  void split(FloatSum &sum) {
    Location loc = sum.store.getLoc();
    Type element = sum.add.getType();
    Value buffer = sum.store.getMemRef();
    SmallVector<Value> indices(sum.store.getIndices());
    OpBuilder b(sum.scope);
    auto index = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(b, loc, value);
    };

    // The partial sums, zero before the scope.
    auto partial = memref::AllocaOp::create(
        b, loc, MemRefType::get({partials}, element));
    partial->setAttr("dataflow.lanes", b.getI64IntegerAttr(partials));
    partial->setAttr("dataflow.partial_sums", b.getI64IntegerAttr(partials));
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
    auto clear = scf::ForOp::create(b, loc, index(0), index(partials), index(1));
    clear->setAttr("dataflow.unroll", b.getI64IntegerAttr(partials));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(clear.getBody()->getTerminator());
      memref::StoreOp::create(b, loc, zero, partial,
                              ValueRange{clear.getInductionVar()});
    }

    // In the pipelined loop: partial sum (flattened iteration) mod P.
    b.setInsertionPoint(sum.load);
    Value flat;
    for (scf::ForOp loop : sum.nest) {
      int64_t lower = *getConstantIntValue(loop.getLowerBound());
      int64_t step = *getConstantIntValue(loop.getStep());
      int64_t trips = *perf::getConstantTripCount(loop);
      Value iteration = loop.getInductionVar();
      if (lower != 0)
        iteration = arith::SubIOp::create(b, loc, iteration, index(lower));
      if (step != 1)
        iteration = arith::DivSIOp::create(b, loc, iteration, index(step));
      flat = flat ? arith::AddIOp::create(
                        b, loc, arith::MulIOp::create(b, loc, flat, index(trips)),
                        iteration)
                  : iteration;
    }
    Value lane = arith::AndIOp::create(b, loc, flat, index(partials - 1));
    sum.load.getMemrefMutable().assign(partial);
    sum.load.getIndicesMutable().assign(ValueRange{lane});
    sum.store.getMemrefMutable().assign(partial);
    sum.store.getIndicesMutable().assign(ValueRange{lane});

    // After the scope: the element plus the partial sums, added in a tree.
    b.setInsertionPointAfter(sum.scope);
    SmallVector<Value> terms;
    for (int64_t term = 0; term < partials; ++term)
      terms.push_back(
          memref::LoadOp::create(b, loc, partial, ValueRange{index(term)}));
    while (terms.size() > 1) {
      SmallVector<Value> next;
      for (size_t i = 0; i + 1 < terms.size(); i += 2)
        next.push_back(arith::AddFOp::create(b, loc, terms[i], terms[i + 1]));
      terms = std::move(next);
    }
    Value before = memref::LoadOp::create(b, loc, buffer, indices);
    Value total = arith::AddFOp::create(b, loc, before, terms.front());
    memref::StoreOp::create(b, loc, total, buffer, indices);
  }
};

} // namespace
