//===- KernelModel.cpp - The performance model of a lowered kernel --------===//

#include "streamtensor/Performance/KernelModel.h"

#include "streamtensor/Analysis/ChannelSharing.h"
#include "streamtensor/Analysis/TaskProfile.h"
#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Performance/FloatSums.h"
#include "streamtensor/Simulation/Simulator.h"

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>
#include <memory>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::perf;
using namespace streamtensor::dataflow;

namespace {

/// Whether `memref` is a token's pack buffer, which the emitter partitions
/// completely (`dataflow.lanes`): registers, with no port to wait for.
bool isPackBuffer(Value memref) {
  auto alloca = memref.getDefiningOp<memref::AllocaOp>();
  return alloca && alloca->hasAttr("dataflow.lanes");
}

/// The platform operator an arithmetic op maps to, and the one to fall back
/// to when the platform has no figure for it. Empty for ops that are wiring
/// (index arithmetic, sign flips, selects, constants).
std::pair<StringRef, StringRef> operatorOf(Operation *op) {
  return TypeSwitch<Operation *, std::pair<StringRef, StringRef>>(op)
      .Case<arith::AddFOp, arith::SubFOp>(
          [](auto) { return std::make_pair("fadd", ""); })
      .Case([](arith::MulFOp) { return std::make_pair("fmul", ""); })
      .Case([](arith::DivFOp) { return std::make_pair("fdiv", ""); })
      .Case([](math::ExpOp) { return std::make_pair("fexp", ""); })
      .Case<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
            arith::MinNumFOp>(
          [](auto) { return std::make_pair("fmax", "fcmp"); })
      .Case([](arith::CmpFOp) { return std::make_pair("fcmp", ""); })
      .Case([](math::SqrtOp) { return std::make_pair("fsqrt", "fdiv"); })
      .Case([](math::RsqrtOp) { return std::make_pair("frsqrt", "fdiv"); })
      .Case<math::TanhOp, math::LogOp, math::ErfOp, math::PowFOp, math::CosOp,
            math::SinOp>([](auto) { return std::make_pair("fexp", ""); })
      .Case<arith::SIToFPOp, arith::UIToFPOp, arith::FPToSIOp, arith::FPToUIOp,
            arith::ExtFOp, arith::TruncFOp>(
          [](auto) { return std::make_pair("fconvert", "fadd"); })
      .Case([](arith::MulIOp op) {
        // An 8-bit multiply is the platform's int8 MAC; a wider one has no
        // figure of its own yet and is priced like a float multiply (3 DSPs
        // for 32 bits, as DSP48E2s chain). What counts is the operands'
        // width before extension: HLS narrows `(int32_t)a * (int32_t)b` of
        // int8 a and b to an 8x8-bit multiply (a quantized matmul's MAC).
        // A multiply that computes two MACs at once is that MAC's operator
        // (dataflow-pack-macs).
        if (op.getType().isIndex())
          return std::make_pair(StringRef(), StringRef());
        if (auto packed = op->getAttrOfType<StringAttr>(kPackedMacAttr))
          return std::make_pair(packed.getValue(), StringRef("fmul"));
        return std::max(getSignificantBits(op.getLhs()),
                        getSignificantBits(op.getRhs())) <= 8
                   ? std::make_pair(StringRef("imul"), StringRef("fmul"))
                   : std::make_pair(StringRef("imul_wide"), StringRef("fmul"));
      })
      .Case<arith::AddIOp, arith::SubIOp>([](auto op) {
        return op.getType().isIndex() ? std::make_pair("", "")
                                      : std::make_pair("iadd", "");
      })
      .Default([](Operation *) { return std::make_pair("", ""); });
}

/// The part of the platform's integer add (32 bits wide) that an add of
/// `bits` bits is: HLS sizes an add to its operands, a LUT and a register
/// per bit.
double getAddPart(int64_t bits) { return std::min(1.0, double(bits) / 32.0); }

/// The adds, in parts of a 32-bit one, of a balanced tree that sums
/// `values` values of `bits` bits: each level halves the values and needs
/// a bit more.
double getAdderTreeParts(int64_t values, int64_t bits) {
  double parts = 0;
  for (int64_t width = bits; values > 1; values = (values + 1) / 2)
    parts += double(values / 2) * getAddPart(++width);
  return parts;
}

/// Builds the loop tree of one process function.
class ProcessBuilder {
public:
  ProcessBuilder(const ModelParameters &params, ProcessInfo &info,
                 const DenseMap<Value, int> &fifoOf,
                 const DenseMap<Value, DmaInfo> &portOf)
      : params(params), info(info), fifoOf(fifoOf), portOf(portOf) {}

  FailureOr<LoopTree> build(func::FuncOp function) {
    FailureOr<std::vector<LoopTree>> children =
        buildBlock(function.getBody().front());
    if (failed(children))
      return failure();
    return LoopTree::makeSequence(1, std::move(*children));
  }

private:
  const ModelParameters &params;
  ProcessInfo &info;
  const DenseMap<Value, int> &fifoOf;
  const DenseMap<Value, DmaInfo> &portOf;
  /// How many times the block being built runs per run of the process.
  int64_t repetitions = 1;

  FailureOr<int64_t> tripCount(scf::ForOp loop) {
    if (std::optional<int64_t> trips = getConstantTripCount(loop))
      return *trips;
    return loop.emitError("loop bounds must be constants to be profiled");
  }

  /// The ops of a pipelined loop's body, each with its copies per iteration
  /// (the lanes of the completely unrolled loops it sits in).
  static void
  collectBody(Block &block, int64_t lanes,
              SmallVectorImpl<std::pair<Operation *, int64_t>> &ops) {
    for (Operation &op : block.without_terminator()) {
      if (auto unrolled = dyn_cast<scf::ForOp>(op)) {
        // Only completely unrolled loops are here: their bounds are known.
        int64_t trips = getConstantTripCount(unrolled).value_or(1);
        collectBody(*unrolled.getBody(), lanes * trips, ops);
        continue;
      }
      ops.push_back({&op, lanes});
    }
  }

