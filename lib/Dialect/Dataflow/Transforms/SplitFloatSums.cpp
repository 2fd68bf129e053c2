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
// loop adds update i into partial sum i mod P (P registers, the buffer
// partitioned completely), and after the loops that accumulate into the
// element the P partial sums are added up to the element's value. HLS is
// told the partial sums' dependence distance (`dataflow.partial_sums`,
// emitted as a dependence pragma), and the task model takes it as the
// recurrence's distance.
//
// A sum the unroller unrolled (perf::matchFloatSum, which it and the task
// model ask too) makes several updates per iteration: P is then `partials`
// per update, so that each partial sum still comes back after `partials`
// iterations, and after the loops the P partial sums are first folded into
// `partials` of them, one add a cycle, before the tree.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Performance/FloatSums.h"
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
      SmallVector<perf::FloatSum> sums;
      process.walk([&](memref::StoreOp store) {
        if (std::optional<perf::FloatSum> sum =
                perf::matchFloatSum(store, partials))
          sums.push_back(*sum);
      });
      for (perf::FloatSum &sum : sums)
        split(sum);
    });
  }

private:
  /// A buffer of `count` partial sums of `element`, each of which comes
  /// back after `count` updates, set to zero at the builder's point.
  Value createPartialSums(OpBuilder &b, Location loc, Type element,
                          int64_t count) {
    auto buffer =
        memref::AllocaOp::create(b, loc, MemRefType::get({count}, element));
    buffer->setAttr("dataflow.lanes", b.getI64IntegerAttr(count));
    buffer->setAttr("dataflow.partial_sums", b.getI64IntegerAttr(count));
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
    auto clear =
        scf::ForOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, 0),
                           arith::ConstantIndexOp::create(b, loc, count),
                           arith::ConstantIndexOp::create(b, loc, 1));
    clear->setAttr("dataflow.unroll", b.getI64IntegerAttr(count));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(clear.getBody()->getTerminator());
    memref::StoreOp::create(b, loc, zero, buffer,
                            ValueRange{clear.getInductionVar()});
    return buffer;
  }

  void split(perf::FloatSum &sum) {
    Location loc = sum.store.getLoc();
    Type element = sum.add.getType();
    Value buffer = sum.store.getMemRef();
    SmallVector<Value> indices(sum.store.getIndices());
    OpBuilder b(sum.scope);
    auto index = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(b, loc, value);
    };

    Value partial = createPartialSums(b, loc, element, sum.partials);

    // In the pipelined loop: the update's number (its iteration of the
    // nest, then of the lanes) mod P. An iteration's updates have
    // consecutive numbers, so they go to different partial sums, each of
    // which comes back after P / (updates per iteration) iterations.
    b.setInsertionPoint(sum.load);
    Value flat;
    SmallVector<scf::ForOp> loops(sum.nest);
    loops.append(sum.lanes.begin(), sum.lanes.end());
    for (scf::ForOp loop : loops) {
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
    Value lane = arith::AndIOp::create(b, loc, flat, index(sum.partials - 1));
    sum.load.getMemrefMutable().assign(partial);
    sum.load.getIndicesMutable().assign(ValueRange{lane});
    sum.store.getMemrefMutable().assign(partial);
    sum.store.getIndicesMutable().assign(ValueRange{lane});

    // After the scope, more partial sums than `partials` (an unrolled
    // sum's) are first folded into `partials` of them, one add a cycle:
    // folded[j] += partial[i * partials + j], each folded sum coming back
    // after `partials` iterations; then a balanced tree adds those to the
    // element's value.
    b.setInsertionPointAfter(sum.scope);
    Value terms = partial;
    if (sum.partials > partials) {
      terms = createPartialSums(b, loc, element, partials);
      Value zero = index(0), one = index(1), groupSize = index(partials);
      auto groups =
          scf::ForOp::create(b, loc, zero, index(sum.partials / partials), one);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(groups.getBody()->getTerminator());
      auto members = scf::ForOp::create(b, loc, zero, groupSize, one);
      b.setInsertionPoint(members.getBody()->getTerminator());
      Value member = members.getInductionVar();
      Value source = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(b, loc, groups.getInductionVar(), groupSize),
          member);
      Value addend =
          memref::LoadOp::create(b, loc, partial, ValueRange{source});
      Value before = memref::LoadOp::create(b, loc, terms, ValueRange{member});
      memref::StoreOp::create(b, loc,
                              arith::AddFOp::create(b, loc, before, addend),
                              terms, ValueRange{member});
      b.setInsertionPointAfter(groups);
    }
    SmallVector<Value> values;
    for (int64_t term = 0; term < partials; ++term)
      values.push_back(
          memref::LoadOp::create(b, loc, terms, ValueRange{index(term)}));
    while (values.size() > 1) {
      SmallVector<Value> next;
      for (size_t i = 0; i + 1 < values.size(); i += 2)
        next.push_back(arith::AddFOp::create(b, loc, values[i], values[i + 1]));
      values = std::move(next);
    }
    Value before = memref::LoadOp::create(b, loc, buffer, indices);
    Value total = arith::AddFOp::create(b, loc, before, values.front());
    memref::StoreOp::create(b, loc, total, buffer, indices);
  }
};

} // namespace
