//===- ConvertLinalgToKernel.cpp - Tiled linalg ops become kernels --------===//
//
// Paper sections 4.1 and 5.1: each linalg op is tiled and becomes a kernel
// with one task; the itensor types at the task's boundary follow from the
// tile loops and the operands' indexing maps.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Dialect/Dataflow/Transforms/AdderTree.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_CONVERTLINALGTOKERNEL
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// How one linalg op is tiled: loop `order[k]` of the op is loop k of the
/// task, parallel loops first.
struct TileNest {
  SmallVector<int64_t> ranges;    // per op loop
  SmallVector<int64_t> tileSizes; // per op loop
  SmallVector<unsigned> order;    // task loop -> op loop
  SmallVector<unsigned> position; // op loop -> task loop
  unsigned numParallel = 0;

  int64_t trip(unsigned opLoop) const {
    return ranges[opLoop] / tileSizes[opLoop];
  }
};

/// A short name for what the op computes, for kernels, tasks and FIFOs.
std::string describe(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() > 0) {
    bool multiplies = false, adds = false, maxes = false;
    op->walk([&](Operation *inner) {
      multiplies |= isa<arith::MulFOp, arith::MulIOp>(inner);
      adds |= isa<arith::AddFOp, arith::AddIOp>(inner);
      maxes |= isa<arith::MaximumFOp, arith::MaxNumFOp>(inner);
    });
    if (multiplies && adds)
      return op.getNumParallelLoops() >= 2 && op.getNumDpsInputs() >= 2
                 ? "matmul"
                 : "dot";
    return maxes ? "reduce_max" : adds ? "reduce_sum" : "reduce";
  }
  if (op.getNumDpsInputs() == 0)
    return "fill";
  Block &body = op->getRegion(0).front();
  if (body.getOperations().size() == 1) // only the yield: a copy
    return llvm::all_of(op.getIndexingMapsArray(),
                        [](AffineMap map) { return map.isIdentity(); })
               ? "copy"
               : "transpose";
  // Name an elementwise op after the computation whose value it yields.
  Operation *last = body.getTerminator()->getOperand(0).getDefiningOp();
  if (!last || last->getBlock() != &body)
    return "elementwise";
  return last->getName().stripDialect().rtrim("f").str();
}

/// Whether `value` is a static tensor that the payload of `op` only reads
/// elements of (tensor.extract at computed indices, a gather): it stays in
/// external memory and the task reads it there.
bool isGatheredTable(Value value, linalg::LinalgOp op) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0)
    return false;
  return llvm::all_of(value.getUsers(), [&](Operation *user) {
    if (!op->isProperAncestor(user))
      return true; // other ops read it in their own way
    auto extract = dyn_cast<tensor::ExtractOp>(user);
    return extract && extract.getTensor() == value;
  });
}

/// A producer of an init that computes each element from constants alone
/// (linalg.fill, or its generalised form): it can be recomputed per tile.
linalg::LinalgOp getGenerator(Value init) {
  auto op = init.getDefiningOp<linalg::LinalgOp>();
  if (!op || op->getNumResults() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops())
    return nullptr;
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    if (type && type.getRank() > 0)
      return nullptr;
    if (!input->get().getDefiningOp<arith::ConstantOp>())
      return nullptr;
  }
  return op;
}

