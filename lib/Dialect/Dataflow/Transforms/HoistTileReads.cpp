//===- HoistTileReads.cpp - Read a replayed operand's tiles ahead ---------===//
//
// A matrix-vector product (a decode step) tiled over its outputs walks its
// reduction tiles once per output tile: each reduction step fills a small
// buffer with a tile of the vector (a few tokens), then computes with it
// while its weights stream. Each of those two loops restarts its pipeline
// on every reduction step, and the restarts took more than half of GPT-2
// Medium's decode fc1 (23.7K cycles for 8.2K of multiplies). Here the
// reduction loop is split in two: the first reads all of the vector's tiles
// for this output tile into one buffer, the second computes; each is a
// perfect nest that HLS flattens into one pipeline.
//
// Only where the vector is replayed (the reduction loop sits inside a loop
// of more than one iteration): a kernel that reads its input once, as its
// producer writes it, would otherwise wait for the whole vector before it
// starts. The FIFO the fill reads must be read nowhere else in the process
// (only its order relative to the other FIFOs changes), and the buffer of
// all tiles stays small (`max-bytes`).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_HOISTTILEREADS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// A reduction loop whose body begins by filling a buffer from one FIFO.
struct Candidate {
  scf::ForOp loop;
  memref::AllocaOp tile;
  scf::ForOp fill;
  int64_t trips = 0;
};

/// The read of the fill nest `fill` (loops nested one in another, the
/// innermost holding only a read and the store of what it read into
/// `tile`, besides pure index arithmetic), if it is one.
StreamReadOp getFillRead(scf::ForOp fill, memref::AllocaOp tile) {
  scf::ForOp loop = fill;
  while (true) {
    if (!perf::getConstantTripCount(loop) || loop.getNumResults() != 0)
      return {};
    scf::ForOp inner;
    for (Operation &op : loop.getBody()->without_terminator()) {
      if (auto nested = dyn_cast<scf::ForOp>(op)) {
        if (inner)
          return {};
        inner = nested;
      } else if (!isPure(&op)) {
        inner = {};
        break;
      }
    }
    if (!inner)
      break;
    loop = inner;
  }
  StreamReadOp read;
  memref::StoreOp store;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (auto r = dyn_cast<StreamReadOp>(op)) {
      if (read)
        return {};
      read = r;
    } else if (auto s = dyn_cast<memref::StoreOp>(op)) {
      if (store)
        return {};
      store = s;
    } else if (!isPure(&op)) {
      return {};
    }
  }
  if (!read || !store || store.getMemRef() != tile.getResult() ||
      store.getValueToStore() != read.getResult())
    return {};
  return read;
}

class HoistTileReadsPass
    : public dataflow::impl::HoistTileReadsBase<HoistTileReadsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Candidate> candidates;
    getOperation().walk([&](scf::ForOp loop) {
      if (std::optional<Candidate> candidate = check(loop))
        candidates.push_back(*candidate);
    });
    for (const Candidate &candidate : candidates)
      hoist(candidate);
  }

