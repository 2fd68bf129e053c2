//===- TokenRuns.cpp - Readers that take several tokens at once -----------===//

#include "streamtensor/Dialect/Dataflow/Transforms/TokenRuns.h"
#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"
#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/MapVector.h"

using namespace mlir;
using namespace streamtensor::dataflow;

namespace {

/// Where a read's token goes: the whole token stored at one constant
/// element of a local buffer, in the read's block.
struct Destination {
  vector::StoreOp store;
  int64_t first = 0;
};

std::optional<Destination> getDestination(StreamReadOp read) {
  if (!read.getResult().hasOneUse())
    return std::nullopt;
  auto store = dyn_cast<vector::StoreOp>(*read.getResult().getUsers().begin());
  if (!store || store.getValueToStore() != read.getResult() ||
      store->getBlock() != read->getBlock() ||
      !store.getBase().getDefiningOp<memref::AllocaOp>() ||
      store.getIndices().size() != 1)
    return std::nullopt;
  std::optional<int64_t> first = getConstantIntValue(store.getIndices()[0]);
  if (!first)
    return std::nullopt;
  return Destination{store, *first};
}

/// Whether only pure operations and `store` lie strictly between `from`
/// and `to` (in one block, `from` first).
bool onlyStoreBetween(Operation *from, Operation *to, Operation *store) {
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode())
    if (op != store && !isPure(op))
      return false;
  return true;
}

/// Whether the loop around `op`, if any, accesses a FIFO other than `fifo`.
bool loopTouchesOtherFifo(Operation *op, Value fifo) {
  auto loop = dyn_cast<scf::ForOp>(op->getParentOp());
  return loop && llvm::any_of(countFifoAccesses(*loop.getBody()),
                              [&](auto &access) { return access.first != fifo; });
}

/// Whether `op` is one of the run's reads or stores.
bool isInRun(TokenRun &run, Operation *op) {
  return llvm::any_of(run.reads,
                      [&](StreamReadOp read) { return read == op; }) ||
         llvm::any_of(run.stores,
                      [&](vector::StoreOp store) { return store == op; });
}

} // namespace

std::optional<SmallVector<TokenRun>>
streamtensor::dataflow::findTokenRuns(Value fifo) {
  auto type = dyn_cast<StreamType>(fifo.getType());
  auto token = type ? dyn_cast<VectorType>(type.getElementType()) : nullptr;
  if (!token || token.getRank() != 1)
    return std::nullopt;
  int64_t lanes = token.getNumElements();

  llvm::MapVector<Block *, SmallVector<StreamReadOp>> readsOfBlock;
  for (Operation *user : fifo.getUsers()) {
    auto read = dyn_cast<StreamReadOp>(user);
    if (!read)
      return std::nullopt;
    readsOfBlock[read->getBlock()].push_back(read);
  }

  SmallVector<TokenRun> runs;
  for (auto &[block, reads] : readsOfBlock) {
    llvm::sort(reads, [](StreamReadOp a, StreamReadOp b) {
      return a->isBeforeInBlock(b);
    });
    std::optional<Destination> previous;
    for (StreamReadOp read : reads) {
      std::optional<Destination> destination = getDestination(read);
      if (!destination)
        return std::nullopt;
      bool continues =
          previous &&
          previous->store.getBase() == destination->store.getBase() &&
          destination->first == previous->first + lanes &&
          previous->store->isBeforeInBlock(read) &&
          onlyStoreBetween(runs.back().reads.back(), read, previous->store);
      if (!continues)
        runs.emplace_back();
      runs.back().reads.push_back(read);
      runs.back().stores.push_back(destination->store);
      previous = destination;
    }
  }
  for (const TokenRun &run : runs)
    if (run.reads.size() != runs.front().reads.size() ||
        loopTouchesOtherFifo(run.reads.front(), fifo))
      return std::nullopt;
  return runs;
}

void streamtensor::dataflow::joinTokenRuns(ArrayRef<TokenRun> runs,
                                           int64_t factor) {
  for (const TokenRun &run : runs)
    for (size_t group = 0; group < run.reads.size(); group += factor) {
      StreamReadOp first = run.reads[group];
      vector::StoreOp firstStore = run.stores[group];
      OpBuilder b(first);
      Value stream = first.getStream();
      auto joined = StreamReadOp::create(
          b, first.getLoc(),
          cast<StreamType>(stream.getType()).getElementType(), stream);
      // The buffer and index of the first store are defined before it.
      b.setInsertionPoint(firstStore);
      vector::StoreOp::create(b, firstStore.getLoc(), joined.getResult(),
                              firstStore.getBase(), firstStore.getIndices());
      for (size_t index = group; index < group + factor; ++index) {
        vector::StoreOp(run.stores[index]).erase();
        StreamReadOp(run.reads[index]).erase();
      }
    }
}