class ConvertLinalgToKernelPass
    : public dataflow::impl::ConvertLinalgToKernelBase<
          ConvertLinalgToKernelPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    if (tileSize < 1 || unrollFactor < 1) {
      getOperation().emitError("tile-size and unroll-factor must be at least "
                               "1, got ")
          << int64_t(tileSize) << " and " << int64_t(unrollFactor);
      return signalPassFailure();
    }
    if (failed(parseKernelTileSizes()) || failed(parseKernelTileOrders()))
      return signalPassFailure();
    SmallVector<linalg::LinalgOp> ops;
    for (Operation &op : getOperation().getBody().getOps())
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        ops.push_back(linalgOp);
    unsigned index = 0;
    for (linalg::LinalgOp op : ops) {
      // A generator whose only users are inits it will be recomputed for
      // disappears with them.
      if (getGenerator(op->getResult(0)) && allUsesRecompute(op))
        continue;
      if (failed(convert(op, index++)))
        return signalPassFailure();
    }
    for (linalg::LinalgOp op : llvm::reverse(ops))
      if (op->use_empty())
        op->erase();
    for (const auto &entry : tileSizeOf)
      if (!usedNames.contains(entry.getKey())) {
        getOperation().emitError("kernel-tile-sizes: '")
            << entry.getKey() << "' names no kernel of this function";
        return signalPassFailure();
      }
    for (const auto &entry : tileOrderOf)
      if (!orderedNames.contains(entry.getKey())) {
        getOperation().emitError("kernel-tile-orders: '")
            << entry.getKey() << "' names no kernel of this function";
        return signalPassFailure();
      }

    // What is left runs on the host between kernels: constants, reshapes
    // (views of the same memory), fresh tensors, and kernel results placed
    // into the caller's tensors at runtime offsets (the KV cache row of a
    // decode step, which the kernel's store writes in place). Anything else
    // would have to become a kernel.
    for (Operation &op : getOperation().getBody().getOps()) {
      if (isa<KernelOp, arith::ConstantOp, tensor::EmptyOp,
              tensor::CollapseShapeOp, tensor::ExpandShapeOp,
              arith::IndexCastOp, func::ReturnOp>(op))
        continue;
      auto insert = dyn_cast<tensor::InsertSliceOp>(op);
      if (insert && insert.getSource().getDefiningOp<KernelOp>())
        continue;
      op.emitOpError("cannot be mapped to a dataflow kernel yet");
      return signalPassFailure();
    }
  }

private:
  /// Largest tile size per kernel name, from `kernel-tile-sizes`.
  llvm::StringMap<int64_t> tileSizeOf;
  llvm::StringSet<> usedNames;

  LogicalResult parseKernelTileSizes() {
    tileSizeOf.clear();
    usedNames.clear();
    for (const std::string &entry : kernelTileSizes) {
      auto [name, size] = llvm::StringRef(entry).split('=');
      int64_t value;
      if (name.empty() || size.getAsInteger(10, value) || value < 1) {
        getOperation().emitError("kernel-tile-sizes: '")
            << entry << "' is not NAME=SIZE with a size of at least 1";
        return failure();
      }
      tileSizeOf[name] = value;
    }
    return success();
  }

  /// Order of the parallel tile loops per kernel name, from
  /// `kernel-tile-orders`; checked against the op once it is known.
  llvm::StringMap<SmallVector<unsigned>> tileOrderOf;
  llvm::StringSet<> orderedNames;

  LogicalResult parseKernelTileOrders() {
    tileOrderOf.clear();
    orderedNames.clear();
    // The pass option syntax splits a list option at every comma, so
    // `kernel-tile-orders=matmul_0=1,0` arrives as "matmul_0=1" and "0":
    // a piece without a name continues the entry before it. Entries given
    // whole (from CompileOptions) are split here alike.
    SmallVector<std::string> entries;
    for (const std::string &piece : kernelTileOrders) {
      if (!llvm::StringRef(piece).contains('=') && !entries.empty())
        entries.back() += "," + piece;
      else
        entries.push_back(piece);
    }
    for (const std::string &text : entries) {
      auto [name, list] = llvm::StringRef(text).split('=');
      auto refuse = [&](const Twine &why) {
        getOperation().emitError("kernel-tile-orders: '")
            << text << "' " << why;
        return failure();
      };
      if (name.empty() || !llvm::StringRef(text).contains('=') ||
          list.empty())
        return refuse("is not NAME=i,j,... (a permutation of the kernel's "
                      "parallel loops, outermost first)");
      SmallVector<llvm::StringRef> pieces;
      list.split(pieces, ',');
      SmallVector<unsigned> order;
      for (llvm::StringRef piece : pieces) {
        unsigned loop;
        if (piece.trim().getAsInteger(10, loop))
          return refuse("is not NAME=i,j,...: '" + piece +
                        "' is not a loop index");
        order.push_back(loop);
      }
      // Whether it is a permutation of 0..n-1; its length is checked
      // against the kernel's parallel loops when the kernel is built.
      SmallVector<bool> seen(order.size(), false);
      for (unsigned loop : order) {
        if (loop >= order.size() || seen[loop])
          return refuse("is not a permutation of 0.." +
                        Twine(order.size() - 1));
        seen[loop] = true;
      }
      tileOrderOf[name] = std::move(order);
    }
    return success();
  }

  /// Whether every use of a generator is an init that convert() recomputes.
  static bool allUsesRecompute(linalg::LinalgOp generator) {
    for (OpOperand &use : generator->getResult(0).getUses()) {
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      if (!user || !user.isDpsInit(&use))
        return false;
    }
    return true;
  }

  FailureOr<TileNest> planTiles(linalg::LinalgOp op, int64_t maxTile,
                                ArrayRef<unsigned> parallelOrder);
  FailureOr<ITensorType> getOperandType(linalg::LinalgOp op,
                                        const TileNest &nest, AffineMap map,
                                        RankedTensorType tensor,
                                        bool parallelOnly);
  LogicalResult convert(linalg::LinalgOp op, unsigned index);
};

