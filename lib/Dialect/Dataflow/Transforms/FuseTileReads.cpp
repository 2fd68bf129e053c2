//===- FuseTileReads.cpp - Compute on a tile while it streams in ----------===//
//
// A process reads each input tile from its FIFO into a local buffer, then
// computes on the buffer (dataflow-lower-kernel-to-func): it spends a
// cycle per token on the fill before the computation starts. When the
// computation uses the tile's elements in the order the FIFO brings them,
// each token's elements in one iteration of its pipelined loop, the buffer
// is not needed: that loop reads the tokens itself. A matrix-vector product
// (a decode step), which uses each weight once, then computes while its
// weights stream in, instead of after each weight tile has arrived.
//
// This runs after WidenFifos, on the tokens as they are. Both sides are
// checked on the loops' actual iterations, not assumed from how they were
// built: the fill stores token t's lane j into element t*W + j of the
// buffer (row-major), and the i-th iteration of the computation's pipelined
// loop loads, through loops unrolled completely, exactly the elements of
// tokens i*k .. i*k + k - 1, each as often as it likes. Every other FIFO
// the loop touches must move k tokens per iteration too (the task model
// splits such an iteration into k of one token).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"
#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_FUSETILEREADS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// Erases the ops that computed `values` once nothing uses them (the index
/// arithmetic of a replaced load: another column's, dataflow-pack-macs),
/// and then those that computed their operands.
void eraseUnused(ArrayRef<Value> values) {
  SmallVector<Operation *> worklist;
  for (Value value : values)
    if (Operation *def = value.getDefiningOp())
      worklist.push_back(def);
  llvm::SmallPtrSet<Operation *, 8> erased;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (erased.contains(op) || !isOpTriviallyDead(op))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.push_back(def);
    erased.insert(op);
    op->erase();
  }
}

/// An index as a sum of loop induction variables times constants, plus a
/// constant.
struct LinearIndex {
  llvm::MapVector<Value, int64_t> coefficients;
  int64_t constant = 0;

  void add(const LinearIndex &other, int64_t scale) {
    for (auto [value, coefficient] : other.coefficients)
      coefficients[value] += scale * coefficient;
    constant += scale * other.constant;
  }
  bool isConstant() const {
    return llvm::all_of(coefficients,
                        [](auto &term) { return term.second == 0; });
  }
  int64_t getCoefficient(Value variable) const {
    return coefficients.lookup(variable);
  }
  /// Whether both have the same coefficients (terms of 0 aside).
  bool sameVariablePart(const LinearIndex &other) const {
    auto covered = [](const LinearIndex &a, const LinearIndex &b) {
      return llvm::all_of(a.coefficients, [&](auto &term) {
        return term.second == b.getCoefficient(term.first);
      });
    };
    return covered(*this, other) && covered(other, *this);
  }
};

/// `lhs` times `rhs` when one of them is a constant.
std::optional<LinearIndex> multiply(LinearIndex lhs, LinearIndex rhs) {
  if (!rhs.isConstant())
    std::swap(lhs, rhs);
  if (!rhs.isConstant())
    return std::nullopt;
  LinearIndex product;
  product.add(lhs, rhs.constant);
  return product;
}

std::optional<LinearIndex> getLinearIndex(Value value);

std::optional<LinearIndex>
getLinearIndex(AffineExpr expr, ArrayRef<LinearIndex> dims,
               ArrayRef<LinearIndex> symbols) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
    LinearIndex result;
    result.constant = constant.getValue();
    return result;
  }
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return dims[dim.getPosition()];
  if (auto symbol = dyn_cast<AffineSymbolExpr>(expr))
    return symbols[symbol.getPosition()];
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  std::optional<LinearIndex> lhs = getLinearIndex(binary.getLHS(), dims, symbols);
  std::optional<LinearIndex> rhs = getLinearIndex(binary.getRHS(), dims, symbols);
  if (!lhs || !rhs)
    return std::nullopt;
  if (binary.getKind() == AffineExprKind::Add) {
    lhs->add(*rhs, 1);
    return lhs;
  }
  if (binary.getKind() != AffineExprKind::Mul)
    return std::nullopt; // mod and divisions are not linear
  return multiply(*lhs, *rhs);
}

