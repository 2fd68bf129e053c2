//===- UnrollResets.cpp - Clear a buffer a bank each per cycle ------------===//
//
// A matmul clears its accumulator before each output tile. The unrolling
// (dataflow-unroll-by-intensity) gives that reset only lanes that keep the
// buffer's banks as they are, and at that point the loop that writes the
// tile out still moves an element or two a cycle; widening the FIFOs then
// gives that loop 16 lanes, and the buffer the banks for them. GPT-2
// Medium's prefill fc1 cleared its 4096 accumulators 4 a cycle, 1024
// cycles in each of its 32 output tiles, beside a 16-bank buffer. Here each
// loop of the reset that walks a dimension takes that dimension's
// partition factor: one element of every bank a cycle, no new bank and no
// operator.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/MapVector.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_UNROLLRESETS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

/// The loops of the nest `outer` starts when it is a reset: each loop's
/// body is the next loop alone, the innermost's one store of a constant
/// into a local buffer, at an address whose every index is a constant or
/// the induction variable of one of the loops (each loop from 0 by 1, its
/// variable indexing one dimension). Empty otherwise.
SmallVector<scf::ForOp> getResetNest(scf::ForOp outer, memref::StoreOp &store) {
  SmallVector<scf::ForOp> nest = {outer};
  while (true) {
    Block *body = nest.back().getBody();
    if (!llvm::hasSingleElement(body->without_terminator()))
      return {};
    Operation &only = body->front();
    if (auto inner = dyn_cast<scf::ForOp>(only)) {
      nest.push_back(inner);
      continue;
    }
    store = dyn_cast<memref::StoreOp>(only);
    break;
  }
  if (!store || !store.getMemRef().getDefiningOp<memref::AllocaOp>() ||
      !store.getValueToStore().getDefiningOp<arith::ConstantOp>())
    return {};
  for (scf::ForOp loop : nest) {
    std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    if (lower != 0 || step != 1 || !perf::getConstantTripCount(loop))
      return {};
    if (llvm::count(store.getIndices(), loop.getInductionVar()) != 1)
      return {};
  }
  for (Value index : store.getIndices())
    if (!getConstantIntValue(index) &&
        !llvm::any_of(nest, [&](scf::ForOp loop) {
          return loop.getInductionVar() == index;
        }))
      return {};
  return nest;
}

class UnrollResetsPass
    : public dataflow::impl::UnrollResetsBase<UnrollResetsPass> {
public:
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp process) {
      // A process measured by csynth keeps the code its figures are of.
      if (!process->hasAttr("dataflow.process") ||
          process->hasAttr("dataflow.csynth"))
        return;
      perf::PartitionFactors banks = perf::getPartitionFactors(process);
      // Every loop may start a reset nest; the inner loops of one are
      // found again from each loop around them, with the same factors.
      llvm::MapVector<Operation *, int64_t> factors;
      process.walk([&](scf::ForOp outer) {
        memref::StoreOp store;
        for (scf::ForOp loop : getResetNest(outer, store)) {
          unsigned dim =
              llvm::find(store.getIndices(), loop.getInductionVar()) -
              store.getIndices().begin();
          auto found = banks.find({store.getMemRef().getDefiningOp(), dim});
          if (found == banks.end())
            continue;
          int64_t trips = *perf::getConstantTripCount(loop);
          if (found->second > perf::getUnrollFactor(loop) &&
              trips % found->second == 0)
            factors[loop] = found->second;
        }
      });
      for (auto [loop, factor] : factors)
        loop->setAttr("dataflow.unroll",
                      Builder(loop->getContext()).getI64IntegerAttr(factor));
    });
  }
};

} // namespace
