//===- PackMacs.cpp - Two MACs that share an activation in one DSP --------===//
//
// A DSP48E2 multiplies a 27-bit operand by an 18-bit one (UG579); a
// quantized matmul's MAC multiplies an 8-bit activation by a 4- or 8-bit
// weight, so most of the multiplier idles. Two output columns of one row
// share the activation (WP486): with w0 and w1 the two columns' weights,
//
//   a * (w0 * 2^16 + w1) = (a * w0) * 2^16 + a * w1,
//
// and |a * w1| <= 2^14: with 2^15 added, the low 16 bits hold a * w1 +
// 2^15 and the rest is a * w0. Both fit a 32-bit int: one DSP48E2 (its
// pre-adder packs the weights, its post-adder adds the bias), two MACs.
// The sums stay 32-bit and exact, so the results do not change.
//
// On a matmul's lowered nest, before the unrolling: the innermost loop
// around the MAC whose index the accumulator follows (its output columns)
// goes by two, the second column's weight is recomputed beside the first,
// and the two accumulator updates become a loop of two, unrolled
// completely. Only when the platform packs that MAC two per DSP
// (`dspPacking`), so the model prices what the emitted code does, and the
// unrolling then spends the DSPs saved.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_PACKMACS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;

namespace {

/// acc[i] = acc[i] + a * w, in the loop over the output columns.
struct Mac {
  memref::StoreOp store;
  arith::AddIOp sum;
  memref::LoadOp old;
  arith::MulIOp product;
  /// The product's operand that is the same for every column (the
  /// activation) and the one that is not (the weight).
  Value shared, weight;
  scf::ForOp columns;
};

/// Whether the ops that compute `value` from `iv` can be computed again
/// for another column: loads and pure ops without regions.
bool canRecompute(Value value, Value iv) {
  if (value == iv || !perf::dependsOn(value, iv))
    return true;
  Operation *def = value.getDefiningOp();
  if (!def || def->getNumRegions() ||
      !(isa<memref::LoadOp>(def) || isMemoryEffectFree(def)))
    return false;
  return llvm::all_of(def->getOperands(),
                      [&](Value operand) { return canRecompute(operand, iv); });
}

/// `value` for the column `map` maps the induction variable to: the ops
/// that compute it from the variable, cloned at `builder`.
Value recompute(Value value, Value iv, IRMapping &map, OpBuilder &builder) {
  if (map.contains(value))
    return map.lookup(value);
  if (!perf::dependsOn(value, iv))
    return value;
  Operation *def = value.getDefiningOp();
  for (Value operand : def->getOperands())
    recompute(operand, iv, map, builder);
  builder.clone(*def, map);
  return map.lookup(value);
}

/// Whether the weights of `mac` are each used by several of its output
/// rows: a loop around it that its accumulator's address follows, that the
/// weight does not depend on, and in which nothing writes the memories the
/// weight is loaded from (a prefill's token rows over a weight tile). A
/// weight used once (a decode step's) comes at its stream's pace: two MACs
/// a DSP would only add adders that wait for it.
bool isWeightReused(const Mac &mac) {
  SmallVector<Value> memories;
  SmallVector<Value> worklist = {mac.weight};
  DenseSet<Value> visited;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    Operation *def = value.getDefiningOp();
    if (!visited.insert(value).second || !def)
      continue;
    if (auto load = dyn_cast<memref::LoadOp>(def))
      memories.push_back(load.getMemRef());
    llvm::append_range(worklist, def->getOperands());
  }
  for (Operation *parent = mac.columns->getParentOp(); parent;
       parent = parent->getParentOp()) {
    auto rows = dyn_cast<scf::ForOp>(parent);
    if (!rows)
      break;
    std::optional<int64_t> trips = perf::getConstantTripCount(rows);
    if (!trips || *trips < 2 ||
        !perf::addressFollows(mac.store, rows.getInductionVar()) ||
        perf::dependsOn(mac.weight, rows.getInductionVar()))
      continue;
    bool unchanged = llvm::all_of(memories, [&](Value memory) {
      if (rows->isAncestor(memory.getParentRegion()->getParentOp()))
        return false;
      // An op that may write without saying where counts as writing it.
      bool written = false;
      rows.getBody()->walk([&](Operation *op) {
        auto effects = dyn_cast<MemoryEffectOpInterface>(op);
        if (!effects) {
          written |= !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>();
          return;
        }
        SmallVector<MemoryEffects::EffectInstance> writes;
        effects.getEffects<MemoryEffects::Write>(writes);
        for (const MemoryEffects::EffectInstance &write : writes)
          written |= !write.getValue() || write.getValue() == memory;
      });
      return !written;
    });
    if (unchanged)
      return true;
  }
  return false;
}