std::optional<UnrolledRead>
streamtensor::dataflow::findUnrolledRead(Value fifo) {
  std::optional<SmallVector<TokenRun>> runs = findTokenRuns(fifo);
  if (!runs || runs->size() != 1)
    return std::nullopt;
  TokenRun &run = runs->front();
  auto loop = dyn_cast<scf::ForOp>(run.reads.front()->getParentOp());
  std::optional<Destination> first = getDestination(run.reads.front());
  if (!loop || loop.getNumResults() != 0 || !first || first->first != 0)
    return std::nullopt;
  int64_t factor = perf::getUnrollFactor(loop);
  std::optional<int64_t> trips = perf::getConstantTripCount(loop);
  if (factor < 2 || !trips || *trips <= factor || *trips % factor ||
      !getConstantIntValue(loop.getStep()))
    return std::nullopt;
  // The run fills the pack buffer, and nothing but the loop's body uses
  // it: the run's stores, and loads.
  Value pack = first->store.getBase();
  auto packType = cast<MemRefType>(pack.getType());
  auto token = cast<VectorType>(
      cast<StreamType>(fifo.getType()).getElementType());
  if (packType.getRank() != 1 ||
      packType.getNumElements() !=
          int64_t(run.reads.size()) * token.getNumElements())
    return std::nullopt;
  for (Operation *user : pack.getUsers())
    if (!isInRun(run, user) &&
        (!isa<memref::LoadOp>(user) || !loop->isAncestor(user)))
      return std::nullopt;
  return UnrolledRead{loop, std::move(run), factor};
}

void streamtensor::dataflow::expandUnrolledRead(UnrolledRead unrolled) {
  scf::ForOp loop = unrolled.loop;
  int64_t factor = unrolled.factor;
  Location loc = loop.getLoc();
  TokenRun &run = unrolled.run;
  Value pack = run.stores.front().getBase();
  auto packType = cast<MemRefType>(pack.getType());
  int64_t lanes = packType.getNumElements();
  // The wide pack buffer, beside the narrow one (pack buffers live for the
  // whole process, outside the loop nest).
  OpBuilder entry(pack.getDefiningOp());
  entry.setInsertionPointAfter(pack.getDefiningOp());
  auto wide = memref::AllocaOp::create(
      entry, loc, MemRefType::get({lanes * factor}, packType.getElementType()));
  wide->setAttr("dataflow.lanes", entry.getI64IntegerAttr(lanes * factor));
  if (Attribute storage = pack.getDefiningOp()->getAttr("dataflow.storage"))
    wide->setAttr("dataflow.storage", storage);

  OpBuilder b(loop);
  int64_t step = *getConstantIntValue(loop.getStep());
  Value wideStep = arith::ConstantIndexOp::create(b, loc, step * factor);
  auto outer = scf::ForOp::create(b, loc, loop.getLowerBound(),
                                  loop.getUpperBound(), wideStep);
  outer->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  outer->removeAttr("dataflow.unroll");
  b.setInsertionPoint(outer.getBody()->getTerminator());
  auto token = cast<VectorType>(run.reads.front().getResult().getType());
  int64_t tokenLanes = token.getNumElements();
  int64_t tokens = factor * int64_t(run.reads.size());
  for (int64_t index = 0; index < tokens; ++index) {
    auto read = StreamReadOp::create(b, loc, token, run.reads.front().getStream());
    vector::StoreOp::create(
        b, loc, read.getResult(), wide,
        ValueRange{arith::ConstantIndexOp::create(b, loc, index * tokenLanes)});
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto copies = scf::ForOp::create(
      b, loc, zero, arith::ConstantIndexOp::create(b, loc, factor), one);
  copies->setAttr("dataflow.unroll", b.getI64IntegerAttr(factor));
  b.setInsertionPoint(copies.getBody()->getTerminator());
  Value copy = copies.getInductionVar();
  IRMapping map;
  map.map(loop.getInductionVar(),
          arith::AddIOp::create(
              b, loc, outer.getInductionVar(),
              arith::MulIOp::create(b, loc, copy,
                                    arith::ConstantIndexOp::create(b, loc,
                                                                   step))));
  for (Operation &op : loop.getBody()->without_terminator())
    if (!isInRun(run, &op))
      b.clone(op, map);
  // Copy j's lanes are part j of the wide buffer.
  SmallVector<memref::LoadOp> loads;
  copies.getBody()->walk([&](memref::LoadOp load) {
    if (load.getMemRef() == pack)
      loads.push_back(load);
  });
  for (memref::LoadOp load : loads) {
    OpBuilder at(load);
    Value offset = arith::MulIOp::create(
        at, loc, copy, arith::ConstantIndexOp::create(at, loc, lanes));
    Value index = arith::AddIOp::create(at, loc, offset, load.getIndices()[0]);
    load.replaceAllUsesWith(
        memref::LoadOp::create(at, load.getLoc(), wide, ValueRange{index})
            .getResult());
    load.erase();
  }
  loop.erase();
  if (pack.use_empty())
    pack.getDefiningOp()->erase();
}
