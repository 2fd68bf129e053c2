//===- PrefetchTiles.cpp - Fill the next tile while this one computes -----===//
//
// A process that reuses a tile (a prefill matmul's weight tile serves every
// row) first copies it from its FIFO into a local buffer, then computes on
// the buffer: the two loops run one after the other, so each tile costs its
// fill plus its computation. GPT-2 Medium's prefill fc1 spent 192 of every
// 704 cycles of a tile on its fills. Here such a fill moves into a process
// of its own that writes the tile into a three-block buffer (a stream of
// blocks): it fills the next tile while the computation holds the current
// one, and a third block lets it start the one after as soon as the
// computation moves on. (The task model prices the buffer as a FIFO of one
// block, see KernelModel.)
//
// A fill qualifies when the buffer is allocated inside a loop (one tile per
// iteration), every enclosing loop has constant bounds, one loop nest
// after the allocation makes all its stores, and that nest reads one FIFO
// that nothing else in the process reads, touches no other FIFO, block or
// call, computes nothing but addresses, and uses from outside only
// constants, the enclosing loops' induction variables and token staging
// buffers used by nothing else. The computation may only load from the
// buffer. The new process walks the same enclosing loops, so it fills the
// blocks in the order the computation takes them.
//
// A tile over `max-block-bytes` stays in its process: three copies of every
// tile of GPT-2 Medium's prefill took its BRAM from 75% to 93%, and the die
// assignment's ILP twice as long (compile 3.7 -> 8.9 s), for 1.7 ms of
// TTFT more than the tiles up to 8 KiB give.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"

#include "streamtensor/Performance/DesignAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_PREFETCHTILES
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// A tile buffer whose fill can move into a process of its own.
struct TileFill {
  memref::AllocaOp buffer;
  scf::ForOp fill;
  /// The process's argument the fill reads.
  BlockArgument fifo;
  /// The loops around the buffer, outermost first.
  SmallVector<scf::ForOp> loops;
  /// Token staging buffers of the process that only the fill uses.
  SmallVector<memref::AllocaOp> staging;
  /// Constants the fill uses from outside.
  SmallVector<Operation *> constants;
};

bool hasConstantBounds(scf::ForOp loop) {
  return getConstantIntValue(loop.getLowerBound()) &&
         getConstantIntValue(loop.getUpperBound()) &&
         getConstantIntValue(loop.getStep()) && loop.getNumResults() == 0;
}