private:
  std::optional<Candidate> check(scf::ForOp loop) {
    auto process = loop->getParentOfType<func::FuncOp>();
    if (!process || !process->hasAttr("dataflow.process"))
      return std::nullopt;
    std::optional<int64_t> trips = perf::getConstantTripCount(loop);
    if (!trips || *trips < 2 || loop.getNumResults() != 0 ||
        !getConstantIntValue(loop.getLowerBound()) ||
        !getConstantIntValue(loop.getStep()))
      return std::nullopt;
    // Replayed: some enclosing loop of the process runs more than once.
    bool replayed = false;
    for (auto outer = loop->getParentOfType<scf::ForOp>(); outer;
         outer = outer->getParentOfType<scf::ForOp>()) {
      std::optional<int64_t> outerTrips = perf::getConstantTripCount(outer);
      replayed |= !outerTrips || *outerTrips > 1;
    }
    if (!replayed)
      return std::nullopt;
    Block *body = loop.getBody();
    auto ops = body->without_terminator();
    auto it = ops.begin();
    if (it == ops.end())
      return std::nullopt;
    auto tile = dyn_cast<memref::AllocaOp>(*it);
    if (!tile || !tile.getType().hasStaticShape() ||
        !tile.getType().getLayout().isIdentity())
      return std::nullopt;
    if (++it == ops.end())
      return std::nullopt;
    auto fill = dyn_cast<scf::ForOp>(*it);
    if (!fill)
      return std::nullopt;
    StreamReadOp read = getFillRead(fill, tile);
    if (!read)
      return std::nullopt;
    // The FIFO is read by the fill alone; the tile is read, after the fill,
    // by plain loads.
    for (Operation *user : read.getStream().getUsers())
      if (user != read.getOperation() && !isa<func::ReturnOp>(user))
        return std::nullopt;
    for (Operation *user : tile->getUsers()) {
      if (fill->isAncestor(user))
        continue;
      if (!isa<memref::LoadOp>(user) || !loop->isAncestor(user))
        return std::nullopt;
    }
    MemRefType type = tile.getType();
    int64_t bits = *trips * type.getNumElements() *
                   int64_t(type.getElementTypeBitWidth());
    if (bits > maxBytes * 8)
      return std::nullopt;
    return Candidate{loop, tile, fill, *trips};
  }

  void hoist(Candidate candidate) {
    scf::ForOp loop = candidate.loop;
    Location loc = loop.getLoc();
    OpBuilder builder(loop);
    MemRefType tileType = candidate.tile.getType();
    SmallVector<int64_t> shape = {candidate.trips};
    llvm::append_range(shape, tileType.getShape());
    auto tiles = memref::AllocaOp::create(
        builder, loc, MemRefType::get(shape, tileType.getElementType()));
    tiles->setDiscardableAttrs(candidate.tile->getDiscardableAttrDictionary());

    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    Value one = arith::ConstantIndexOp::create(builder, loc, 1);
    Value count = arith::ConstantIndexOp::create(builder, loc, candidate.trips);
    int64_t lower = *getConstantIntValue(loop.getLowerBound());
    int64_t step = *getConstantIntValue(loop.getStep());
    // A copy of the loop over its iteration number `i`; the old induction
    // variable, where used, is lower + i * step, computed where it is used
    // so that the nest stays perfect.
    auto makeLoop = [&](function_ref<void(OpBuilder &, IRMapping &, Value)>
                            buildBody) {
      auto copy = scf::ForOp::create(builder, loc, zero, count, one);
      copy->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
      OpBuilder inside = OpBuilder::atBlockBegin(copy.getBody());
      IRMapping mapping;
      buildBody(inside, mapping, copy.getInductionVar());
      Value iv = copy.getInductionVar();
      SmallVector<OpOperand *> uses;
      copy.getBody()->walk([&](Operation *op) {
        for (OpOperand &operand : op->getOpOperands())
          if (operand.get() == loop.getInductionVar())
            uses.push_back(&operand);
      });
      for (OpOperand *use : uses) {
        OpBuilder at(use->getOwner());
        Value scaled = arith::MulIOp::create(
            at, loc, iv, arith::ConstantIndexOp::create(at, loc, step));
        Value value = arith::AddIOp::create(
            at, loc, scaled, arith::ConstantIndexOp::create(at, loc, lower));
        use->set(value);
      }
      return copy;
    };

    // The fill: every tile into its own slice of the buffer.
    makeLoop([&](OpBuilder &inside, IRMapping &mapping, Value iv) {
      Operation *fill = inside.clone(*candidate.fill, mapping);
      fill->walk([&](memref::StoreOp store) {
        if (store.getMemRef() != candidate.tile.getResult())
          return;
        SmallVector<Value> indices = {iv};
        llvm::append_range(indices, store.getIndices());
        OpBuilder at(store);
        memref::StoreOp::create(at, store.getLoc(), store.getValueToStore(),
                                tiles, indices);
        store.erase();
      });
    });
    // The rest of the body, loading from the tile's slice.
    makeLoop([&](OpBuilder &inside, IRMapping &mapping, Value iv) {
      for (Operation &op : loop.getBody()->without_terminator()) {
        if (&op == candidate.tile.getOperation() ||
            &op == candidate.fill.getOperation())
          continue;
        Operation *copy = inside.clone(op, mapping);
        // (The walk visits `copy` itself too.)
        SmallVector<memref::LoadOp> loads;
        copy->walk([&](memref::LoadOp load) {
          if (load.getMemRef() == candidate.tile.getResult())
            loads.push_back(load);
        });
        for (memref::LoadOp load : loads) {
          SmallVector<Value> indices = {iv};
          llvm::append_range(indices, load.getIndices());
          OpBuilder at(load);
          Value value =
              memref::LoadOp::create(at, load.getLoc(), tiles, indices);
          load.getResult().replaceAllUsesWith(value);
          load.erase();
        }
      }
    });
    loop.erase();
  }
};

} // namespace