/// The MAC `store` ends, when two of its columns can share a multiply.
std::optional<Mac> matchMac(memref::StoreOp store) {
  Mac mac;
  mac.store = store;
  mac.sum = store.getValueToStore().getDefiningOp<arith::AddIOp>();
  if (!mac.sum || !mac.sum.getType().isInteger(32) ||
      !store.getMemRef().getDefiningOp<memref::AllocaOp>())
    return std::nullopt;
  for (auto [first, second] : {std::pair(mac.sum.getLhs(), mac.sum.getRhs()),
                               std::pair(mac.sum.getRhs(), mac.sum.getLhs())}) {
    auto old = first.getDefiningOp<memref::LoadOp>();
    if (old && old.getMemRef() == store.getMemRef() &&
        old.getIndices() == store.getIndices()) {
      mac.old = old;
      mac.product = second.getDefiningOp<arith::MulIOp>();
      break;
    }
  }
  if (!mac.old || !mac.product || !mac.old->hasOneUse() ||
      !mac.sum->hasOneUse() || !mac.product->hasOneUse() ||
      mac.product->hasAttr(perf::kPackedMacAttr))
    return std::nullopt;
  // |a * w1| <= 2^14 fits the low 16 bits.
  if (perf::getSignificantBits(mac.product.getLhs()) > 8 ||
      perf::getSignificantBits(mac.product.getRhs()) > 8)
    return std::nullopt;

  // The output columns: the innermost loop the accumulator's address
  // follows; the loops inside it sum.
  for (Operation *parent = store->getParentOp(); parent;
       parent = parent->getParentOp()) {
    auto loop = dyn_cast<scf::ForOp>(parent);
    if (!loop)
      return std::nullopt;
    if (perf::addressFollows(store, loop.getInductionVar())) {
      mac.columns = loop;
      break;
    }
  }
  scf::ForOp columns = mac.columns;
  std::optional<int64_t> trips = perf::getConstantTripCount(columns);
  if (!trips || *trips % 2 || getConstantIntValue(columns.getStep()) != 1 ||
      columns.getNumRegionIterArgs() || columns->hasAttr("dataflow.unroll"))
    return std::nullopt;
  Value iv = columns.getInductionVar();
  bool lhsVaries = perf::dependsOn(mac.product.getLhs(), iv);
  bool rhsVaries = perf::dependsOn(mac.product.getRhs(), iv);
  if (lhsVaries == rhsVaries)
    return std::nullopt;
  mac.shared = lhsVaries ? mac.product.getRhs() : mac.product.getLhs();
  mac.weight = lhsVaries ? mac.product.getLhs() : mac.product.getRhs();
  if (!canRecompute(mac.weight, iv) ||
      !llvm::all_of(store.getIndices(),
                    [&](Value index) { return canRecompute(index, iv); }))
    return std::nullopt;
  // Going by two, the loop runs everything in it for every other column:
  // it may hold nothing else that writes.
  bool onlyThisStore = true;
  columns.getBody()->walk([&](Operation *op) {
    onlyThisStore &= op == store.getOperation() ||
                     isa<scf::ForOp, scf::YieldOp, memref::LoadOp>(op) ||
                     (isMemoryEffectFree(op) && !op->getNumRegions());
  });
  if (!onlyThisStore)
    return std::nullopt;
  return mac;
}