/// `value` as a linear form of induction variables, if it is one.
std::optional<LinearIndex> getLinearIndex(Value value) {
  LinearIndex result;
  if (std::optional<int64_t> constant = getConstantIntValue(value)) {
    result.constant = *constant;
    return result;
  }
  if (scf::ForOp loop = scf::getForInductionVarOwner(value);
      loop && loop.getInductionVar() == value) {
    result.coefficients[value] = 1;
    return result;
  }
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(op)) {
    std::optional<LinearIndex> lhs = getLinearIndex(op->getOperand(0));
    std::optional<LinearIndex> rhs = getLinearIndex(op->getOperand(1));
    if (!lhs || !rhs)
      return std::nullopt;
    if (isa<arith::MulIOp>(op))
      return multiply(*lhs, *rhs);
    lhs->add(*rhs, isa<arith::AddIOp>(op) ? 1 : -1);
    return lhs;
  }
  if (auto apply = dyn_cast<affine::AffineApplyOp>(op)) {
    AffineMap map = apply.getAffineMap();
    SmallVector<LinearIndex> operands;
    for (Value operand : apply.getMapOperands()) {
      std::optional<LinearIndex> form = getLinearIndex(operand);
      if (!form)
        return std::nullopt;
      operands.push_back(*form);
    }
    ArrayRef<LinearIndex> all(operands);
    return getLinearIndex(map.getResult(0), all.take_front(map.getNumDims()),
                          all.drop_front(map.getNumDims()));
  }
  return std::nullopt;
}

/// The row-major element number `indices` address in `type`.
std::optional<LinearIndex> getElementNumber(ValueRange indices,
                                            MemRefType type) {
  LinearIndex result;
  int64_t stride = 1;
  for (int dim = type.getRank() - 1; dim >= 0; --dim) {
    std::optional<LinearIndex> index = getLinearIndex(indices[dim]);
    if (!index)
      return std::nullopt;
    result.add(*index, stride);
    stride *= type.getDimSize(dim);
  }
  return result;
}

/// The loops enclosing `op` up to (not including) `outer`, outermost first,
/// or nullopt if anything other than a loop with constant bounds encloses
/// it there.
std::optional<SmallVector<scf::ForOp>> getLoopsBelow(Operation *op,
                                                     Operation *outer) {
  SmallVector<scf::ForOp> loops;
  for (Operation *parent = op->getParentOp(); parent != outer;
       parent = parent->getParentOp()) {
    auto loop = dyn_cast_or_null<scf::ForOp>(parent);
    if (!loop || !perf::getConstantTripCount(loop) ||
        !getConstantIntValue(loop.getLowerBound()) ||
        !getConstantIntValue(loop.getStep()) || loop.getNumResults() != 0)
      return std::nullopt;
    loops.push_back(loop);
  }
  std::reverse(loops.begin(), loops.end());
  return loops;
}

/// Calls `visit` with the value of `form` on every iteration of `loops`
/// (outermost first) in order, the other variables taken as 0. Stops when
/// `visit` returns false; returns whether it never did.
bool forEachIteration(ArrayRef<scf::ForOp> loops, const LinearIndex &form,
                      function_ref<bool(int64_t)> visit) {
  // Per loop: how much one step adds to the form, and its trip count.
  SmallVector<int64_t> stride, trips, position(loops.size(), 0);
  int64_t value = form.constant;
  for (scf::ForOp loop : loops) {
    int64_t coefficient = form.getCoefficient(loop.getInductionVar());
    stride.push_back(coefficient * *getConstantIntValue(loop.getStep()));
    trips.push_back(*perf::getConstantTripCount(loop));
    if (trips.back() == 0)
      return true;
    value += coefficient * *getConstantIntValue(loop.getLowerBound());
  }
  while (true) {
    if (!visit(value))
      return false;
    int level = int(loops.size()) - 1;
    for (; level >= 0; --level) {
      if (++position[level] < trips[level]) {
        value += stride[level];
        break;
      }
      value -= stride[level] * (trips[level] - 1);
      position[level] = 0;
    }
    if (level < 0)
      return true;
  }
}

/// Whether `form` depends on nothing but the induction variables of
/// `loops`.
bool dependsOnlyOn(const LinearIndex &form, ArrayRef<scf::ForOp> loops) {
  return llvm::all_of(form.coefficients, [&](auto &term) {
    return term.second == 0 || llvm::any_of(loops, [&](scf::ForOp loop) {
             return loop.getInductionVar() == term.first;
           });
  });
}

/// `form` restricted to the induction variables of `loops` (and without
/// the constant).
LinearIndex restrictTo(const LinearIndex &form, ArrayRef<scf::ForOp> loops) {
  LinearIndex result;
  for (scf::ForOp loop : loops)
    if (int64_t coefficient = form.getCoefficient(loop.getInductionVar()))
      result.coefficients[loop.getInductionVar()] = coefficient;
  return result;
}