/// `parallelOrder`, when not empty, is the order of the parallel tile loops
/// (outermost first) as indices among the op's parallel loops.
FailureOr<TileNest>
ConvertLinalgToKernelPass::planTiles(linalg::LinalgOp op, int64_t maxTile,
                                     ArrayRef<unsigned> parallelOrder) {
  TileNest nest;
  nest.ranges = op.getStaticLoopRanges();
  for (int64_t range : nest.ranges)
    if (ShapedType::isDynamic(range))
      return op->emitOpError("has a dynamic loop range; give the model "
                             "static shapes (maximum sizes for dynamic ones)");
  for (int64_t range : nest.ranges)
    nest.tileSizes.push_back(chooseTileSize(range, maxTile));
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  // An integer reduction gets at most one adder tree's elements per tile,
  // innermost loops first, so that the lowering puts it inside the tile's
  // parallel loops whatever the tile size: larger tiles then widen the
  // parallel loops only. (A decode step's projections, with one row of
  // outputs, stream their weights a token per iteration that way.)
  if (accumulatesIntegers(op))
    capIntegerReductionTiles(nest.ranges, iterators, maxTile, nest.tileSizes);
  for (auto [loop, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::parallel)
      nest.order.push_back(loop);
  nest.numParallel = nest.order.size();
  if (!parallelOrder.empty()) {
    assert(parallelOrder.size() == nest.numParallel && "checked by convert");
    SmallVector<unsigned> parallel(nest.order);
    for (auto [taskLoop, index] : llvm::enumerate(parallelOrder))
      nest.order[taskLoop] = parallel[index];
  }
  for (auto [loop, iterator] : llvm::enumerate(iterators))
    if (iterator != utils::IteratorType::parallel)
      nest.order.push_back(loop);
  nest.position.resize(nest.ranges.size());
  for (auto [taskLoop, opLoop] : llvm::enumerate(nest.order))
    nest.position[opLoop] = taskLoop;
  return nest;
}

FailureOr<ITensorType> ConvertLinalgToKernelPass::getOperandType(
    linalg::LinalgOp op, const TileNest &nest, AffineMap map,
    RankedTensorType tensor, bool parallelOnly) {
  unsigned numLoops = parallelOnly ? nest.numParallel : nest.order.size();
  SmallVector<int64_t> trips, steps, tileShape;
  for (unsigned taskLoop = 0; taskLoop < numLoops; ++taskLoop) {
    trips.push_back(nest.trip(nest.order[taskLoop]));
    steps.push_back(nest.tileSizes[nest.order[taskLoop]]);
  }
  SmallVector<AffineExpr> offsets;
  for (auto [dim, result] : llvm::enumerate(map.getResults())) {
    if (auto loop = dyn_cast<AffineDimExpr>(result)) {
      unsigned taskLoop = nest.position[loop.getPosition()];
      if (taskLoop >= numLoops)
        return op->emitOpError("writes its result along a reduction loop");
      tileShape.push_back(nest.tileSizes[loop.getPosition()]);
      offsets.push_back(getAffineDimExpr(taskLoop, op->getContext()));
      continue;
    }
    auto constant = dyn_cast<AffineConstantExpr>(result);
    if (!constant || constant.getValue() != 0 || tensor.getDimSize(dim) != 1)
      return op->emitOpError("has an indexing map we cannot stream: ")
             << AffineMapAttr::get(map)
             << " (only loop dimensions, and 0 on unit dimensions)";
    tileShape.push_back(1);
    offsets.push_back(getAffineConstantExpr(0, op->getContext()));
  }
  auto iterMap = AffineMap::get(numLoops, 0, offsets, op->getContext());
  auto type = ITensorType::getChecked(
      [&] { return op->emitOpError(); }, op->getContext(),
      tensor.getElementType(), ArrayRef<int64_t>(tileShape),
      ArrayRef<int64_t>(trips), ArrayRef<int64_t>(steps), iterMap);
  if (!type)
    return failure();
  if (type.getFullTensorType() != tensor)
    return op->emitOpError("operand of type ")
           << tensor << " is not covered by its tiles " << type;
  return type;
}

LogicalResult ConvertLinalgToKernelPass::convert(linalg::LinalgOp op,
                                                 unsigned index) {
  if (op->getNumResults() != 1 || op.getNumDpsInits() != 1)
    return op->emitOpError("with ")
           << op->getNumResults() << " results is not supported yet";
  std::string name = describe(op) + "_" + std::to_string(index);
  int64_t maxTile = tileSize;
  if (auto found = tileSizeOf.find(name); found != tileSizeOf.end()) {
    maxTile = found->second;
    usedNames.insert(name);
  }
  ArrayRef<unsigned> parallelOrder;
  if (auto found = tileOrderOf.find(name); found != tileOrderOf.end()) {
    parallelOrder = found->second;
    orderedNames.insert(name);
    if (parallelOrder.size() != op.getNumParallelLoops())
      return op->emitOpError("kernel-tile-orders: kernel '")
             << name << "' has " << op.getNumParallelLoops()
             << " parallel loops, the order given for it has "
             << parallelOrder.size();
  }
  FailureOr<TileNest> nest = planTiles(op, maxTile, parallelOrder);
  if (failed(nest))
    return failure();
  Location loc = op->getLoc();
  OpBuilder builder(op);

  // The kernel's inputs: one stream per tensor operand the task reads.
  struct Input {
    Value tensor;
    ITensorType type;
    OpOperand *operand; // null for the streamed init
  };
  SmallVector<Input> inputs;
  // Scalar operands: constants are cloned into the kernel, other scalars
  // are runtime inputs of it.
  SmallVector<OpOperand *> scalarInputs;
  SmallVector<Value> runtimeScalars;
  for (OpOperand *operand : op.getDpsInputOperands()) {
    auto tensor = dyn_cast<RankedTensorType>(operand->get().getType());
    if (!tensor || tensor.getRank() == 0) {
      scalarInputs.push_back(operand);
      if (operand->get().getDefiningOp<arith::ConstantOp>())
        continue;
      if (!operand->get().getType().isIntOrIndexOrFloat())
        return op->emitOpError("has a rank-0 tensor operand that is not a "
                               "constant; not supported yet");
      if (!llvm::is_contained(runtimeScalars, operand->get()))
        runtimeScalars.push_back(operand->get());
      continue;
    }
    FailureOr<ITensorType> type = getOperandType(
        op, *nest, op.getMatchingIndexingMap(operand), tensor, false);
    if (failed(type))
      return failure();
    inputs.push_back({operand->get(), *type, operand});
  }

  OpOperand &init = op.getDpsInitsMutable()[0];
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<ITensorType> outType = getOperandType(
      op, *nest, op.getMatchingIndexingMap(&init), resultType, true);
  if (failed(outType))
    return failure();
  bool readsInit =
      op.payloadUsesValueFromOperand(&init) || op.getNumReductionLoops() > 0;
  linalg::LinalgOp generator = readsInit ? getGenerator(init.get()) : nullptr;
  if (readsInit && !generator)
    inputs.push_back({init.get(), *outType, nullptr});

  // The kernel is isolated from above: constants that the op's (or the
  // generator's) payload uses from outside are cloned into it; other
  // scalars (runtime values such as the decode position) become scalar
  // inputs of the kernel, after the streamed ones.
  SetVector<Value> usedFromAbove;
  SmallVector<Value> gatheredTables;
  getUsedValuesDefinedAbove(op->getRegion(0), usedFromAbove);
  if (generator)
    getUsedValuesDefinedAbove(generator->getRegion(0), usedFromAbove);
  for (Value value : usedFromAbove) {
    Operation *definition = value.getDefiningOp();
    if ((definition && definition->hasTrait<OpTrait::ConstantLike>()) ||
        llvm::is_contained(runtimeScalars, value))
      continue;
    if (isGatheredTable(value, op)) {
      gatheredTables.push_back(value);
      continue;
    }
    if (!value.getType().isIntOrIndexOrFloat())
      return op->emitOpError("uses a value of type ")
             << value.getType()
             << " from outside; only scalars, and static tensors it only "
                "reads elements of (tensor.extract), can be passed to a "
                "kernel";
    runtimeScalars.push_back(value);
  }

  // The kernel writes a fresh tensor in external memory.
  Value destination =
      tensor::EmptyOp::create(builder, loc, resultType.getShape(),
                              resultType.getElementType());
  SmallVector<Value> kernelInputs;
  for (const Input &input : inputs)
    kernelInputs.push_back(input.tensor);
  llvm::append_range(kernelInputs, runtimeScalars);
  llvm::append_range(kernelInputs, gatheredTables);
  auto kernel = KernelOp::create(builder, loc, TypeRange{resultType},
                                 builder.getStringAttr(name), kernelInputs,
                                 ValueRange{destination});
  Block *body = builder.createBlock(&kernel.getBody());
  SmallVector<Value> inputStreams;
  for (const Input &input : inputs)
    inputStreams.push_back(body->addArgument(input.type, loc));
  IRMapping captured;
  for (Value scalar : runtimeScalars)
    captured.map(scalar, body->addArgument(scalar.getType(), loc));
  for (Value table : gatheredTables)
    captured.map(table, body->addArgument(table.getType(), loc));
  Value outStream = body->addArgument(*outType, loc);
  for (Value value : usedFromAbove)
    if (!captured.contains(value))
      captured.map(value, builder.clone(*value.getDefiningOp())->getResult(0));


  // Index constants for the loops, shared by the whole kernel body.
  auto indexConstant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, value);
  };
  Value zero = indexConstant(0);

  auto task = TaskOp::create(builder, loc, TypeRange{*outType},
                             builder.getStringAttr(name), ValueRange{outStream});
  if (unrollFactor > 1)
    task->setAttr("dataflow.unroll_factor",
                  builder.getI64IntegerAttr(unrollFactor));
  Block *taskBody = builder.createBlock(&task.getBody(), {}, {*outType}, {loc});

  // The offset of the current tile on each loop of the op.
  DenseMap<unsigned, Value> tileOffsets;
  // Builds the tile loops [first, last) of the task around `bodyBuilder`,
  // carrying `carried` through them; returns the loop results.
  std::function<Value(unsigned, unsigned, Value, function_ref<Value(Value)>)>
      buildLoops = [&](unsigned first, unsigned last, Value carried,
                       function_ref<Value(Value)> innermost) -> Value {
    if (first == last)
      return innermost(carried);
    unsigned opLoop = nest->order[first];
    auto loop = scf::ForOp::create(
        builder, loc, zero, indexConstant(nest->ranges[opLoop]),
        indexConstant(nest->tileSizes[opLoop]), ValueRange{carried});
    tileOffsets[opLoop] = loop.getInductionVar();
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(loop.getBody());
    Value result =
        buildLoops(first + 1, last, loop.getRegionIterArgs()[0], innermost);
    scf::YieldOp::create(builder, loc, result);
    return loop.getResult(0);
  };

  auto tileTensor = [&](ITensorType type) -> Value {
    return tensor::EmptyOp::create(builder, loc, type.getElementShape(),
                                   type.getElementType());
  };

  unsigned numLoops = nest->order.size();
  Value written = buildLoops(0, nest->numParallel, taskBody->getArgument(0),
                             [&](Value dest) -> Value {
    // The accumulator tile: recomputed, read from the init stream, or
    // fresh when the op does not read its init.
    Value accumulator = tileTensor(*outType);
    if (generator) {
      IRMapping mapping = captured;
      for (OpOperand *operand : generator.getDpsInputOperands())
        mapping.map(operand->get(), builder.clone(*operand->get().getDefiningOp())
                                        ->getResult(0));
      mapping.map(generator.getDpsInitsMutable()[0].get(), accumulator);
      Operation *clone = builder.clone(*generator, mapping);
      clone->getResult(0).setType(cast<RankedTensorType>(accumulator.getType()));
      accumulator = clone->getResult(0);
    } else if (readsInit) {
      accumulator = ITensorReadOp::create(
          builder, loc, accumulator.getType(), inputStreams.back(), accumulator);
    }
    Value tile = buildLoops(nest->numParallel, numLoops, accumulator,
                            [&](Value acc) -> Value {
      // Operands are replaced one by one: an op may read one tensor twice,
      // through two different maps, hence two streams.
      SmallVector<std::pair<unsigned, Value>> operands;
      for (auto [input, stream] : llvm::zip(inputs, inputStreams)) {
        if (!input.operand)
          continue;
        Value empty = tileTensor(input.type);
        operands.push_back(
            {input.operand->getOperandNumber(),
             ITensorReadOp::create(builder, loc, empty.getType(), stream,
                                   empty)
                 .getResult()});
      }
      for (OpOperand *operand : scalarInputs) {
        Value scalar = captured.lookupOrNull(operand->get());
        if (!scalar)
          scalar = builder.clone(*operand->get().getDefiningOp())->getResult(0);
        operands.push_back({operand->getOperandNumber(), scalar});
      }
      operands.push_back({init.getOperandNumber(), acc});
      Operation *tiled = builder.clone(*op, captured);
      for (auto [number, value] : operands)
        tiled->setOperand(number, value);
      tiled->getResult(0).setType(acc.getType());
      // Inside a tile, linalg.index counts from the tile's first point.
      tiled->walk([&](linalg::IndexOp index) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointAfter(index);
        auto global = arith::AddIOp::create(builder, index.getLoc(), index,
                                            tileOffsets[index.getDim()]);
        index.getResult().replaceAllUsesExcept(global, global);
      });
      return tiled->getResult(0);
    });
    return ITensorWriteOp::create(builder, loc, dest.getType(), tile, dest);
  });
  YieldOp::create(builder, loc, written);
  builder.setInsertionPointAfter(task);
  YieldOp::create(builder, loc, task.getResult(0));

  // Inits that their users recompute keep reading the generator itself.
  op->getResult(0).replaceUsesWithIf(kernel.getResult(0), [&](OpOperand &use) {
    auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
    return !(getGenerator(op->getResult(0)) && user && user.isDpsInit(&use));
  });
  return success();
}

} // namespace