  /// The ops of a pipelined nest's body that compute the same value in
  /// every iteration and every unrolled copy (a layer norm's 1/sqrt of the
  /// variance inside its elementwise loop): their operands come from
  /// outside the nest, from loads of memories the nest does not write, at
  /// such addresses, or from other such ops.
  static DenseSet<Operation *>
  findInvariantOps(MutableArrayRef<scf::ForOp> nest,
                   ArrayRef<std::pair<Operation *, int64_t>> bodyOps) {
    Region &outermost = nest.front().getRegion();
    DenseSet<Value> written;
    for (auto [op, lanes] : bodyOps)
      if (auto store = dyn_cast<memref::StoreOp>(op))
        written.insert(store.getMemRef());
      else if (!isa<memref::LoadOp>(op) && !isPure(op))
        for (Value operand : op->getOperands())
          if (isa<MemRefType>(operand.getType()))
            written.insert(operand);
    DenseSet<Operation *> invariant;
    auto isInvariant = [&](Value value) {
      if (Operation *def = value.getDefiningOp())
        return invariant.contains(def) ||
               !outermost.isAncestor(def->getParentRegion());
      return !outermost.isAncestor(value.getParentRegion());
    };
    for (auto [op, lanes] : bodyOps) {
      bool candidate = isPure(op) && op->getNumRegions() == 0;
      if (auto load = dyn_cast<memref::LoadOp>(op))
        candidate = !written.contains(load.getMemRef());
      if (candidate && llvm::all_of(op->getOperands(), isInvariant))
        invariant.insert(op);
    }
    return invariant;
  }

  /// How many lanes of the completely unrolled loops around `store`
  /// (inside `body`, the pipelined loop's) write the address it writes:
  /// those of the loops its indices do not follow, when the body also
  /// loads that address (an accumulator).
  static int64_t getLanesSharingAddress(memref::StoreOp store, Block &body) {
    if (!isAccumulatorUpdate(store, *body.getParent()))
      return 1;
    int64_t lanes = 1;
    for (Operation *parent = store->getParentOp();
         parent && parent != body.getParentOp();
         parent = parent->getParentOp()) {
      auto unrolled = dyn_cast<scf::ForOp>(parent);
      if (unrolled && !addressFollows(store, unrolled.getInductionVar()))
        lanes *= getConstantTripCount(unrolled).value_or(1);
    }
    return lanes;
  }

  int fifoFor(Value stream) const {
    auto it = fifoOf.find(stream);
    return it == fifoOf.end() ? -1 : it->second;
  }

