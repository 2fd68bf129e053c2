//===- WidenFifos.cpp - FIFO widths that follow the unroll factors --------===//
//
// Paper section 5.1: the vector factors (the widths of the kernel I/O and
// the FIFOs) follow the unroll factors. A process that computes U elements
// per cycle gains nothing while its FIFOs bring one element per cycle, so
// the FIFOs it touches carry U elements per token: the loop that reads or
// writes such a FIFO steps by U and handles the U elements of a token in a
// fully unrolled inner loop, through a small pack buffer.
//
// Both ends of a FIFO, and every FIFO a loop touches, must agree on the
// width, so widths are chosen per connected group of loops and FIFOs: the
// most elements per cycle a process of the group computes (its unroll
// factor times the lanes of the loops it unrolls completely), lowered to
// what every loop of the group admits (a divisor of its trip count, or
// whole rows of it when it sits alone in a loop over rows) and capped at
// the platform's AXI width.
// A group with an access outside a simple loop keeps one element per token.
// DMA loops that read or write the kernel's memory are unrolled by the width
// of the FIFO they feed, so that they keep up.
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
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/MapVector.h"

#include <limits>
#include <numeric>

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_WIDENFIFOS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

std::optional<int64_t> simpleTripCount(scf::ForOp loop) {
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lower || !upper || !step || *lower != 0 || *step != 1 || *upper < 1 ||
      loop.getNumResults() != 0)
    return std::nullopt;
  return *upper;
}

bool hasNestedLoop(scf::ForOp loop) {
  bool nested = false;
  loop.getBody()->walk([&](scf::ForOp) { nested = true; });
  return nested;
}

/// A group node: a FIFO (the stream value in the kernel) or a loop.
using Node = Operation *;

class WidenFifosPass : public dataflow::impl::WidenFifosBase<WidenFifosPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (fifoWidth != "lanes" && fifoWidth != "axi") {
      module.emitError("dataflow-widen-fifos: width must be 'lanes' or "
                       "'axi', got '")
          << fifoWidth << "'";
      return signalPassFailure();
    }
    FailureOr<Platform> target = perf::loadPlatformFor(module, platform);
    if (failed(target))
      return signalPassFailure();
    maxTokenBits = target->hbm.kernelPortBits;
    for (func::FuncOp kernel : perf::getKernelFunctions(module))
      widenKernel(kernel);
  }