/// Whether the i-th iteration of `loops` gives `form` the value i * `size`.
bool stepsByGroups(ArrayRef<scf::ForOp> loops, const LinearIndex &form,
                   int64_t size, int64_t &iterations) {
  iterations = 0;
  return forEachIteration(loops, form, [&](int64_t value) {
    return value == size * iterations++;
  });
}

/// The fill of a tile buffer from a FIFO: one loop nest that reads one
/// token per iteration of its innermost sequential loop and stores lane j
/// of the t-th token into element t * width + j of the buffer.
struct TileFill {
  Operation *nest;
  StreamReadOp read;
  /// The FIFO it reads.
  Value stream;
  int64_t width;
  /// The buffer the tokens pass through, if the FIFO is widened.
  Value pack;
};

std::optional<TileFill> matchFill(memref::AllocaOp buffer,
                                  ArrayRef<memref::StoreOp> stores) {
  Block *block = buffer->getBlock();
  Operation *nest = block->findAncestorOpInBlock(*stores.front());
  if (!nest || !isa<scf::ForOp>(nest) ||
      nest->isBeforeInBlock(buffer.getOperation()))
    return std::nullopt;
  for (memref::StoreOp store : stores)
    if (block->findAncestorOpInBlock(*store) != nest)
      return std::nullopt;
  // The nest reads one FIFO and writes nothing but the buffer and the
  // token's pack buffer.
  StreamReadOp read;
  bool onlyFills = true;
  nest->walk([&](Operation *op) {
    if (auto streamRead = dyn_cast<StreamReadOp>(op)) {
      onlyFills &= !read;
      read = streamRead;
    } else if (isa<StreamWriteOp, BlockAcquireOp,
                   CallOpInterface>(op)) {
      onlyFills = false;
    }
  });
  if (!onlyFills || !read || !isa<scf::ForOp>(read->getParentOp()))
    return std::nullopt;
  TileFill fill{nest, read, read.getStream(), 1, {}};
  if (auto token = dyn_cast<VectorType>(read.getType())) {
    if (token.getRank() != 1 || !read->hasOneUse())
      return std::nullopt;
    auto packStore = dyn_cast<vector::StoreOp>(*read->getUsers().begin());
    if (!packStore || packStore->getBlock() != read->getBlock() ||
        !packStore.getBase().getDefiningOp<memref::AllocaOp>() ||
        !llvm::all_of(packStore.getIndices(), [](Value index) {
          return getConstantIntValue(index) == 0;
        }))
      return std::nullopt;
    fill.width = token.getNumElements();
    fill.pack = packStore.getBase();
  }
  bool otherWrites = false;
  nest->walk([&](Operation *op) {
    if (isa<memref::StoreOp, vector::StoreOp>(op) &&
        !llvm::is_contained(stores, op) &&
        (!fill.pack || op != *read->getUsers().begin()))
      otherWrites = true;
  });
  if (otherWrites)
    return std::nullopt;

  // Every store puts a lane of the current token at its place in the
  // buffer, and the lanes of each token go to distinct elements.
  auto sequential =
      getLoopsBelow(read, nest->getParentOp());
  if (!sequential)
    return std::nullopt;
  SmallVector<bool> laneStored(fill.width, false);
  std::optional<LinearIndex> sequentialPart;
  for (memref::StoreOp store : stores) {
    // The store comes after the read, in its loop body or in loops there.
    auto lanes = getLoopsBelow(store, read->getParentOp());
    if (!lanes)
      return std::nullopt;
    Operation *inReadBlock =
        lanes->empty() ? store.getOperation() : (*lanes)[0].getOperation();
    if (inReadBlock->getBlock() != read->getBlock() ||
        inReadBlock->isBeforeInBlock(read))
      return std::nullopt;
    std::optional<LinearIndex> element =
        getElementNumber(store.getIndices(), buffer.getType());
    LinearIndex lane;
    Value stored = store.getValueToStore();
    if (fill.pack) {
      auto load = stored.getDefiningOp<memref::LoadOp>();
      if (!load || load.getMemRef() != fill.pack || load.getIndices().size() != 1)
        return std::nullopt;
      std::optional<LinearIndex> packIndex = getLinearIndex(load.getIndices()[0]);
      if (!packIndex)
        return std::nullopt;
      lane = *packIndex;
    } else if (stored != read.getResult()) {
      return std::nullopt;
    }
    SmallVector<scf::ForOp> all(*sequential);
    all.append(*lanes);
    if (!element || !dependsOnlyOn(*element, all) ||
        !dependsOnlyOn(lane, *lanes))
      return std::nullopt;
    // element == sequential part + lane, the lane part being the lane.
    LinearIndex difference = *element;
    difference.add(lane, -1);
    if (!restrictTo(difference, *lanes).isConstant() || difference.constant)
      return std::nullopt;
    LinearIndex tokenStart = restrictTo(*element, *sequential);
    if (sequentialPart && !tokenStart.sameVariablePart(*sequentialPart))
      return std::nullopt;
    sequentialPart = tokenStart;
    bool distinct = forEachIteration(*lanes, lane, [&](int64_t value) {
      if (value < 0 || value >= fill.width || laneStored[value])
        return false;
      return laneStored[value] = true;
    });
    if (!distinct)
      return std::nullopt;
  }
  int64_t tokens = 0;
  if (!llvm::all_of(laneStored, [](bool stored) { return stored; }) ||
      !stepsByGroups(*sequential, *sequentialPart, fill.width, tokens) ||
      tokens * fill.width != buffer.getType().getNumElements())
    return std::nullopt;
  return fill;
}