/// Rewrites `mac` to compute two columns per multiply.
void pack(Mac &mac, StringRef macOperator) {
  scf::ForOp columns = mac.columns;
  Value iv = columns.getInductionVar();
  Location loc = mac.product.getLoc();
  OpBuilder builder(columns);
  columns.setStep(arith::ConstantIndexOp::create(builder, loc, 2));

  builder.setInsertionPointToStart(columns.getBody());
  Value nextColumn = arith::AddIOp::create(
      builder, loc, iv, arith::ConstantIndexOp::create(builder, loc, 1));

  builder.setInsertionPoint(mac.product);
  IRMapping next;
  next.map(iv, nextColumn);
  Value nextWeight = recompute(mac.weight, iv, next, builder);
  Type i32 = builder.getI32Type();
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantOp::create(builder, loc,
                                     builder.getI32IntegerAttr(value));
  };
  // (w0 * 2^16 + w1) * a + 2^15: the DSP48E2's pre-adder, multiplier and
  // post-adder. The bias keeps a * w1 + 2^15 within [0, 2^16), so the high
  // half is a * w0 with no borrow, and the low half, its top bit flipped,
  // is a * w1 as a 16-bit int.
  Value sixteen = constant(16);
  auto packed = arith::AddIOp::create(
      builder, loc, arith::ShLIOp::create(builder, loc, mac.weight, sixteen),
      nextWeight);
  auto both = arith::MulIOp::create(builder, loc, mac.shared, packed);
  auto biased = arith::AddIOp::create(builder, loc, both, constant(1 << 15));
  both->setAttr(perf::kPackedMacAttr, builder.getStringAttr(macOperator));
  for (Operation *part : {packed.getOperation(), biased.getOperation()})
    part->setAttr(perf::kPackedMacPartAttr, builder.getUnitAttr());
  Value high = arith::ShRSIOp::create(builder, loc, biased, sixteen);
  Value low = arith::ExtSIOp::create(
      builder, loc, i32,
      arith::TruncIOp::create(
          builder, loc, builder.getI16Type(),
          arith::XOrIOp::create(builder, loc, biased, constant(1 << 15))));

  // The two updates: column iv takes the high product, iv + 1 the low.
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  auto pair = scf::ForOp::create(
      builder, loc, zero, arith::ConstantIndexOp::create(builder, loc, 2),
      arith::ConstantIndexOp::create(builder, loc, 1));
  pair->setAttr("dataflow.unroll", builder.getI64IntegerAttr(2));
  builder.setInsertionPointToStart(pair.getBody());
  Value lane = pair.getInductionVar();
  IRMapping column;
  column.map(iv, arith::AddIOp::create(builder, loc, iv, lane));
  SmallVector<Value> indices;
  for (Value index : mac.store.getIndices())
    indices.push_back(recompute(index, iv, column, builder));
  Value isFirst =
      arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, lane, zero);
  Value product = arith::SelectOp::create(builder, loc, isFirst, high, low);
  Value accumulator = mac.store.getMemRef();
  Value old = memref::LoadOp::create(builder, loc, accumulator, indices);
  Value sum = arith::AddIOp::create(builder, loc, old, product);
  memref::StoreOp::create(builder, loc, sum, accumulator, indices);

  mac.store.erase();
  mac.sum.erase();
  mac.old.erase();
  mac.product.erase();
}

class PackMacsPass : public dataflow::impl::PackMacsBase<PackMacsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<Platform> target = perf::loadPlatformFor(module, platform);
    if (failed(target))
      return signalPassFailure();
    auto packs = [&](StringRef name) {
      return target->lookupOperator(name) && target->getMacsPerDsp(name) == 2;
    };
    module.walk([&](func::FuncOp process) {
      // A process measured by csynth keeps the code its figures are of.
      if (!process->hasAttr("dataflow.process") ||
          process->hasAttr("dataflow.csynth"))
        return;
      SmallVector<memref::StoreOp> stores;
      process.walk([&](memref::StoreOp store) { stores.push_back(store); });
      for (memref::StoreOp store : stores) {
        std::optional<Mac> mac = matchMac(store);
        if (!mac || (!packOnceUsedWeights && !isWeightReused(*mac)))
          continue;
        StringRef name = perf::getSignificantBits(mac->weight) <= 4
                             ? "mac_i8i4"
                             : "mac_i8i8";
        if (packs(name))
          pack(*mac, name);
      }
    });
  }
};

} // namespace