private:
  /// The widest token: the width of the kernel's AXI ports.
  int64_t maxTokenBits = 512;

  /// Whether `memref` is the kernel's memory: an argument of the process.
  static bool isKernelMemory(Value memref) {
    auto argument = dyn_cast<BlockArgument>(memref);
    return argument &&
           isa<func::FuncOp>(argument.getOwner()->getParentOp());
  }

  /// Whether the lanes of `loop` can be handled side by side: every array
  /// it touches is a local buffer of the process, a ping-pong block or the
  /// kernel's memory, no array is both read and written in it (an
  /// accumulation would chain the lanes), and each FIFO is accessed once.
  static bool lanesAreIndependent(scf::ForOp loop) {
    llvm::DenseSet<Value> loaded, stored, streams;
    bool independent = true;
    loop.getBody()->walk([&](Operation *op) {
      Value memref;
      if (auto load = dyn_cast<memref::LoadOp>(op))
        memref = load.getMemRef(), loaded.insert(memref);
      else if (auto store = dyn_cast<memref::StoreOp>(op))
        memref = store.getMemRef(), stored.insert(memref);
      // A ping-pong block's lanes are its banks (the emitter partitions
      // its stream of blocks like a local buffer).
      if (memref && !memref.getDefiningOp<memref::AllocaOp>() &&
          !memref.getDefiningOp<BlockAcquireOp>() && !isKernelMemory(memref))
        independent = false;
      Value stream;
      if (auto read = dyn_cast<StreamReadOp>(op))
        stream = read.getStream();
      else if (auto write = dyn_cast<StreamWriteOp>(op))
        stream = write.getStream();
      if (stream && !streams.insert(stream).second)
        independent = false;
    });
    for (Value memref : loaded)
      independent &= !stored.contains(memref);
    return independent;
  }

  /// Whether `loop` reads or writes the kernel's memory (a DMA's loop).
  static bool accessesKernelMemory(scf::ForOp loop) {
    bool accesses = false;
    loop.getBody()->walk([&](Operation *op) {
      if (auto load = dyn_cast<memref::LoadOp>(op))
        accesses |= isKernelMemory(load.getMemRef());
      else if (auto store = dyn_cast<memref::StoreOp>(op))
        accesses |= isKernelMemory(store.getMemRef());
    });
    return accesses;
  }

  /// The simple loop `loop` is all of (besides pure ops), if any: a loop
  /// over rows whose lanes are independent.
  static scf::ForOp getPerfectParent(scf::ForOp loop) {
    auto parent = dyn_cast_or_null<scf::ForOp>(loop->getParentOp());
    if (!parent || !simpleTripCount(parent) || !lanesAreIndependent(parent))
      return {};
    for (Operation &op : parent.getBody()->without_terminator())
      if (&op != loop.getOperation() && !isPure(&op))
        return {};
    return parent;
  }

  void widenKernel(func::FuncOp kernel) {
    // Every access to every FIFO, with the process it sits in.
    struct Access {
      Operation *op;
      StreamOp stream;
      func::FuncOp process;
    };
    std::vector<Access> accesses;
    llvm::DenseSet<Node> fixed; // FIFOs and loops that keep width 1
    for (auto call : kernel.getOps<func::CallOp>()) {
      auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      for (auto [index, operand] : llvm::enumerate(call.getOperands())) {
        auto stream = operand.getDefiningOp<StreamOp>();
        if (!stream)
          continue;
        // A process we cannot see, or one measured by csynth (its figures
        // are of the code as it is), keeps its FIFOs as they are.
        if (!process || process.isExternal() ||
            process->hasAttr("dataflow.csynth")) {
          fixed.insert(stream);
          continue;
        }
        for (Operation *user : process.getArgument(index).getUsers())
          accesses.push_back({user, stream, process});
      }
    }

    llvm::EquivalenceClasses<Node> groups;
    llvm::DenseMap<Node, int64_t> desired, trips, parentTrips;
    llvm::MapVector<Operation *, func::FuncOp> loops;
    for (Access &access : accesses) {
      Node stream = access.stream.getOperation();
      groups.insert(stream);
      auto loop = dyn_cast_or_null<scf::ForOp>(access.op->getParentOp());
      std::optional<int64_t> trip = loop ? simpleTripCount(loop) : std::nullopt;
      bool simple =
          isa<StreamReadOp, StreamWriteOp>(access.op) && trip &&
          !hasNestedLoop(loop) && lanesAreIndependent(loop) &&
          isa<FloatType, IntegerType>(access.stream.getType().getElementType());
      if (!simple) {
        // The FIFO keeps one element per token, and so does every loop
        // around this access (and the FIFOs those loops touch): a loop
        // cannot read some FIFOs by the token and others by the element.
        fixed.insert(stream);
        for (Operation *parent = access.op->getParentOp();
             parent && !isa<func::FuncOp>(parent);
             parent = parent->getParentOp())
          if (auto around = dyn_cast<scf::ForOp>(parent)) {
            groups.unionSets(stream, around.getOperation());
            fixed.insert(around.getOperation());
          }
        continue;
      }
      Node node = loop.getOperation();
      groups.unionSets(stream, node);
      trips[node] = *trip;
      desired[node] = fifoWidth == "axi"
                          ? std::numeric_limits<int64_t>::max()
                          : perf::getLanesPerCycle(access.process);
      // A DMA moves a whole AXI beat per cycle: its FIFO's token is as wide
      // as the port, however little its consumer unrolls (each phase of a
      // process, such as reading a tile, takes a cycle per token).
      if (accessesKernelMemory(loop))
        desired[node] = std::numeric_limits<int64_t>::max();
      if (scf::ForOp parent = getPerfectParent(loop))
        parentTrips[node] = *simpleTripCount(parent);
      loops.insert({loop, access.process});
    }

    // A loop carries `width` elements per token either by itself (its trip
    // count a multiple of the width) or, when it covers a whole row and
    // sits alone in a loop over rows, with `width / trips` rows per token:
    // the stream's order is the same either way. Each loop of a group takes
    // whichever way it can, so a flat loop of 1024 and a (512, 2) nest
    // agree on 16.
    auto admits = [&](Node loop, int64_t width) {
      int64_t trip = trips.lookup(loop);
      if (trip % width == 0)
        return true;
      int64_t parent = parentTrips.lookup(loop);
      return width % trip == 0 && parent > 1 && parent % (width / trip) == 0;
    };
    // One width per group, the most elements per token that its processes'
    // lanes want, within the AXI width, that every loop of it admits.
    llvm::DenseMap<Node, int64_t> widthOf;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
      if (!(*it)->isLeader())
        continue;
      bool ok = true;
      int64_t want = 1, bits = 0;
      SmallVector<Node> members;
      for (auto member = groups.member_begin(**it);
           member != groups.member_end(); ++member) {
        Node node = *member;
        ok &= !fixed.contains(node);
        if (auto stream = dyn_cast<StreamOp>(node)) {
          Type element = stream.getType().getElementType();
          if (element.isIntOrFloat())
            bits = std::max<int64_t>(bits, element.getIntOrFloatBitWidth());
        } else if (trips.count(node)) {
          want = std::max(want, desired[node]);
          members.push_back(node);
        }
      }
      int64_t cap = bits > 0 ? std::max<int64_t>(1, maxTokenBits / bits) : 1;
      int64_t width = 1;
      if (ok && !members.empty())
        for (int64_t candidate = std::min(want, cap); candidate > 1;
             --candidate)
          if (llvm::all_of(members, [&](Node loop) {
                return admits(loop, candidate);
              })) {
            width = candidate;
            break;
          }
      widthOf[(*it)->getData()] = width;
    }

    // Widen every loop of a group wider than 1, then the FIFOs' types.
    for (auto [loopOp, process] : loops) {
      int64_t width = widthOf.lookup(groups.getLeaderValue(loopOp));
      if (width <= 1)
        continue;
      auto loop = cast<scf::ForOp>(loopOp);
      int64_t trip = trips.lookup(loopOp);
      if (trip % width == 0)
        widenLoop(loop, width, process);
      else
        widenLoop(getPerfectParent(loop), width / trip, process, loop);
    }
    for (auto stream : llvm::make_early_inc_range(kernel.getOps<StreamOp>())) {
      Node node = stream.getOperation();
      if (!groups.contains(node))
        continue;
      int64_t width = widthOf.lookup(groups.getLeaderValue(node));
      if (width <= 1)
        continue;
      Type element = stream.getType().getElementType();
      retypeStream(stream, StreamType::get(VectorType::get({width}, element),
                                           stream.getType().getDepth()));
      if (std::optional<uint64_t> entries = stream.getEntries())
        stream.setEntries(*entries / uint64_t(width));
    }
  }

  /// Turns `for i in [0, N) { body }` into
  /// `for io in [0, N) step W { read tokens; for ii in [0, W) unrolled
  /// { body with i = io + ii, FIFO elements through pack buffers };
  /// write tokens }`, and unrolls the DMA loops of the process by the
  /// token's width. With `row`, the loop of the FIFO accesses, `loop` is
  /// the loop over rows around it: W rows per token, and `row` unrolled
  /// completely inside (the token's lane is ii * (row's trips) + the row's
  /// induction variable).
  void widenLoop(scf::ForOp loop, int64_t width, func::FuncOp process,
                 scf::ForOp row = {}) {
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    int64_t rowElements = row ? *simpleTripCount(row) : 1;
    int64_t lanes = width * rowElements;
    Block *accessBody = row ? row.getBody() : loop.getBody();
    // Pack buffers live for the whole process, so that they do not break
    // the perfect loop nests around the loop.
    OpBuilder entry = OpBuilder::atBlockBegin(&process.getBody().front());
    // The pack buffer of every FIFO the loop touches, in order of access.
    llvm::MapVector<Value, Value> packOf;
    SmallVector<Value> reads, writes;
    for (Operation &op : accessBody->without_terminator()) {
      Value stream;
      if (auto read = dyn_cast<StreamReadOp>(op))
        stream = read.getStream(), reads.push_back(stream);
      else if (auto write = dyn_cast<StreamWriteOp>(op))
        stream = write.getStream(), writes.push_back(stream);
      if (!stream || packOf.count(stream))
        continue;
      Type element = cast<StreamType>(stream.getType()).getElementType();
      auto pack = memref::AllocaOp::create(
          entry, loc, MemRefType::get({lanes}, element));
      // Every lane is accessed in the same cycle: one register each.
      pack->setAttr("dataflow.lanes", entry.getI64IntegerAttr(lanes));
      packOf[stream] = pack;
    }
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value step = arith::ConstantIndexOp::create(b, loc, width);
    auto outer = scf::ForOp::create(b, loc, zero, loop.getUpperBound(), step);
    outer->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
    outer->removeAttr("dataflow.unroll");

    b.setInsertionPoint(outer.getBody()->getTerminator());
    auto vectorOf = [&](Value stream) {
      return VectorType::get(
          {lanes}, cast<StreamType>(stream.getType()).getElementType());
    };
    for (Value stream : reads) {
      Value token = StreamReadOp::create(b, loc, vectorOf(stream), stream);
      vector::StoreOp::create(b, loc, token, packOf[stream], ValueRange{zero});
    }
    auto inner = scf::ForOp::create(b, loc, zero, step, one);
    inner->setAttr("dataflow.unroll", b.getI64IntegerAttr(width));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(inner.getBody()->getTerminator());
      IRMapping map;
      if (!loop.getInductionVar().use_empty())
        map.map(loop.getInductionVar(),
                arith::AddIOp::create(b, loc, outer.getInductionVar(),
                                      inner.getInductionVar()));
      // The FIFO accesses of `body`, at pack buffer lane `lane`.
      auto cloneAccesses = [&](Block &body, Value lane) {
        for (Operation &op : body.without_terminator()) {
          if (auto read = dyn_cast<StreamReadOp>(op)) {
            map.map(read.getResult(),
                    memref::LoadOp::create(b, loc, packOf[read.getStream()],
                                           ValueRange{lane}));
          } else if (auto write = dyn_cast<StreamWriteOp>(op)) {
            memref::StoreOp::create(b, loc,
                                    map.lookupOrDefault(write.getValue()),
                                    packOf[write.getStream()],
                                    ValueRange{lane});
          } else {
            b.clone(op, map);
          }
        }
      };
      if (!row) {
        cloneAccesses(*loop.getBody(), inner.getInductionVar());
      } else {
        for (Operation &op : loop.getBody()->without_terminator()) {
          if (&op != row.getOperation()) {
            b.clone(op, map);
            continue;
          }
          auto rowLoop = scf::ForOp::create(
              b, loc, zero, arith::ConstantIndexOp::create(b, loc, rowElements),
              one);
          rowLoop->setAttr("dataflow.unroll",
                           b.getI64IntegerAttr(rowElements));
          OpBuilder::InsertionGuard rowGuard(b);
          b.setInsertionPoint(rowLoop.getBody()->getTerminator());
          map.map(row.getInductionVar(), rowLoop.getInductionVar());
          Value rowStart = arith::MulIOp::create(
              b, loc, inner.getInductionVar(),
              arith::ConstantIndexOp::create(b, loc, rowElements));
          cloneAccesses(*row.getBody(),
                        arith::AddIOp::create(b, loc, rowStart,
                                              rowLoop.getInductionVar()));
        }
      }
    }
    for (Value stream : writes) {
      Value token = vector::LoadOp::create(b, loc, vectorOf(stream),
                                           packOf[stream], ValueRange{zero});
      StreamWriteOp::create(b, loc, token, stream);
    }
    loop.erase();

    // The DMA loops of the process move `width` elements per cycle too.
    process.walk([&](scf::ForOp dma) {
      if (hasNestedLoop(dma) || perf::getUnrollFactor(dma) >= lanes)
        return;
      bool touchesMemory = false;
      dma.getBody()->walk([&](Operation *op) {
        Value memref;
        if (auto load = dyn_cast<memref::LoadOp>(op))
          memref = load.getMemRef();
        else if (auto store = dyn_cast<memref::StoreOp>(op))
          memref = store.getMemRef();
        touchesMemory |= memref && isa<BlockArgument>(memref);
      });
      std::optional<int64_t> trip = simpleTripCount(dma);
      if (touchesMemory && trip && *trip % lanes == 0)
        dma->setAttr("dataflow.unroll",
                     OpBuilder(dma).getI64IntegerAttr(lanes));
    });
  }
};

} // namespace