  FailureOr<std::vector<LoopTree>> buildBlock(Block &block) {
    std::vector<LoopTree> children;
    std::vector<int> releasedAtEnd;
    for (Operation &op : block.without_terminator()) {
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        SmallVector<scf::ForOp> nest = {loop};
        while (scf::ForOp inner = getPerfectlyNested(nest.back()))
          nest.push_back(inner);
        if (isInnermostLoop(nest.back())) {
          FailureOr<LoopTree> leaf = buildLeaf(nest);
          if (failed(leaf))
            return failure();
          children.push_back(std::move(*leaf));
          continue;
        }
        FailureOr<int64_t> trips = tripCount(loop);
        if (failed(trips))
          return failure();
        // Everything inside runs `trips` times per run of this block.
        repetitions *= std::max<int64_t>(1, *trips);
        FailureOr<std::vector<LoopTree>> body = buildBlock(*loop.getBody());
        repetitions /= std::max<int64_t>(1, *trips);
        if (failed(body))
          return failure();
        children.push_back(LoopTree::makeSequence(*trips, std::move(*body),
                                                  params.loopOverhead));
        continue;
      }
      if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
        MemRefType type = alloca.getType();
        BufferInfo buffer;
        buffer.name = "buffer" + std::to_string(info.buffers.size());
        buffer.elements = type.getNumElements();
        buffer.width = getBitWidth(type.getElementType());
        buffer.bits = buffer.elements * buffer.width;
        info.buffers.push_back(buffer);
        continue;
      }
      // A ping-pong block is taken from the buffer when acquired; a block
      // being filled is handed over when its scope ends.
      if (auto acquire = dyn_cast<BlockAcquireOp>(op)) {
        int fifo = fifoFor(acquire.getBuffer());
        if (fifo < 0)
          return acquire.emitError("acquires a block of an unknown buffer");
        if (acquire.getWrite()) {
          releasedAtEnd.push_back(fifo);
        } else {
          PipelinedLoop take;
          take.reads.push_back(fifo);
          children.push_back(LoopTree::makeLeaf(take));
        }
        continue;
      }
      if (isa<StreamReadOp, StreamWriteOp>(op)) {
        // A lone access outside any loop: one iteration of its own.
        FailureOr<LoopTree> leaf = buildStraightLine(op);
        if (failed(leaf))
          return failure();
        children.push_back(std::move(*leaf));
      }
    }
    for (int fifo : releasedAtEnd) {
      PipelinedLoop release;
      release.writes.push_back(fifo);
      children.push_back(LoopTree::makeLeaf(release));
    }
    return children;
  }

  FailureOr<LoopTree> buildStraightLine(Operation &op) {
    PipelinedLoop loop;
    if (auto read = dyn_cast<StreamReadOp>(op)) {
      int fifo = fifoFor(read.getStream());
      if (fifo < 0)
        return op.emitError("reads a stream that is not a kernel FIFO");
      loop.reads.push_back(fifo);
    } else if (auto write = dyn_cast<StreamWriteOp>(op)) {
      int fifo = fifoFor(write.getStream());
      if (fifo < 0)
        return op.emitError("writes a stream that is not a kernel FIFO");
      loop.writes.push_back(fifo);
    }
    return LoopTree::makeLeaf(loop);
  }

  /// The loop induction variables `value` depends on, among `ivs`.
  static void collectIvs(Value value, const DenseSet<Value> &ivs,
                         DenseSet<Value> &used) {
    SmallVector<Value> worklist = {value};
    DenseSet<Value> visited;
    while (!worklist.empty()) {
      Value current = worklist.pop_back_val();
      if (!visited.insert(current).second)
        continue;
      if (ivs.contains(current)) {
        used.insert(current);
        continue;
      }
      if (Operation *def = current.getDefiningOp())
        for (Value operand : def->getOperands())
          worklist.push_back(operand);
    }
  }

  OperatorCost costOf(Operation *op, bool &known) {
    known = true;
    // Inside a packed MAC's DSP: a pipeline stage, no fabric.
    if (op->hasAttr(kPackedMacPartAttr))
      return {1, 0, 0, 0};
    auto [name, fallback] = operatorOf(op);
    if (name.empty())
      return {0, 0, 0, 0};
    if (std::optional<OperatorCost> cost = params.lookupOperator(name)) {
      if (name == "iadd") {
        double part = getAddPart(getSignificantBits(op->getResult(0)));
        cost->lut *= part;
        cost->ff *= part;
      }
      return *cost;
    }
    known = false;
    if (!fallback.empty())
      if (std::optional<OperatorCost> cost = params.lookupOperator(fallback)) {
        info.notes.push_back("no platform figure for '" + name.str() + "' (" +
                             op->getName().getStringRef().str() +
                             "); estimated as '" + fallback.str() + "'");
        return *cost;
      }
    info.notes.push_back("no platform figure for '" + name.str() +
                         "'; estimated as 1 cycle and no DSP");
    return {1, 0, 0, 0};
  }

  FailureOr<LoopTree> buildLeaf(SmallVector<scf::ForOp> nest) {
    SmallVector<int64_t> trips;
    int64_t elements = 1;
    for (scf::ForOp loop : nest) {
      FailureOr<int64_t> trip = tripCount(loop);
      if (failed(trip))
        return failure();
      trips.push_back(*trip);
      elements *= *trip;
    }
    int64_t unroll = 1;
    for (scf::ForOp loop : nest)
      unroll = std::max(unroll, getUnrollFactor(loop));

    PipelinedLoop leaf;
    SmallVector<std::pair<Operation *, int64_t>> bodyOps;
    collectBody(*nest.back().getBody(), 1, bodyOps);
    DenseSet<Value> ivs;
    for (scf::ForOp loop : nest)
      ivs.insert(loop.getInductionVar());

    // First pass: FIFOs, memories and DMA ports the body touches.
    DenseMap<Value, int64_t> memoryAccesses;
    // In the order the body first touches them: the process's DMA records
    // (the report, `dataflow.dma`) list its ports in that order.
    llvm::MapVector<Value, int64_t> portBytes;
    DenseSet<Value> portsRead;
    for (auto [opPointer, lanes] : bodyOps) {
      Operation &op = *opPointer;
      if (auto read = dyn_cast<StreamReadOp>(op)) {
        int fifo = fifoFor(read.getStream());
        if (fifo < 0)
          return op.emitError("reads a stream that is not a kernel FIFO");
        leaf.reads.push_back(fifo);
      } else if (auto write = dyn_cast<StreamWriteOp>(op)) {
        int fifo = fifoFor(write.getStream());
        if (fifo < 0)
          return op.emitError("writes a stream that is not a kernel FIFO");
        leaf.writes.push_back(fifo);
      } else if (auto acquire = dyn_cast<BlockAcquireOp>(op)) {
        // A loop unrolled into one iteration (a widened one that covers its
        // whole range) may hold a ping-pong block's acquire: each iteration
        // takes (or hands over) one block.
        int fifo = fifoFor(acquire.getBuffer());
        if (fifo < 0)
          return op.emitError("acquires a block of an unknown buffer");
        (acquire.getWrite() ? leaf.writes : leaf.reads).push_back(fifo);
      } else if (isa<memref::LoadOp, memref::StoreOp>(op)) {
        Value memref = isa<memref::LoadOp>(op)
                           ? cast<memref::LoadOp>(op).getMemRef()
                           : cast<memref::StoreOp>(op).getMemRef();
        int64_t bytes =
            getBitWidth(cast<MemRefType>(memref.getType()).getElementType()) /
            8;
        if (portOf.count(memref)) {
          portBytes[memref] += std::max<int64_t>(1, bytes) * lanes;
          if (isa<memref::LoadOp>(op))
            portsRead.insert(memref);
        } else if (!isPackBuffer(memref)) {
          ++memoryAccesses[memref];
        }
      }
    }
    // Loops that stream cannot go faster than one token per cycle, so the
    // unroll pragma does not change them; pure compute loops run `unroll`
    // elements per iteration.
    bool touchesFifos = !leaf.reads.empty() || !leaf.writes.empty();
    int64_t copies = touchesFifos ? 1 : unroll;
    leaf.tripCount = (elements + copies - 1) / copies;

    // Latency: the longest chain through the body.
    DenseMap<Operation *, int64_t> reductionDelay;
    DenseMap<Value, int64_t> ready;
    DenseMap<Operation *, int64_t> startOf;
    int64_t latency = 1;
    int64_t ii = 1;
    auto readyOf = [&](Value value) {
      auto it = ready.find(value);
      return it == ready.end() ? int64_t(0) : it->second;
    };
    // What `count` updates of one element in one iteration (of unrolled
    // copies or lanes) add after the first: integer ones are balanced into
    // a tree (HLS balances integer expressions), one level of the
    // combining op per doubling; float ones (float arithmetic does not
    // reassociate) run one after the other, each reading the element the
    // previous one stored.
    auto getUpdatesDelay = [&](memref::StoreOp store, int64_t count) {
      Operation *combine = store.getValueToStore().getDefiningOp();
      if (count <= 1 || !combine || !startOf.count(combine) ||
          combine->getNumResults() != 1)
        return int64_t(0);
      int64_t combineLatency = std::max<int64_t>(
          1, readyOf(combine->getResult(0)) - startOf[combine]);
      if (combine->getResult(0).getType().isInteger())
        return int64_t(llvm::Log2_64_Ceil(count)) * combineLatency;
      return (count - 1) * (params.memoryReadLatency + combineLatency + 1);
    };
    DenseSet<Operation *> invariant = findInvariantOps(nest, bodyOps);
    // Float sums dataflow-split-float-sums will spread over partial sums
    // (the unroller unrolls them on that promise): their updates go to
    // different partial sums, each coming back after that many updates.
    DenseMap<Operation *, int64_t> plannedPartials;
    for (auto [opPointer, lanes] : bodyOps)
      if (auto store = dyn_cast<memref::StoreOp>(opPointer))
        if (std::optional<FloatSum> sum = matchFloatSum(store))
          plannedPartials[store] = sum->partials;
    // The integer adds that update an accumulator from several lanes at
    // once: HLS sums the lanes' values in a balanced tree, then adds the
    // sum to the element once. The tree's adds are as wide as their
    // operands need (a product of an int8 and an int4 has 12 bits; each
    // level adds one), a fraction of the 32-bit accumulator's add.
    DenseMap<Operation *, double> addsPerInstance;
    for (auto [opPointer, lanes] : bodyOps) {
      auto store = dyn_cast<memref::StoreOp>(opPointer);
      if (!store || lanes <= 1)
        continue;
      auto combine = store.getValueToStore().getDefiningOp<arith::AddIOp>();
      int64_t sharing = getLanesSharingAddress(store, *nest.back().getBody());
      if (!combine || sharing <= 1)
        continue;
      Value addend = combine.getRhs();
      if (auto load = addend.getDefiningOp<memref::LoadOp>();
          load && load.getMemRef() == store.getMemRef())
        addend = combine.getLhs();
      addsPerInstance[combine] =
          (getAdderTreeParts(sharing, getSignificantBits(addend)) + 1.0) /
          double(sharing);
    }
    // A value stored to a buffer can be loaded once the store is done (the
    // pack buffers of wide tokens pass values this way).
    DenseMap<Value, int64_t> storedBy;
    for (auto [opPointer, lanes] : bodyOps) {
      Operation &op = *opPointer;
      int64_t start = 0;
      for (Value operand : op.getOperands())
        start = std::max(start, readyOf(operand));
      // An accumulator that completely unrolled lanes of the body update
      // together (an unrolled reduction) stores the combination of all of
      // them.
      if (auto store = dyn_cast<memref::StoreOp>(op)) {
        if (lanes > 1 && !plannedPartials.count(store)) {
          reductionDelay[&op] = getUpdatesDelay(
              store, getLanesSharingAddress(store, *nest.back().getBody()));
          start += reductionDelay[&op];
        }
      }
      if (auto load = dyn_cast<memref::LoadOp>(op))
        start = std::max(start, storedBy.lookup(load.getMemRef()));
      if (auto load = dyn_cast<vector::LoadOp>(op))
        start = std::max(start, storedBy.lookup(load.getBase()));
      startOf[&op] = start;
      int64_t opLatency = 0;
      if (isa<memref::LoadOp>(op))
        opLatency = params.memoryReadLatency;
      else if (isa<memref::StoreOp, StreamWriteOp, StreamReadOp, vector::LoadOp,
                   vector::StoreOp>(op))
        opLatency = 1;
      else {
        bool known;
        OperatorCost cost = costOf(&op, known);
        opLatency = cost.latency;
        // The copies of an op that reads only what the nest does not
        // change are one and the same (HLS merges them, or hoists the op).
        int64_t instances = invariant.contains(&op) ? 1 : copies * lanes;
        info.operators.dsp += cost.dsp * instances;
        double adds = double(instances) * addsPerInstance.lookup_or(&op, 1.0);
        info.operators.lut += cost.lut * adds;
        info.operators.ff += cost.ff * adds;
        if (isa<arith::MulFOp, arith::MulIOp>(op) &&
            !op.getResult(0).getType().isIndex())
          info.macs += elements * repetitions * lanes *
                       (op.hasAttr(kPackedMacAttr) ? 2 : 1);
        if (op.getNumResults() == 1 &&
            isa<FloatType>(op.getResult(0).getType()) &&
            !operatorOf(&op).first.empty())
          info.flops += elements * repetitions * lanes;
      }
      for (Value result : op.getResults())
        ready[result] = start + opLatency;
      if (auto store = dyn_cast<memref::StoreOp>(op))
        storedBy[store.getMemRef()] =
            std::max(storedBy.lookup(store.getMemRef()), start + opLatency);
      if (auto store = dyn_cast<vector::StoreOp>(op))
        storedBy[store.getBase()] =
            std::max(storedBy.lookup(store.getBase()), start + opLatency);
      latency = std::max(latency, start + opLatency);
    }

    int64_t recurrenceDelay = 0;
    // Loop-carried accumulation: a store to the address a load of the same
    // body read. The address comes round again after `distance` element
    // iterations (the product of the trip counts inside the innermost loop
    // the address does not follow), and the chain must finish by then.
    for (auto [opPointer, lanes] : bodyOps) {
      auto store = dyn_cast<memref::StoreOp>(opPointer);
      if (!store)
        continue;
      for (auto [otherPointer, otherLanes] : bodyOps) {
        auto load = dyn_cast<memref::LoadOp>(otherPointer);
        if (!load || load.getMemRef() != store.getMemRef() ||
            load.getIndices() != store.getIndices())
          continue;
        DenseSet<Value> used;
        for (Value index : store.getIndices())
          collectIvs(index, ivs, used);
        int64_t distance = 1;
        bool recurs = false;
        for (int level = static_cast<int>(nest.size()) - 1; level >= 0;
             --level) {
          if (!used.contains(nest[level].getInductionVar())) {
            recurs = true;
            break;
          }
          distance *= trips[level];
        }
        // Partial sums (dataflow-split-float-sums): each comes back after
        // their number of iterations.
        if (auto partial =
                store.getMemRef().getDefiningOp<memref::AllocaOp>())
          if (auto partials = partial->getAttrOfType<IntegerAttr>(
                  "dataflow.partial_sums")) {
            recurs = true;
            distance = partials.getInt();
          }
        if (auto planned = plannedPartials.find(store);
            planned != plannedPartials.end()) {
          recurs = true;
          distance = planned->second;
        }
        if (!recurs)
          continue;
        // An integer accumulator's load need not issue before its add
        // uses it (the schedule moves it there to meet the II): the
        // lanes' products, summed in a tree beside it, do not come round
        // again. (Float updates keep the chain as it was measured.)
        bool balanced = store.getValueToStore().getType().isInteger();
        int64_t loadStart = startOf[load];
        if (balanced)
          for (Operation *user : load->getUsers())
            if (startOf.count(user))
              loadStart =
                  std::max(loadStart, startOf[user] - params.memoryReadLatency);
        int64_t chain = readyOf(store.getValueToStore()) +
                        reductionDelay.lookup(store) - loadStart + 1;
        // The unrolled copies of one iteration that update the same
        // address lengthen it (a loop unrolled completely is all one
        // iteration). Balanced into a tree, integer updates feed one update
        // of the element per iteration; float ones each wait for the whole
        // chain of the previous one.
        int64_t chained = (copies + distance - 1) / distance;
        ii = std::max(ii, ((balanced ? chain : chain * copies) + distance - 1) /
                              distance);
        recurrenceDelay =
            std::max(recurrenceDelay, getUpdatesDelay(store, chained));
      }
    }
    latency += recurrenceDelay;
    // Memory ports: each array has two (a dual-port RAM); unrolled copies
    // go to their own cyclic partitions.
    for (auto &[memref, accesses] : memoryAccesses)
      ii = std::max(ii, (accesses + 1) / 2);
    // DMAs: the bytes an iteration moves at the bandwidth of its port. The
    // schedule keeps its II; the port may make the average interval a
    // fraction of a cycle longer (the loop stalls now and then).
    double paced = double(ii);
    for (auto &[memref, bytes] : portBytes) {
      const DmaInfo &dma = portOf.lookup(memref);
      double bandwidth = std::min(dma.bytesPerCycle, params.axiBytesPerCycle);
      double perIteration = double(bytes * copies);
      paced = std::max(paced, perIteration / bandwidth);
      recordDma(memref, bytes * elements * repetitions,
                portsRead.contains(memref));
    }
    if (!portsRead.empty())
      latency += params.hbmReadLatency;

    setInterval(leaf, paced);
    leaf.latency = latency;
    splitTokens(leaf);
    return LoopTree::makeLeaf(leaf);
  }

  /// A loop that moves k tokens of each of its FIFOs per iteration (a
  /// computation that takes k tokens of a tile at once,
  /// dataflow-fuse-tile-reads) becomes k iterations of one token each, the
  /// simulator's unit, at the loop's pace. Uneven counts stay as they are
  /// (the simulator names the FIFO).
  static void splitTokens(PipelinedLoop &leaf) {
    std::map<std::pair<bool, int>, int64_t> count;
    for (int fifo : leaf.reads)
      ++count[{true, fifo}];
    for (int fifo : leaf.writes)
      ++count[{false, fifo}];
    if (count.empty())
      return;
    int64_t tokens = count.begin()->second;
    for (auto &[fifo, moved] : count)
      if (moved != tokens)
        return;
    if (tokens <= 1)
      return;
    // Keep the body's order of first access.
    auto firstOf = [](const std::vector<int> &all) {
      std::vector<int> unique;
      for (int fifo : all)
        if (std::find(unique.begin(), unique.end(), fifo) == unique.end())
          unique.push_back(fifo);
      return unique;
    };
    leaf.reads = firstOf(leaf.reads);
    leaf.writes = firstOf(leaf.writes);
    leaf.tripCount *= tokens;
    double interval =
        double(leaf.ii) + double(leaf.iiFraction) / double(kCycleFractions);
    setInterval(leaf, std::max(1.0, interval / double(tokens)));
  }

  /// Sets `leaf`'s II and its fraction to `interval` cycles (at least 1).
  static void setInterval(PipelinedLoop &leaf, double interval) {
    int64_t fractions = static_cast<int64_t>(
        std::ceil(interval * double(kCycleFractions) - 1e-6));
    leaf.ii = std::max<int64_t>(1, fractions / kCycleFractions);
    leaf.iiFraction = leaf.ii * kCycleFractions >= fractions
                          ? 0
                          : fractions % kCycleFractions;
  }

  /// Adds `bytes` moved through the port of `memref`; a DMA reads its
  /// port when any of its loops loads from it.
  void recordDma(Value memref, int64_t bytes, bool reads) {
    DmaInfo dma = portOf.lookup(memref);
    for (DmaInfo &existing : info.dmas)
      if (existing.port == dma.port) {
        existing.bytes += bytes;
        existing.isRead |= reads;
        return;
      }
    dma.bytes = bytes;
    dma.isRead = reads;
    info.dmas.push_back(dma);
  }
};