/// The computation's side: the pipelined loop that loads the buffer, and
/// the lane each load takes from the tokens of one iteration.
struct TileUse {
  scf::ForOp pipelined;
  /// Elements per iteration: a whole number of tokens.
  int64_t groupSize;
  SmallVector<std::pair<memref::LoadOp, LinearIndex>> lanes;
};

std::optional<TileUse> matchUse(memref::AllocaOp buffer,
                                ArrayRef<memref::LoadOp> loads,
                                const TileFill &fill) {
  TileUse use;
  Block *block = buffer->getBlock();
  for (memref::LoadOp load : loads) {
    scf::ForOp pipelined = load->getParentOfType<scf::ForOp>();
    while (pipelined && perf::isFullyUnrolled(pipelined))
      pipelined = pipelined->getParentOfType<scf::ForOp>();
    if (!pipelined || (use.pipelined && pipelined != use.pipelined))
      return std::nullopt;
    use.pipelined = pipelined;
  }
  Operation *nest = block->findAncestorOpInBlock(*use.pipelined);
  if (!nest || !fill.nest->isBeforeInBlock(nest))
    return std::nullopt;
  // Nothing between the fill and the computation touches a FIFO: the reads
  // move into the computation, past whatever sits there.
  for (Operation *op = fill.nest->getNextNode(); op != nest;
       op = op->getNextNode()) {
    bool streams = false;
    op->walk([&](Operation *inner) {
      streams |= isa<StreamReadOp, StreamWriteOp, BlockAcquireOp,
                     CallOpInterface>(inner);
    });
    if (streams)
      return std::nullopt;
  }
  auto sequential = getLoopsBelow(use.pipelined, block->getParentOp());
  if (!sequential)
    return std::nullopt;
  sequential->push_back(use.pipelined);
  std::optional<LinearIndex> sequentialPart;
  llvm::SmallDenseSet<int64_t> laneValues;
  for (memref::LoadOp load : loads) {
    auto lanes = getLoopsBelow(load, use.pipelined);
    std::optional<LinearIndex> element =
        getElementNumber(load.getIndices(), buffer.getType());
    SmallVector<scf::ForOp> all(*sequential);
    if (lanes)
      all.append(*lanes);
    if (!lanes || !element || !dependsOnlyOn(*element, all))
      return std::nullopt;
    LinearIndex start = restrictTo(*element, *sequential);
    if (sequentialPart && !start.sameVariablePart(*sequentialPart))
      return std::nullopt;
    sequentialPart = start;
    LinearIndex lane = restrictTo(*element, *lanes);
    lane.constant = element->constant;
    forEachIteration(*lanes, lane, [&](int64_t value) {
      laneValues.insert(value);
      return true;
    });
    use.lanes.push_back({load, lane});
  }
  // The lanes of one iteration are 0 .. G-1, G a whole number of tokens.
  use.groupSize = laneValues.size();
  for (int64_t value : laneValues)
    if (value < 0 || value >= use.groupSize)
      return std::nullopt;
  // The task model moves the same number of tokens of every FIFO in an
  // iteration (it splits k of each into k iterations): the loop's other
  // FIFO accesses, once this one's k reads are in, must agree.
  llvm::MapVector<Value, int64_t> accesses =
      countFifoAccesses(*use.pipelined.getBody());
  if (use.groupSize % fill.width != 0)
    return std::nullopt;
  accesses[fill.stream] += use.groupSize / fill.width;
  if (llvm::any_of(accesses, [&](auto &access) {
        return access.second != use.groupSize / fill.width;
      }))
    return std::nullopt;
  int64_t iterations = 0;
  if (!stepsByGroups(*sequential, *sequentialPart, use.groupSize,
                     iterations) ||
      iterations * use.groupSize != buffer.getType().getNumElements())
    return std::nullopt;
  return use;
}

