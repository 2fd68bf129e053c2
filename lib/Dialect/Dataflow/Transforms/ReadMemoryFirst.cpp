//===- ReadMemoryFirst.cpp - Take a DMA's tile before a producer's -------===//
//
// A process reads its input tiles one after the other, in the order of the
// op's operands: an attention score reads the query (computed by the
// layer's projections) and then the whole K cache (read from HBM). The DMA
// could stream the cache from the start, but its FIFO fills, and it waits
// until the query has come and the process turns to the cache: a decode
// layer's score and value products each wait a K/V cache's transfer after
// their other operand arrives.
//
// A loop nest that only moves tokens from a FIFO that a DMA fills into the
// process's buffers is moved above the nests before it that touch neither
// that FIFO nor those buffers. It cannot wait for the process: the DMA
// reads memory and writes that one FIFO, so it stops only for room, which
// the nest makes. Hence it always ends, and the nests it passes start at
// most its transfer later, never in a deadlock.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"

#include "streamtensor/Performance/DesignAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/SetVector.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_READMEMORYFIRST
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// Whether `process` reads no FIFO and writes exactly one, the argument at
/// `fifoIndex` (a DMA from memory): it waits for nothing but that FIFO's
/// room.
bool isDmaOfOneFifo(func::FuncOp process, unsigned fifoIndex) {
  if (process.isExternal())
    return false;
  bool onlyWritesIt = true;
  process.walk([&](Operation *op) {
    if (isa<StreamReadOp, BlockAcquireOp, func::CallOp>(op))
      onlyWritesIt = false;
    if (auto write = dyn_cast<StreamWriteOp>(op))
      onlyWritesIt &= write.getStream() == process.getArgument(fifoIndex);
  });
  return onlyWritesIt;
}

/// The arguments of each process that are FIFOs a DMA of one FIFO writes
/// and only that process reads.
DenseMap<func::FuncOp, SmallVector<Value>>
findDmaFifoArguments(func::FuncOp kernel) {
  // stream -> (writer, argument index) and its readers' arguments.
  DenseMap<Value, std::pair<func::FuncOp, unsigned>> writerOf;
  DenseMap<Value, SmallVector<std::pair<func::FuncOp, unsigned>>> readersOf;
  // A function called twice has arguments that are different FIFOs.
  DenseMap<func::FuncOp, int> calls;
  for (auto call : kernel.getBody().getOps<func::CallOp>()) {
    auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!process || process.isExternal())
      continue;
    ++calls[process];
    for (auto [index, operand] : llvm::enumerate(call.getOperands())) {
      if (!operand.getDefiningOp<StreamOp>())
        continue;
      bool writes = false, reads = false;
      for (Operation *user : process.getArgument(index).getUsers()) {
        writes |= isa<StreamWriteOp>(user);
        reads |= isa<StreamReadOp>(user);
      }
      if (writes)
        writerOf[operand] = {process, unsigned(index)};
      if (reads)
        readersOf[operand].push_back({process, unsigned(index)});
    }
  }
  DenseMap<func::FuncOp, SmallVector<Value>> arguments;
  for (auto &[stream, writer] : writerOf) {
    auto readers = readersOf.find(stream);
    if (readers == readersOf.end() || readers->second.size() != 1 ||
        !isDmaOfOneFifo(writer.first, writer.second))
      continue;
    auto [reader, index] = readers->second.front();
    if (calls.lookup(reader) == 1)
      arguments[reader].push_back(reader.getArgument(index));
  }
  return arguments;
}

/// What a nest that moves a DMA's tokens into buffers touches: the FIFO
/// and the memories defined outside it. None if `op` is not such a nest.
struct TileRead {
  Value fifo;
  llvm::SetVector<Value> memories;
};

std::optional<TileRead> getTileRead(Operation *op, ArrayRef<Value> dmaFifos) {
  auto loop = dyn_cast<scf::ForOp>(op);
  if (!loop)
    return std::nullopt;
  TileRead read;
  bool valid = true;
  loop.walk([&](Operation *inner) {
    if (auto streamRead = dyn_cast<StreamReadOp>(inner)) {
      Value fifo = streamRead.getStream();
      valid &= llvm::is_contained(dmaFifos, fifo) &&
               (!read.fifo || read.fifo == fifo);
      read.fifo = fifo;
      return;
    }
    Value memory = getAccessedMemRef(inner);
    if (!memory && !isa<scf::ForOp, scf::YieldOp, memref::AllocaOp>(inner) &&
        !isMemoryEffectFree(inner))
      valid = false; // FIFO writes, blocks, calls
    if (!memory || loop->isAncestor(memory.getParentBlock()->getParentOp()))
      return;
    // Only the process's own buffers: a kernel argument is HBM, whose
    // accesses keep their order.
    valid &= isa_and_nonnull<memref::AllocaOp>(memory.getDefiningOp());
    read.memories.insert(memory);
  });
  if (!valid || !read.fifo)
    return std::nullopt;
  return read;
}

/// Whether `op` touches `read`'s FIFO or memories.
bool touches(Operation *op, const TileRead &read) {
  bool touched = false;
  op->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands())
      touched |= operand == read.fifo || read.memories.contains(operand);
  });
  return touched;
}

/// Whether `nest` uses a value `op` defines.
bool usesResultOf(Operation *nest, Operation *op) {
  bool uses = false;
  nest->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands())
      uses |= operand.getDefiningOp() == op;
  });
  return uses;
}

class ReadMemoryFirstPass
    : public dataflow::impl::ReadMemoryFirstBase<ReadMemoryFirstPass> {
public:
  void runOnOperation() override {
    for (func::FuncOp kernel : perf::getKernelFunctions(getOperation()))
      for (auto &[process, fifos] : findDmaFifoArguments(kernel)) {
        SmallVector<Block *> blocks;
        process.walk([&](Block *block) { blocks.push_back(block); });
        for (Block *block : blocks)
          hoistTileReads(*block, fifos);
      }
  }

private:
  /// Moves each DMA tile read of `block` above the ops before it that it
  /// does not depend on, with the buffers and constants it uses that are
  /// defined among them, but not above another DMA tile read (the DMAs keep
  /// their order).
  static void hoistTileReads(Block &block, ArrayRef<Value> dmaFifos) {
    SmallVector<Operation *> ops =
        llvm::map_to_vector(block, [](Operation &op) { return &op; });
    for (Operation *nest : ops) {
      std::optional<TileRead> read = getTileRead(nest, dmaFifos);
      if (!read)
        continue;
      // What moves: the nest, and what it uses of the ops passed.
      SmallVector<Operation *> group = {nest};
      Operation *above = nullptr;
      for (Operation *previous = nest->getPrevNode(); previous;
           previous = previous->getPrevNode()) {
        if (getTileRead(previous, dmaFifos))
          break;
        bool used = llvm::any_of(group, [&](Operation *member) {
          return usesResultOf(member, previous);
        });
        if (used) {
          // A buffer or a constant comes along: defined earlier, it still
          // dominates its uses. (An op passed that uses the buffer touches
          // the nest's memory and stops the move.)
          if (!isa<memref::AllocaOp, arith::ConstantOp>(previous) ||
              previous->getNumOperands() != 0)
            break;
          group.push_back(previous);
          continue;
        }
        if (touches(previous, *read))
          break;
        above = previous;
      }
      if (!above)
        continue;
      // In their order: the last one found first.
      for (Operation *member : llvm::reverse(group))
        member->moveBefore(above);
    }
  }
};

} // namespace