/// Stretches every loop of `tree` by `factor`, rounding down (an II stays
/// at least 1), so that the result is never longer than asked.
void stretch(LoopTree &tree, double factor) {
  auto scale = [&](int64_t cycles) {
    return int64_t(std::floor(double(cycles) * factor));
  };
  if (tree.isLeaf) {
    tree.leaf.ii = std::max<int64_t>(1, scale(tree.leaf.ii));
    tree.leaf.latency = scale(tree.leaf.latency);
    return;
  }
  tree.overhead = scale(tree.overhead);
  for (LoopTree &child : tree.children)
    stretch(child, factor);
}

/// A Vitis HLS report measured this process: its loops are stretched to the
/// measured latency (what rounding leaves is an idle tail, so the process
/// ends at the measured cycle), and its resources are what was synthesised,
/// memories included.
void applyCsynth(DictionaryAttr csynth, LoopTree &tree, ProcessInfo &info) {
  auto get = [&](StringRef name) -> std::optional<int64_t> {
    if (auto value = csynth.getAs<IntegerAttr>(name))
      return value.getInt();
    return std::nullopt;
  };
  if (std::optional<int64_t> latency = get("latency")) {
    int64_t estimate = profileProcess({info.name, tree}).latency;
    if (estimate > 0) {
      stretch(tree, double(*latency) / double(estimate));
      int64_t stretched = profileProcess({info.name, tree}).latency;
      if (stretched < *latency) {
        PipelinedLoop idle;
        idle.latency = *latency - stretched;
        tree.children.push_back(LoopTree::makeLeaf(idle));
      } else if (stretched > *latency) {
        info.notes.push_back("csynth measured " + std::to_string(*latency) +
                             " cycles, fewer than the model can shrink to (" +
                             std::to_string(stretched) +
                             "): its loops already run at II 1");
      }
    }
  }
  auto set = [&](StringRef name, double &field) {
    if (std::optional<int64_t> value = get(name))
      field = double(*value);
  };
  set("dsp", info.operators.dsp);
  set("lut", info.operators.lut);
  set("ff", info.operators.ff);
  set("bram18k", info.operators.bram18k);
  set("uram", info.operators.uram);
}

} // namespace

