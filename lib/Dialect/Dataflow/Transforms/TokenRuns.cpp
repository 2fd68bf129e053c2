//===- TokenRuns.cpp - Readers that take several tokens at once -----------===//

#include "streamtensor/Dialect/Dataflow/Transforms/TokenRuns.h"
#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"

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
