//===- FloatSums.cpp - Float sums that partial sums can pipeline ----------===//

#include "streamtensor/Performance/FloatSums.h"

#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace streamtensor;

namespace {

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
bool onlySumAccesses(Value buffer, scf::ForOp loop, perf::FloatSum &sum) {
  for (Operation *user : buffer.getUsers())
    if (loop->isAncestor(user) && user != sum.load.getOperation() &&
        user != sum.store.getOperation())
      return false;
  return true;
}

} // namespace

std::optional<perf::FloatSum> perf::matchFloatSum(memref::StoreOp store,
                                                  int64_t partialsPerUpdate) {
  FloatSum sum;
  sum.store = store;
  sum.add = store.getValueToStore().getDefiningOp<arith::AddFOp>();
  if (!sum.add || !sum.add->hasOneUse() ||
      !store.getMemRef().getDefiningOp<memref::AllocaOp>() ||
      store.getMemRef().getDefiningOp()->hasAttr("dataflow.partial_sums"))
    return std::nullopt;
  for (Value operand : sum.add->getOperands()) {
    auto load = operand.getDefiningOp<memref::LoadOp>();
    if (load && load.getMemRef() == store.getMemRef() &&
        load.getIndices() == store.getIndices() &&
        load->getBlock() == store->getBlock() && load->hasOneUse())
      sum.load = load;
  }
  if (!sum.load)
    return std::nullopt;

  // From the store up: the loops unrolled completely (each of its
  // iterations in every iteration of the loop around), then the pipelined
  // loop. Anything else in between (a condition) would skip updates.
  Operation *parent = store->getParentOp();
  scf::ForOp pipelined;
  while (auto loop = dyn_cast_or_null<scf::ForOp>(parent)) {
    if (!perf::isFullyUnrolled(loop)) {
      pipelined = loop;
      break;
    }
    if (!hasConstantBounds(loop))
      return std::nullopt;
    sum.lanes.insert(sum.lanes.begin(), loop);
    parent = loop->getParentOp();
  }
  if (!pipelined || !perf::isInnermostLoop(pipelined) ||
      !areDefinedOutside(store.getIndices(), pipelined))
    return std::nullopt;

  sum.nest.push_back(pipelined);
  while (auto outer = dyn_cast<scf::ForOp>(sum.nest.front()->getParentOp())) {
    if (perf::getPerfectlyNested(outer) != sum.nest.front())
      break;
    sum.nest.insert(sum.nest.begin(), outer);
  }
  // Only the pipelined loop may be unrolled in part: an outer loop of the
  // nest unrolled would repeat the pipelined one, not its updates.
  for (scf::ForOp loop : sum.nest) {
    if (!hasConstantBounds(loop) ||
        (loop != pipelined && perf::getUnrollFactor(loop) != 1))
      return std::nullopt;
    sum.updates *= *perf::getConstantTripCount(loop);
  }
  int64_t unroll = perf::getUnrollFactor(pipelined);
  if (*perf::getConstantTripCount(pipelined) % unroll != 0)
    return std::nullopt;
  sum.updatesPerIteration = unroll;
  for (scf::ForOp lane : sum.lanes) {
    int64_t trips = *perf::getConstantTripCount(lane);
    sum.updatesPerIteration *= trips;
    sum.updates *= trips;
  }
  Value buffer = store.getMemRef();
  sum.scope = sum.nest.front();
  if (!areDefinedOutside(store.getIndices(), sum.scope) ||
      !onlySumAccesses(buffer, sum.scope, sum))
    return std::nullopt;
  while (auto outer = dyn_cast<scf::ForOp>(sum.scope->getParentOp())) {
    if (!areDefinedOutside(store.getIndices(), outer) ||
        !onlySumAccesses(buffer, outer, sum))
      break;
    sum.scope = outer;
    // The nest runs once per iteration of the loops around it up to the
    // scope, all adding into the same partial sums.
    sum.updates *= perf::getConstantTripCount(outer).value_or(1);
  }

  sum.partials = int64_t(llvm::PowerOf2Ceil(
      uint64_t(partialsPerUpdate * sum.updatesPerIteration)));
  if (sum.updates <
      std::max<int64_t>(2, sum.updatesPerIteration) * sum.partials)
    return std::nullopt;
  return sum;
}