std::optional<int64_t> perf::getConstantTripCount(scf::ForOp loop) {
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lower || !upper || !step || *step <= 0)
    return std::nullopt;
  return std::max<int64_t>(0, (*upper - *lower + *step - 1) / *step);
}

int64_t perf::getUnrollFactor(Operation *loop) {
  auto unroll = loop->getAttrOfType<IntegerAttr>("dataflow.unroll");
  return unroll ? std::max<int64_t>(1, unroll.getInt()) : 1;
}

bool perf::isAccumulatorUpdate(memref::StoreOp store, Region &region) {
  bool accumulates = false;
  region.walk([&](memref::LoadOp load) {
    accumulates |= load.getMemRef() == store.getMemRef() &&
                   load.getIndices() == store.getIndices();
  });
  return accumulates;
}

/// Whether any of `values` is computed from `iv`.
static bool anyDependsOn(ValueRange values, Value iv) {
  SmallVector<Value> worklist(values);
  DenseSet<Value> visited;
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    if (current == iv)
      return true;
    if (!visited.insert(current).second)
      continue;
    if (Operation *def = current.getDefiningOp())
      llvm::append_range(worklist, def->getOperands());
  }
  return false;
}

bool perf::addressFollows(memref::StoreOp store, Value iv) {
  return anyDependsOn(store.getIndices(), iv);
}