/// `form` built from its induction variables before `builder`'s point.
Value materialize(OpBuilder &builder, Location loc, const LinearIndex &form) {
  Value result;
  for (auto [variable, coefficient] : form.coefficients) {
    if (coefficient == 0)
      continue;
    Value term = variable;
    if (coefficient != 1)
      term = arith::MulIOp::create(
          builder, loc, variable,
          arith::ConstantIndexOp::create(builder, loc, coefficient));
    result = result ? arith::AddIOp::create(builder, loc, result, term)
                    : term;
  }
  if (!result || form.constant != 0) {
    Value constant = arith::ConstantIndexOp::create(builder, loc, form.constant);
    result = result ? arith::AddIOp::create(builder, loc, result, constant)
                    : constant;
  }
  return result;
}

/// Replaces the fill of `buffer` with reads in the computation's
/// pipelined loop, when both match.
bool fuseTileRead(memref::AllocaOp buffer, func::FuncOp process) {
  MemRefType type = buffer.getType();
  if (!type.hasStaticShape())
    return false;
  SmallVector<memref::StoreOp> stores;
  SmallVector<memref::LoadOp> loads;
  for (Operation *user : buffer->getUsers()) {
    if (auto store = dyn_cast<memref::StoreOp>(user);
        store && store.getMemRef() == buffer.getResult())
      stores.push_back(store);
    else if (auto load = dyn_cast<memref::LoadOp>(user))
      loads.push_back(load);
    else
      return false;
  }
  if (stores.empty() || loads.empty())
    return false;
  std::optional<TileFill> fill = matchFill(buffer, stores);
  if (!fill)
    return false;
  std::optional<TileUse> use = matchUse(buffer, loads, *fill);
  if (!use)
    return false;

  Location loc = fill->read.getLoc();
  // The tokens of one iteration, in a buffer whose lanes are registers,
  // declared with the process's other pack buffers.
  OpBuilder entry = OpBuilder::atBlockBegin(&process.getBody().front());
  auto group = memref::AllocaOp::create(
      entry, loc, MemRefType::get({use->groupSize}, type.getElementType()));
  group->setAttr("dataflow.lanes", entry.getI64IntegerAttr(use->groupSize));
  OpBuilder b = OpBuilder::atBlockBegin(use->pipelined.getBody());
  for (int64_t token = 0; token < use->groupSize / fill->width; ++token) {
    Value offset = arith::ConstantIndexOp::create(b, loc, token * fill->width);
    Value value =
        StreamReadOp::create(b, loc, fill->read.getType(), fill->stream);
    if (fill->pack)
      vector::StoreOp::create(b, loc, value, group, ValueRange{offset});
    else
      memref::StoreOp::create(b, loc, value, group, ValueRange{offset});
  }
  for (auto &[load, lane] : use->lanes) {
    OpBuilder at(load);
    Value index = materialize(at, load.getLoc(), lane);
    load.getResult().replaceAllUsesWith(
        memref::LoadOp::create(at, load.getLoc(), group, ValueRange{index}));
    SmallVector<Value> indices(load.getIndices());
    load.erase();
    eraseUnused(indices);
  }
  fill->nest->erase();
  buffer.erase();
  if (fill->pack && fill->pack.use_empty())
    fill->pack.getDefiningOp()->erase();
  return true;
}

class FuseTileReadsPass
    : public dataflow::impl::FuseTileReadsBase<FuseTileReadsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp process) {
      // A process measured by csynth keeps the code its figures are of.
      if (!process->hasAttr("dataflow.process") ||
          process->hasAttr("dataflow.csynth"))
        return;
      SmallVector<memref::AllocaOp> buffers;
      process.walk([&](memref::AllocaOp buffer) {
        if (!buffer->hasAttr("dataflow.lanes"))
          buffers.push_back(buffer);
      });
      for (memref::AllocaOp buffer : buffers)
        fuseTileRead(buffer, process);
    });
  }
};

} // namespace