/// The fill of `buffer` in `process`, if it qualifies (see the top).
std::optional<TileFill> matchTileFill(func::FuncOp process,
                                      memref::AllocaOp buffer,
                                      int64_t maxBlockBytes) {
  TileFill match;
  match.buffer = buffer;
  if (buffer->hasAttr("dataflow.lanes"))
    return std::nullopt;
  for (Operation *parent = buffer->getParentOp(); parent != process;
       parent = parent->getParentOp()) {
    auto loop = dyn_cast<scf::ForOp>(parent);
    if (!loop || !hasConstantBounds(loop))
      return std::nullopt;
    match.loops.insert(match.loops.begin(), loop);
  }
  if (match.loops.empty())
    return std::nullopt;
  MemRefType type = buffer.getType();
  if (!type.getElementType().isIntOrFloat() ||
      type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8) >
          maxBlockBytes)
    return std::nullopt;

  // The one nest of the buffer's block that holds every store.
  Block *block = buffer->getBlock();
  for (Operation *user : buffer->getUsers()) {
    bool stores = isa<memref::StoreOp, vector::StoreOp>(user);
    if (!stores && !isa<memref::LoadOp, vector::LoadOp>(user))
      return std::nullopt;
    Operation *top = block->findAncestorOpInBlock(*user);
    auto loop = dyn_cast_or_null<scf::ForOp>(top);
    if (!stores)
      continue;
    if (!loop || (match.fill && match.fill != loop))
      return std::nullopt;
    match.fill = loop;
  }
  if (!match.fill || !hasConstantBounds(match.fill))
    return std::nullopt;
  // The computation only loads: no load of the buffer inside the fill.
  for (Operation *user : buffer->getUsers())
    if (isa<memref::LoadOp, vector::LoadOp>(user) &&
        match.fill->isAncestor(user))
      return std::nullopt;

  bool valid = true;
  llvm::SetVector<Operation *> constants, staging;
  match.fill.walk([&](Operation *op) {
    if (auto read = dyn_cast<StreamReadOp>(op)) {
      auto fifo = dyn_cast<BlockArgument>(read.getStream());
      if (!fifo || fifo.getOwner() != &process.getBody().front() ||
          (match.fifo && match.fifo != fifo))
        valid = false;
      match.fifo = fifo;
    } else if (isa<StreamWriteOp, BlockAcquireOp, func::CallOp>(op)) {
      valid = false;
    } else if (Value memref = getAccessedMemRef(op)) {
      // Its own buffer, staging buffers inside it, or outside ones that
      // nothing else uses.
      auto alloca = memref.getDefiningOp<memref::AllocaOp>();
      if (!alloca)
        valid = false;
      else if (alloca != buffer && !match.fill->isAncestor(alloca))
        staging.insert(alloca);
    } else if (!isa<scf::ForOp, scf::YieldOp, memref::AllocaOp>(op)) {
      // A copy: nothing computed but addresses. (A fill that computes,
      // an elementwise op's, keeps its operators in its process.)
      valid &= isMemoryEffectFree(op) &&
               llvm::all_of(op->getResultTypes(),
                            [](Type type) { return type.isIndex(); });
    }
    for (Value operand : op->getOperands()) {
      if (operand == buffer || operand == match.fifo)
        continue;
      // Of block arguments, only the fill's own induction variables and
      // those of the loops around the buffer (the process's other
      // arguments are FIFOs and memories the new process does not get).
      if (auto argument = dyn_cast<BlockArgument>(operand)) {
        bool inside =
            match.fill->isAncestor(argument.getOwner()->getParentOp());
        bool enclosing = llvm::any_of(match.loops, [&](scf::ForOp loop) {
          return argument == loop.getInductionVar();
        });
        valid &= inside || enclosing;
        continue;
      }
      Operation *def = operand.getDefiningOp();
      if (match.fill->isAncestor(def))
        continue;
      if (def->hasTrait<OpTrait::ConstantLike>())
        constants.insert(def);
      else if (!isa<memref::AllocaOp>(def))
        valid = false;
    }
  });
  if (!valid || !match.fifo)
    return std::nullopt;
  for (Operation *user : match.fifo.getUsers())
    if (!match.fill->isAncestor(user))
      return std::nullopt;
  for (Operation *op : staging) {
    auto alloca = cast<memref::AllocaOp>(op);
    if (!alloca->hasAttr("dataflow.lanes"))
      return std::nullopt;
    for (Operation *user : alloca->getUsers())
      if (!match.fill->isAncestor(user))
        return std::nullopt;
    match.staging.push_back(alloca);
  }
  match.constants = constants.takeVector();
  return match;
}

class PrefetchTilesPass
    : public dataflow::impl::PrefetchTilesBase<PrefetchTilesPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // A process called more than once has arguments that are different
    // FIFOs at each call: left as it is.
    module.walk([&](func::CallOp call) { ++callCounts[call.getCallee()]; });
    for (func::FuncOp kernel : perf::getKernelFunctions(module)) {
      SmallVector<func::CallOp> calls =
          llvm::to_vector(kernel.getBody().getOps<func::CallOp>());
      for (func::CallOp call : calls)
        prefetch(module, call);
    }
  }