bool perf::dependsOn(Value value, Value iv) { return anyDependsOn(value, iv); }

/// Whether `index` is `iv` or a sum with it among the terms.
static bool indexWalks(Value index, Value iv) {
  if (index == iv)
    return true;
  auto sum = index.getDefiningOp<arith::AddIOp>();
  return sum && (indexWalks(sum.getLhs(), iv) || indexWalks(sum.getRhs(), iv));
}

void perf::forEachUnrolledAccess(
    func::FuncOp process,
    function_ref<void(Value memory, unsigned dimension, int64_t factor)>
        visit) {
  process.walk([&](scf::ForOp loop) {
    auto unroll = loop->getAttrOfType<IntegerAttr>("dataflow.unroll");
    if (!unroll)
      return;
    loop.walk([&](Operation *access) {
      Value memory;
      ValueRange indices;
      if (auto load = dyn_cast<memref::LoadOp>(access))
        memory = load.getMemRef(), indices = load.getIndices();
      else if (auto store = dyn_cast<memref::StoreOp>(access))
        memory = store.getMemRef(), indices = store.getIndices();
      else
        return;
      // A loop by steps of s touches unroll * s consecutive elements when
      // the body also reads the ones in between (a pair of packed MACs'
      // columns): cyclic partitions of that many keep them apart.
      int64_t step = getConstantIntValue(loop.getStep()).value_or(1);
      for (auto [dim, index] : llvm::enumerate(indices))
        if (indexWalks(index, loop.getInductionVar()))
          visit(memory, unsigned(dim),
                unroll.getInt() * std::max<int64_t>(1, step));
    });
  });
}

bool perf::isFullyUnrolled(scf::ForOp loop) {
  std::optional<int64_t> trips = getConstantTripCount(loop);
  if (!trips)
    return false;
  // A loop of one iteration is its body: the loop around it pipelines it
  // (the lane loops of a DMA whose tile is one token wide).
  if (*trips <= 1)
    return true;
  auto unroll = loop->getAttrOfType<IntegerAttr>("dataflow.unroll");
  return unroll && unroll.getInt() >= *trips;
}

scf::ForOp perf::getPerfectlyNested(scf::ForOp loop) {
  scf::ForOp nested;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (auto inner = dyn_cast<scf::ForOp>(op)) {
      if (nested || isFullyUnrolled(inner))
        return {};
      nested = inner;
      continue;
    }
    if (!isPure(&op))
      return {};
  }
  return nested;
}

bool perf::isInnermostLoop(scf::ForOp loop) {
  bool innermost = true;
  loop.getBody()->walk(
      [&](scf::ForOp nested) { innermost &= isFullyUnrolled(nested); });
  return innermost;
}

/// The copies per iteration the completely unrolled loops in `block` make
/// of the ops inside them, at most.
static int64_t getUnrolledLanes(Block &block) {
  int64_t lanes = 1;
  for (auto loop : block.getOps<scf::ForOp>())
    if (isFullyUnrolled(loop))
      lanes = std::max(lanes, getConstantTripCount(loop).value_or(1) *
                                  getUnrolledLanes(*loop.getBody()));
  return lanes;
}

int64_t perf::getLanesPerCycle(func::FuncOp process) {
  int64_t lanes = 1;
  process.walk([&](scf::ForOp loop) {
    if (!isFullyUnrolled(loop)) {
      if (isInnermostLoop(loop))
        lanes = std::max(lanes, getUnrollFactor(loop) *
                                    getUnrolledLanes(*loop.getBody()));
      return;
    }
    // A nest unrolled completely outside any pipelined loop (beside other
    // loops in a loop's body, as a matmul's MACs over a tile are) is one
    // step of all its lanes; inside a pipelined or unrolled loop it is
    // counted with that loop. A loop of one iteration around other loops
    // is no such nest.
    auto parent = loop->getParentOfType<scf::ForOp>();
    if (!isInnermostLoop(loop) ||
        (parent && (isFullyUnrolled(parent) || isInnermostLoop(parent))))
      return;
    lanes = std::max(lanes, getConstantTripCount(loop).value_or(1) *
                                getUnrolledLanes(*loop.getBody()));
  });
  return lanes;
}

int64_t perf::getSignificantBits(Value value) {
  Type type = value.getType();
  if (!type.isSignlessInteger())
    return getBitWidth(type);
  int64_t width = type.getIntOrFloatBitWidth();
  Operation *def = value.getDefiningOp();
  if (!def)
    return width;
  auto shiftOf = [](Value amount) -> std::optional<int64_t> {
    APInt constant;
    if (matchPattern(amount, m_ConstantInt(&constant)))
      return constant.getSExtValue();
    return std::nullopt;
  };
  int64_t bits =
      TypeSwitch<Operation *, int64_t>(def)
          .Case([&](arith::ConstantOp constant) {
            auto integer = dyn_cast<IntegerAttr>(constant.getValue());
            return integer ? int64_t(integer.getValue().getSignificantBits())
                           : width;
          })
          .Case([&](arith::ExtSIOp extension) {
            return getSignificantBits(extension.getIn());
          })
          .Case([&](arith::ExtUIOp extension) {
            return int64_t(
                       extension.getIn().getType().getIntOrFloatBitWidth()) +
                   1;
          })
          .Case([&](arith::ShRSIOp shift) {
            std::optional<int64_t> amount = shiftOf(shift.getRhs());
            return amount ? std::max<int64_t>(
                                1, getSignificantBits(shift.getLhs()) - *amount)
                          : width;
          })
          .Case([&](arith::ShLIOp shift) {
            std::optional<int64_t> amount = shiftOf(shift.getRhs());
            return amount ? getSignificantBits(shift.getLhs()) + *amount
                          : width;
          })
          .Case<arith::AddIOp, arith::SubIOp>([&](auto sum) {
            return std::max(getSignificantBits(sum.getLhs()),
                            getSignificantBits(sum.getRhs())) +
                   1;
          })
          .Case([&](arith::MulIOp product) {
            return getSignificantBits(product.getLhs()) +
                   getSignificantBits(product.getRhs());
          })
          .Case([&](arith::SelectOp select) {
            return std::max(getSignificantBits(select.getTrueValue()),
                            getSignificantBits(select.getFalseValue()));
          })
          .Default([&](Operation *) { return width; });
  return std::min(bits, width);
}

int64_t perf::getBitWidth(Type type) {
  if (type.isIntOrFloat())
    return type.getIntOrFloatBitWidth();
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getNumElements() * getBitWidth(shaped.getElementType());
  return 64; // index
}

ModelParameters perf::getModelParameters(const Platform &platform) {
  ModelParameters params;
  // Our names for operators the platform files spell differently.
  static const std::pair<const char *, const char *> aliases[] = {
      {"iadd", "add_i32"}, {"imul", "mac_i8i8"}};
  // A copy: the parameters may outlive the platform they came from.
  auto target = std::make_shared<const Platform>(platform);
  params.lookupOperator =
      [target](StringRef name) -> std::optional<OperatorCost> {
    for (const auto &[ours, theirs] : aliases)
      if (name == ours)
        name = theirs;
    const OperatorSpec *spec = target->lookupOperator(name);
    if (!spec)
      return std::nullopt;
    return OperatorCost{spec->latency, double(spec->dsp), double(spec->lut),
                        double(spec->ff)};
  };
  params.hbmChannels = platform.hbm.pseudoChannels;
  params.hbmBytesPerCycle = platform.getHbmBytesPerCyclePerChannel();
  params.hbmReadLatency = platform.hbm.readLatencyCycles;
  params.axiBytesPerCycle = double(platform.hbm.kernelPortBits) / 8.0;
  return params;
}

/// The HBM pseudo-channel of each argument of `kernel` (getHbmChannel).
static std::vector<int64_t> getChannelOfArguments(func::FuncOp kernel,
                                                  const ModelParameters &params) {
  int64_t channels = std::max<int64_t>(1, params.hbmChannels);
  std::vector<int64_t> channelOf;
  for (BlockArgument arg : kernel.getArguments())
    channelOf.push_back(getHbmChannel(kernel, arg.getArgNumber(), channels) %
                        channels);
  return channelOf;
}

namespace {
/// What a process's model needs to know of the kernel around it: the FIFO
/// of each kernel value, and each HBM port's name and pseudo-channel.
struct KernelWiring {
  DenseMap<Value, int> fifoOfKernelValue;
  SmallVector<std::string> portNames;
  std::vector<int64_t> channelOfPort;
};
} // namespace

/// The wiring of `kernel`; with `design` and `fifoOps`, its FIFOs too.
static KernelWiring getKernelWiring(func::FuncOp kernel,
                                    const ModelParameters &params,
                                    Design *design = nullptr,
                                    std::vector<Operation *> *fifoOps = nullptr) {
  KernelWiring wiring;
  Block &body = kernel.getBody().front();
  auto argNames = kernel->getAttrOfType<ArrayAttr>("dataflow.arg_names");
  for (BlockArgument arg : body.getArguments()) {
    std::string name = "arg" + std::to_string(arg.getArgNumber());
    if (argNames && arg.getArgNumber() < argNames.size())
      if (auto text = dyn_cast<StringAttr>(argNames[arg.getArgNumber()]))
        name = text.str();
    wiring.portNames.push_back(name);
  }
  wiring.channelOfPort = getChannelOfArguments(kernel, params);

  int fifos = 0;
  for (Operation &op : body.without_terminator()) {
    Fifo fifo;
    if (auto stream = dyn_cast<StreamOp>(op)) {
      fifo.name = stream.getName() ? stream.getName()->str()
                                   : "fifo" + std::to_string(fifos);
      fifo.depth = stream.getType().getDepth();
      fifo.tokenBits = getBitWidth(stream.getType().getElementType());
      wiring.fifoOfKernelValue[stream.getResult()] = fifos;
    } else if (auto buffer = dyn_cast<BufferOp>(op)) {
      // A ping-pong buffer passes whole blocks: one is being filled and
      // one drained, so blocks - 1 of them can wait in between. A block
      // is taken from this FIFO when its reader acquires it, but the
      // reader holds it until its scope ends: a tile prefetch, whose
      // reader computes on each block, has only blocks - 2 waiting while
      // it does (with blocks - 1, the sizing ran one block ahead of the C
      // simulation and deadlocked it).
      auto name = buffer->getAttrOfType<StringAttr>("name");
      fifo.name = name ? name.str() : "buffer" + std::to_string(fifos);
      int64_t held = buffer.getPrefetch() ? 2 : 1;
      fifo.depth = std::max<int64_t>(1, buffer.getDepth() - held);
      fifo.tokenBits = getBitWidth(buffer.getType());
      wiring.fifoOfKernelValue[buffer.getMemref()] = fifos;
    } else {
      continue;
    }
    ++fifos;
    if (design)
      design->fifos.push_back(fifo);
    if (fifoOps)
      fifoOps->push_back(&op);
  }
  return wiring;
}