private:
  llvm::StringMap<int> callCounts;

  void prefetch(ModuleOp module, func::CallOp call) {
    auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!process || process.isExternal() ||
        !process->hasAttr("dataflow.process") ||
        process->hasAttr("dataflow.csynth"))
      return;
    if (callCounts.lookup(process.getName()) != 1)
      return;
    SmallVector<memref::AllocaOp> buffers;
    process.walk([&](memref::AllocaOp alloca) { buffers.push_back(alloca); });
    // A staging buffer erased with an earlier fill is not looked at again.
    DenseSet<Operation *> erased;
    unsigned count = 0;
    for (memref::AllocaOp buffer : buffers) {
      if (erased.contains(buffer))
        continue;
      std::optional<TileFill> match =
          matchTileFill(process, buffer, maxBlockBytes);
      if (!match)
        continue;
      for (memref::AllocaOp staging : match->staging)
        erased.insert(staging);
      call = moveFill(module, process, call, *match, count++);
    }
  }

  /// Moves `match`'s fill into a new process that writes a three-block
  /// buffer, which `process` reads instead of the FIFO. Returns the call of
  /// `process`, rebuilt.
  func::CallOp moveFill(ModuleOp module, func::FuncOp process,
                        func::CallOp call, TileFill &match, unsigned index) {
    MLIRContext *context = &getContext();
    Location loc = match.fill.getLoc();
    auto type = match.buffer.getType();
    unsigned fifoIndex = match.fifo.getArgNumber();
    Value fifo = call.getOperand(fifoIndex);
    std::string role =
        (process->getAttrOfType<StringAttr>("dataflow.process").getValue() +
         "_prefetch_" + Twine(index))
            .str();

    // The stream of blocks, beside the kernel's other buffers: one being
    // filled, one waiting, one computed on.
    OpBuilder top(call);
    auto blocks = BufferOp::create(top, loc, type, top.getI64IntegerAttr(3));
    blocks->setAttr("name", top.getStringAttr(role + "_blocks"));
    // Not a layout converter: the report draws it as an edge.
    blocks.setPrefetch(true);

    // The new process: the enclosing loops, a block each iteration.
    OpBuilder outside(module.getContext());
    outside.setInsertionPoint(process);
    auto functionType = FunctionType::get(context, {fifo.getType(), type}, {});
    auto loader = func::FuncOp::create(
        outside, loc, (process.getName() + "_prefetch_" + Twine(index)).str(),
        functionType);
    loader->setAttr("dataflow.process", StringAttr::get(context, role));
    Block *entry = loader.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    mapping.map(match.fifo, entry->getArgument(0));
    // Constants once, at the top.
    auto getConstant = [&](Value value) {
      if (!mapping.contains(value))
        b.clone(*value.getDefiningOp(), mapping);
      return mapping.lookup(value);
    };
    for (Operation *constant : match.constants)
      getConstant(constant->getResult(0));
    for (scf::ForOp loop : match.loops) {
      getConstant(loop.getLowerBound());
      getConstant(loop.getUpperBound());
      getConstant(loop.getStep());
    }
    for (memref::AllocaOp staging : match.staging)
      b.clone(*staging, mapping);
    for (scf::ForOp loop : match.loops) {
      auto cloned = scf::ForOp::create(
          b, loop.getLoc(), mapping.lookup(loop.getLowerBound()),
          mapping.lookup(loop.getUpperBound()), mapping.lookup(loop.getStep()));
      mapping.map(loop.getInductionVar(), cloned.getInductionVar());
      b.setInsertionPoint(cloned.getBody()->getTerminator());
    }
    Value block = BlockAcquireOp::create(b, loc, type, entry->getArgument(1),
                                         b.getUnitAttr());
    mapping.map(match.buffer.getResult(), block);
    b.clone(*match.fill, mapping);
    b.setInsertionPointToEnd(entry);
    func::ReturnOp::create(b, loc);

    // The process takes its blocks where it filled its buffer.
    OpBuilder inside(match.buffer);
    Value taken =
        BlockAcquireOp::create(inside, loc, type, match.fifo, UnitAttr());
    match.buffer.getResult().replaceAllUsesWith(taken);
    match.fill.erase();
    match.buffer.erase();
    for (memref::AllocaOp staging : match.staging)
      staging.erase();
    match.fifo.setType(type);
    process.setFunctionType(
        FunctionType::get(context, process.getBody().front().getArgumentTypes(),
                          process.getFunctionType().getResults()));

    // The kernel: the new process before it, the blocks for the FIFO.
    func::CallOp::create(top, call.getLoc(), loader,
                         ValueRange{fifo, blocks.getResult()});
    SmallVector<Value> operands(call.getOperands());
    operands[fifoIndex] = blocks.getResult();
    auto replacement =
        func::CallOp::create(top, call.getLoc(), process, operands);
    replacement->setDiscardableAttrs(call->getDiscardableAttrDictionary());
    call.erase();
    return replacement;
  }
};

} // namespace