/// The model of the process `call` starts, the port of kernel argument i
/// with `shareOfArgument[i]` of its channel's bandwidth.
static FailureOr<std::pair<ProcessInfo, Process>>
buildProcess(func::CallOp call, const KernelWiring &wiring,
             const ModelParameters &params, ArrayRef<double> shareOfArgument) {
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  if (!callee || callee.isExternal())
    return call.emitError("calls a process that is not defined here");
  Block *body = call->getBlock();
  ProcessInfo info;
  auto role = callee->getAttrOfType<StringAttr>("dataflow.process");
  info.name = role ? role.str() : callee.getName().str();
  info.func = callee;
  DenseMap<Value, int> fifoOf;
  DenseMap<Value, DmaInfo> portOf;
  for (auto [index, operand] : llvm::enumerate(call.getOperands())) {
    Value argument = callee.getArgument(index);
    auto fifo = wiring.fifoOfKernelValue.find(operand);
    if (fifo != wiring.fifoOfKernelValue.end()) {
      fifoOf[argument] = fifo->second;
      continue;
    }
    auto port = dyn_cast<BlockArgument>(operand);
    if (port && port.getOwner() == body) {
      DmaInfo dma;
      dma.port = wiring.portNames[port.getArgNumber()];
      dma.argument = port.getArgNumber();
      dma.hbmChannel = wiring.channelOfPort[port.getArgNumber()];
      dma.bytesPerCycle =
          params.hbmBytesPerCycle * shareOfArgument[port.getArgNumber()];
      portOf[argument] = dma;
    }
  }
  ProcessBuilder builder(params, info, fifoOf, portOf);
  FailureOr<LoopTree> tree = builder.build(callee);
  if (failed(tree))
    return failure();
  if (auto csynth = callee->getAttrOfType<DictionaryAttr>("dataflow.csynth"))
    applyCsynth(csynth, *tree, info);
  Process process{info.name, std::move(*tree)};
  return std::make_pair(std::move(info), std::move(process));
}

/// The model of `kernel` in which the port of argument i gets
/// `shareOfArgument[i]` of its channel's bandwidth.
static FailureOr<KernelModel>
buildModelWithShares(func::FuncOp kernel, const ModelParameters &params,
                     ArrayRef<double> shareOfArgument) {
  KernelModel model;
  model.name = kernel.getName().str();
  KernelWiring wiring =
      getKernelWiring(kernel, params, &model.design, &model.fifoOps);
  for (auto call : kernel.getBody().front().getOps<func::CallOp>()) {
    FailureOr<std::pair<ProcessInfo, Process>> process =
        buildProcess(call, wiring, params, shareOfArgument);
    if (failed(process))
      return failure();
    model.processes.push_back(std::move(process->first));
    model.design.processes.push_back(std::move(process->second));
  }
  return model;
}

/// The most leaf iterations the simulation that finds when ports are
/// active may take.
constexpr int64_t kMaxSharingIterations = 2'000'000;

/// Each port's share of its channel when all the channel's ports stream
/// at once.
static std::vector<double> getEvenShares(func::FuncOp kernel,
                                         const ModelParameters &params) {
  std::vector<int64_t> channelOf = getChannelOfArguments(kernel, params);
  std::map<int64_t, int> portsOnChannel;
  for (BlockArgument arg : kernel.getArguments())
    if (isa<MemRefType>(arg.getType()))
      ++portsOnChannel[channelOf[arg.getArgNumber()]];
  std::vector<double> shares;
  for (int64_t channel : channelOf)
    shares.push_back(1.0 / std::max(1, portsOnChannel[channel]));
  return shares;
}

FailureOr<KernelModel> perf::buildKernelModel(func::FuncOp kernel,
                                              const ModelParameters &params) {
  if (!params.shareChannelsByActivity)
    return buildModelWithShares(kernel, params, getEvenShares(kernel, params));
  unsigned arguments = kernel.getNumArguments();
  std::vector<double> whole(arguments, 1.0);
  FailureOr<KernelModel> alone = buildModelWithShares(kernel, params, whole);
  if (failed(alone))
    return failure();

  // Ports share their channel while they are active together
  // (ChannelSharing.h): when they are active comes from a run in which each
  // has its channel to itself.
  std::map<int64_t, int> portsOnChannel;
  for (const ProcessInfo &process : alone->processes)
    for (const DmaInfo &dma : process.dmas)
      ++portsOnChannel[dma.hbmChannel];
  if (llvm::all_of(portsOnChannel, [](auto &entry) { return entry.second < 2; }))
    return alone;
  // Bounded, as a model is built wherever one is needed (resource checks
  // included): a kernel whose run needs more work shares evenly.
  SimulationOptions bounded;
  bounded.maxIterations = kMaxSharingIterations;
  SimulationResult run = simulate(alone->design, bounded);
  if (run.status != SimulationStatus::Completed)
    return buildModelWithShares(kernel, params, getEvenShares(kernel, params));
  std::vector<hbm::PortActivity> activity;
  std::vector<unsigned> argumentOf;
  for (auto [index, process] : llvm::enumerate(alone->processes))
    for (const DmaInfo &dma : process.dmas) {
      hbm::PortActivity port;
      port.channel = dma.hbmChannel;
      port.bytes = dma.bytes;
      // A DMA runs ahead as far as its FIFO lets it, then waits for its
      // reader: its busy cycles are taken as one stretch that ends when it
      // finishes, which is when it streams at its reader's pace.
      const ProcessStats &stats = run.processes[index];
      port.finish = stats.cycle;
      port.start = std::max<int64_t>(0, stats.cycle - stats.busyCycles);
      activity.push_back(port);
      argumentOf.push_back(dma.argument);
    }
  std::vector<double> shares = hbm::shareChannels(activity);
  std::vector<double> shareOfArgument = whole;
  bool shared = false;
  for (auto [port, share] : llvm::enumerate(shares)) {
    double &entry = shareOfArgument[argumentOf[port]];
    entry = std::min(entry, share);
    shared |= share < 1.0;
  }
  if (!shared)
    return alone;
  return buildModelWithShares(kernel, params, shareOfArgument);
}

FailureOr<std::pair<ProcessInfo, Process>>
perf::buildProcessModel(func::FuncOp kernel, const ModelParameters &params,
                        size_t index) {
  assert(!params.shareChannelsByActivity &&
         "a process alone cannot tell when its ports share their channels");
  KernelWiring wiring = getKernelWiring(kernel, params);
  auto calls = kernel.getBody().front().getOps<func::CallOp>();
  auto call = std::next(calls.begin(), index);
  return buildProcess(*call, wiring, params, getEvenShares(kernel, params));
}

perf::PartitionFactors perf::getPartitionFactors(func::FuncOp process) {
  PartitionFactors factors;
  forEachUnrolledAccess(
      process, [&](Value memory, unsigned dim, int64_t factor) {
        if (!memory.getDefiningOp())
          return; // a kernel argument: HBM
        int64_t size = cast<MemRefType>(memory.getType()).getDimSize(dim);
        int64_t &merged = factors[{memory.getDefiningOp(), dim}];
        merged = std::min(merged ? std::lcm(merged, factor) : factor, size);
      });
  return factors;
}
