//===- LowerKernelToFunc.cpp - Kernels become functions over FIFOs --------===//
//
// Paper sections 4.3 and 5.7, in one step: DMAs and converters are
// materialised as processes with their loop nests and buffers, itensors
// become FIFOs, tile tensors become local buffers, and every process becomes
// a function called from the kernel's dataflow function.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Dialect/Dataflow/Transforms/AdderTree.h"

#include "streamtensor/Analysis/ConverterSizing.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_LOWERKERNELTOFUNC
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// Builds `for (iv = 0; iv < bound; iv += step)` loops around `body`, one per
/// (bound, step) pair, outermost first, and calls `body` with the induction
/// variables.
void buildLoopNest(OpBuilder &builder, Location loc, ArrayRef<int64_t> bounds,
                   ArrayRef<int64_t> steps,
                   function_ref<void(OpBuilder &, ValueRange)> body) {
  SmallVector<Value> ivs;
  OpBuilder::InsertionGuard guard(builder);
  for (auto [bound, step] : llvm::zip(bounds, steps)) {
    auto loop = scf::ForOp::create(
        builder, loc, arith::ConstantIndexOp::create(builder, loc, 0),
        arith::ConstantIndexOp::create(builder, loc, bound),
        arith::ConstantIndexOp::create(builder, loc, step));
    ivs.push_back(loop.getInductionVar());
    builder.setInsertionPoint(loop.getBody()->getTerminator());
  }
  body(builder, ivs);
}

/// Loops over the iteration space of `type`, from loop `first` on.
void buildIterationLoops(OpBuilder &builder, Location loc, ITensorType type,
                         unsigned first,
                         function_ref<void(OpBuilder &, ValueRange)> body) {
  SmallVector<int64_t> bounds, steps;
  for (unsigned loop = first; loop < type.getNumLoops(); ++loop) {
    bounds.push_back(type.getTripCounts()[loop] * type.getSteps()[loop]);
    steps.push_back(type.getSteps()[loop]);
  }
  buildLoopNest(builder, loc, bounds, steps, body);
}

/// Loops over the elements of one tile, row-major.
void buildTileLoops(OpBuilder &builder, Location loc, ITensorType type,
                    function_ref<void(OpBuilder &, ValueRange)> body) {
  buildLoopNest(builder, loc, type.getElementShape(),
                SmallVector<int64_t>(type.getRank(), 1), body);
}

/// The offset of the current tile on each data dimension, given the indices
/// of all loops of `type`, minus `base`.
SmallVector<Value> getTileOffsets(OpBuilder &builder, Location loc,
                                  ITensorType type, ValueRange loopIndices,
                                  ArrayRef<Value> base = {}) {
  SmallVector<Value> offsets;
  for (auto [dim, result] : llvm::enumerate(type.getIterMap().getResults())) {
    Value offset;
    if (auto loop = dyn_cast<AffineDimExpr>(result))
      offset = loopIndices[loop.getPosition()];
    else
      offset = arith::ConstantIndexOp::create(
          builder, loc, cast<AffineConstantExpr>(result).getValue());
    if (!base.empty() && base[dim])
      offset = arith::SubIOp::create(builder, loc, offset, base[dim]);
    offsets.push_back(offset);
  }
  return offsets;
}

SmallVector<Value> addIndices(OpBuilder &builder, Location loc,
                              ArrayRef<Value> offsets, ValueRange elements) {
  SmallVector<Value> sums;
  for (auto [offset, element] : llvm::zip(offsets, elements))
    sums.push_back(arith::AddIOp::create(builder, loc, offset, element));
  return sums;
}

/// A kernel result that the caller inserts into a tensor of its own, such as
/// a decode step's key row into the KV cache: the store DMA writes it there,
/// at the insertion's offsets, so the caller's tensor is updated in place
/// and the offsets (the decode position) are runtime scalars of the kernel.
struct InPlaceStore {
  tensor::InsertSliceOp insert;
  /// Per dimension of the destination: the scalar giving its offset (an
  /// integer or index value from outside the kernel), or null for a
  /// constant one.
  SmallVector<Value> dynamicOffsets;
};

/// The in-place store of `result`, if it has one. The insertion must place
/// the whole result, unstrided and of the same rank, into a function
/// argument (memory the caller owns), at offsets that are constants or
/// scalars from outside (cast to index at most).
std::optional<InPlaceStore> getInPlaceStore(OpResult result,
                                            func::FuncOp parent) {
  if (!result.hasOneUse())
    return std::nullopt;
  auto insert = dyn_cast<tensor::InsertSliceOp>(*result.getUsers().begin());
  if (!insert || insert.getSource() != result)
    return std::nullopt;
  auto dest = dyn_cast<BlockArgument>(insert.getDest());
  if (!dest || dest.getOwner() != &parent.getBody().front() ||
      insert.getSourceType().getRank() != insert.getType().getRank() ||
      !insert.hasUnitStride() ||
      llvm::any_of(insert.getStaticSizes(), ShapedType::isDynamic) ||
      ArrayRef<int64_t>(insert.getStaticSizes()) !=
          insert.getSourceType().getShape())
    return std::nullopt;
  InPlaceStore store{insert, {}};
  unsigned nextDynamic = 0;
  for (int64_t offset : insert.getStaticOffsets()) {
    if (!ShapedType::isDynamic(offset)) {
      store.dynamicOffsets.push_back(nullptr);
      continue;
    }
    Value value = insert.getOffsets()[nextDynamic++];
    if (auto cast = value.getDefiningOp<arith::IndexCastOp>())
      value = cast.getIn();
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner() != &parent.getBody().front())
      return std::nullopt;
    store.dynamicOffsets.push_back(value);
  }
  return store;
}

/// How a packable input (a weight the host lays out offline) is stored so
/// that its DMA reads it front to back: tile after tile in the order the
/// DMA first visits them, each tile's elements row-major. The packed
/// tensor is [tiles along order[0], ..., tiles along order[r-1], tile
/// shape...]; the same elements, so the same buffer size.
/// Another graph may have fixed the layout already (prefill and decode read
/// the same weight files): a DMA whose tiles differ reads it element by
/// element, mapping each index into the packed layout.
struct TilePacking {
  /// Data dimensions by the DMA loop that walks their tiles, outermost
  /// first.
  SmallVector<int64_t> order;
  SmallVector<int64_t> tile;
  SmallVector<int64_t> packedShape;
  /// Per data dimension, the DMA loop that walks its tiles (none for a
  /// unit dimension).
  SmallVector<std::optional<unsigned>> loopOf;
  /// Whether the DMA's tiles are the packed ones (else it maps indices).
  bool matchesDma = true;
};

SmallVector<int64_t> getPackedShape(ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> tile,
                                    ArrayRef<int64_t> order) {
  SmallVector<int64_t> packed;
  for (int64_t dim : order)
    packed.push_back(shape[dim] / tile[dim]);
  llvm::append_range(packed, tile);
  return packed;
}

/// The layout another graph fixed, if it is one the tensor can have.
std::optional<TilePacking> getFixedPacking(DictionaryAttr fixed,
                                           ITensorType type) {
  auto tile = fixed.getAs<DenseI64ArrayAttr>("tile");
  auto order = fixed.getAs<DenseI64ArrayAttr>("order");
  SmallVector<int64_t> shape = type.getFullShape();
  if (!tile || !order || tile.size() != int64_t(shape.size()) ||
      order.size() != int64_t(shape.size()))
    return std::nullopt;
  for (auto [size, tileSize] : llvm::zip(shape, tile.asArrayRef()))
    if (tileSize < 1 || size % tileSize)
      return std::nullopt;
  TilePacking packing;
  packing.order = llvm::to_vector(order.asArrayRef());
  packing.tile = llvm::to_vector(tile.asArrayRef());
  packing.packedShape = getPackedShape(shape, packing.tile, packing.order);
  return packing;
}

TilePacking getTilePacking(ITensorType type) {
  TilePacking packing;
  unsigned rank = type.getRank();
  for (AffineExpr result : type.getIterMap().getResults()) {
    if (auto loop = dyn_cast<AffineDimExpr>(result))
      packing.loopOf.push_back(loop.getPosition());
    else
      packing.loopOf.push_back(std::nullopt);
  }
  packing.order = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  llvm::stable_sort(packing.order, [&](int64_t a, int64_t b) {
    unsigned loopA = packing.loopOf[a].value_or(0);
    unsigned loopB = packing.loopOf[b].value_or(0);
    return loopA < loopB;
  });
  packing.tile = llvm::to_vector(type.getElementShape());
  packing.packedShape =
      getPackedShape(type.getFullShape(), packing.tile, packing.order);
  return packing;
}

/// How many times a DMA that walks `type` tile by tile in `packing` sends
/// its whole memory front to back, or none when its FIFO order is not
/// plain repetitions of the memory order: the loops that do not index the
/// tensor must all be outside those that do (each of which indexes one
/// dimension), so that they only repeat the walk. StripeWeights relies on
/// it to read the memory in another layout.
std::optional<int64_t> getInOrderRepeats(ITensorType type,
                                         const TilePacking &packing) {
  ArrayRef<int64_t> trips = type.getTripCounts();
  llvm::SmallDenseSet<unsigned> indexing;
  for (std::optional<unsigned> loop : packing.loopOf)
    if (loop && !indexing.insert(*loop).second)
      return std::nullopt;
  int64_t repeats = 1;
  bool insideIndexing = false;
  for (auto [loop, trip] : llvm::enumerate(trips)) {
    if (indexing.contains(loop)) {
      insideIndexing = true;
      continue;
    }
    if (trip == 1)
      continue;
    if (insideIndexing)
      return std::nullopt;
    repeats *= trip;
  }
  return repeats;
}

/// Whether kernel input `input` reads a packable function argument that
/// nothing else reads: then its DMA alone decides its layout.
bool isPackable(KernelOp kernel, unsigned input, func::FuncOp parent) {
  auto arg = dyn_cast<BlockArgument>(kernel.getInputs()[input]);
  if (!arg || arg.getOwner() != &parent.getBody().front() ||
      !parent.getArgAttr(arg.getArgNumber(), "dataflow.packable") ||
      !arg.hasOneUse() ||
      !isa<ITensorType>(kernel.getBodyBlock().getArgument(input).getType()))
    return false;
  return true;
}

/// The order of the loops of one tile's computation, outermost first.
/// By default the reduction loops come first (the paper's permutation
/// heuristic), so that the pipelined loop, a parallel one, carries no
/// dependence through the accumulator. Once unrolling reaches the reduction
/// loops, though, every iteration adds to the same elements, and the
/// pipeline waits for each add: a matrix-vector product (a decode step),
/// whose tile has few outputs, gets no faster than its adds. An integer sum
/// may be reassociated, and HLS turns an unrolled one into an adder tree
/// (expression balancing is on for integers), so a small integer reduction
/// goes innermost, where unrolling makes it a tree and leaves a parallel
/// loop pipelined. (Float addition does not reassociate: unrolled, a float
/// reduction would be a chain.)
SmallVector<unsigned> getTileLoopOrder(linalg::GenericOp generic) {
  int64_t reductionElements = 1;
  for (auto [range, iterator] : llvm::zip(generic.getStaticLoopRanges(),
                                          generic.getIteratorTypesArray()))
    if (iterator != utils::IteratorType::parallel)
      reductionElements *= ShapedType::isDynamic(range) ? kMaxAdderTreeLeaves + 1
                                                        : range;
  bool reductionsInside = generic.getNumReductionLoops() > 0 &&
                          reductionElements <= kMaxAdderTreeLeaves &&
                          accumulatesIntegers(generic);
  SmallVector<unsigned> order;
  for (bool reductions : {!reductionsInside, reductionsInside})
    for (auto [loop, iterator] :
         llvm::enumerate(generic.getIteratorTypesArray()))
      if ((iterator != utils::IteratorType::parallel) == reductions)
        order.push_back(loop);
  return order;
}

/// Lowers one kernel.
class KernelLowering {
public:
  KernelLowering(KernelOp kernel, SymbolTable &symbols, func::FuncOp parent)
      : kernel(kernel), symbols(symbols), parent(parent),
        builder(kernel->getContext()) {}

  LogicalResult run();

private:
  // Declares the FIFO that carries `itensor` from `producer`.
  void declareStream(Value itensor, StringRef producer);
  StringRef getConsumerName(Value itensor);
  // A new function for one process, called from the kernel function.
  func::FuncOp createProcess(StringRef processName, ValueRange topArgs,
                             IRMapping &argMapping);

  // A DMA process between external memory and a FIFO.
  void buildDma(StringRef name, Value memory, Value stream, ITensorType type,
                bool isLoad, ArrayRef<Value> baseOffsets = {},
                const TilePacking *packing = nullptr);
  LogicalResult lowerLoad(unsigned input);
  LogicalResult lowerStore(unsigned output, Value itensor);
  LogicalResult lowerConverter(ITensorConverterOp converter);
  LogicalResult lowerFork(ITensorForkOp fork);
  LogicalResult lowerTask(TaskOp task);
  LogicalResult lowerBlock(Block &source, OpBuilder &target, IRMapping &map);
  Value getDestination(Value tile, OpBuilder &b, IRMapping &map);

  std::string uniqueName(StringRef base) {
    std::string name = base.str();
    for (unsigned suffix = 1; symbols.lookup(name); ++suffix)
      name = (base + "_" + Twine(suffix)).str();
    return name;
  }

  KernelOp kernel;
  SymbolTable &symbols;
  func::FuncOp parent;
  OpBuilder builder;
  std::string kernelName;
  func::FuncOp top;
  Block *topBody = nullptr;
  /// The FIFO of each itensor value of the kernel body.
  DenseMap<Value, Value> streams;
  /// The process name of each itensor's producer and consumer.
  DenseMap<Value, std::string> producers, consumers;
  unsigned numConverters = 0, numForks = 0;
  /// The unroll factor of the task being lowered.
  int64_t unrollFactor = 1;
  /// The in-place stores of the kernel's outputs.
  DenseMap<unsigned, InPlaceStore> inPlaceStores;
  /// The top function's argument of each runtime offset.
  DenseMap<Value, Value> offsetArgs;
  /// The packed inputs and their layouts.
  DenseMap<unsigned, TilePacking> packedInputs;
};

LogicalResult KernelLowering::run() {
  Location loc = kernel.getLoc();
  kernelName = uniqueName(kernel.getName() ? *kernel.getName() : "kernel");

  // The kernel function: inputs and outputs in external memory, then the
  // runtime offsets of in-place stores that are not inputs already.
  unsigned numInputs = kernel.getInputs().size();
  SmallVector<Value> extraScalars;
  for (OpResult result : kernel->getResults())
    if (std::optional<InPlaceStore> store = getInPlaceStore(result, parent)) {
      for (Value offset : store->dynamicOffsets)
        if (offset && !llvm::is_contained(kernel.getInputs(), offset) &&
            !llvm::is_contained(extraScalars, offset))
          extraScalars.push_back(offset);
      inPlaceStores[result.getResultNumber()] = *store;
    }
  for (unsigned input = 0; input < numInputs; ++input) {
    if (!isPackable(kernel, input, parent))
      continue;
    auto type =
        cast<ITensorType>(kernel.getBodyBlock().getArgument(input).getType());
    TilePacking own = getTilePacking(type);
    unsigned argNumber =
        cast<BlockArgument>(kernel.getInputs()[input]).getArgNumber();
    auto fixed =
        parent.getArgAttrOfType<DictionaryAttr>(argNumber, "dataflow.tiles");
    if (!fixed) {
      packedInputs[input] = own;
      continue;
    }
    std::optional<TilePacking> packing = getFixedPacking(fixed, type);
    if (!packing)
      return kernel.emitOpError("input ")
             << input << " has a fixed layout " << fixed
             << " its tensor cannot have";
    packing->loopOf = own.loopOf;
    packing->matchesDma = packing->tile == own.tile &&
                          packing->order == own.order;
    packedInputs[input] = *packing;
  }
  SmallVector<Type> argTypes;
  for (auto [index, operand] : llvm::enumerate(kernel->getOperands())) {
    Type type = operand.getType();
    if (index >= numInputs && inPlaceStores.count(index - numInputs))
      type = inPlaceStores[index - numInputs].insert.getType();
    if (packedInputs.count(index)) {
      argTypes.push_back(
          MemRefType::get(packedInputs[index].packedShape,
                          cast<RankedTensorType>(type).getElementType()));
      continue;
    }
    if (auto tensor = dyn_cast<RankedTensorType>(type))
      argTypes.push_back(
          MemRefType::get(tensor.getShape(), tensor.getElementType()));
    else
      argTypes.push_back(type);
  }
  for (Value scalar : extraScalars)
    argTypes.push_back(scalar.getType());
  builder.setInsertionPoint(parent);
  top = func::FuncOp::create(builder, loc, kernelName,
                             builder.getFunctionType(argTypes, {}));
  top->setAttr("dataflow.kernel", builder.getUnitAttr());
  SmallVector<Attribute> argNames;
  unsigned numOperands = kernel->getNumOperands();
  for (unsigned index = 0; index < argTypes.size(); ++index) {
    std::string name =
        index < numInputs     ? "in" + std::to_string(index)
        : index < numOperands ? "out" + std::to_string(index - numInputs)
                              : "offset" + std::to_string(index - numOperands);
    argNames.push_back(builder.getStringAttr(name));
  }
  top->setAttr("dataflow.arg_names", builder.getArrayAttr(argNames));
  symbols.insert(top);
  topBody = top.addEntryBlock();
  for (auto [index, input] : llvm::enumerate(kernel.getInputs()))
    if (!isa<RankedTensorType>(input.getType()))
      offsetArgs[input] = topBody->getArgument(index);
  for (auto [index, scalar] : llvm::enumerate(extraScalars))
    offsetArgs[scalar] = topBody->getArgument(numOperands + index);

  // Name every process first, so that FIFOs can be named after both ends.
  Block &body = kernel.getBodyBlock();
  for (unsigned input = 0; input < numInputs; ++input)
    if (isa<ITensorType>(body.getArgument(input).getType()))
      producers[body.getArgument(input)] = "load_" + std::to_string(input);
  for (Operation &op : body.without_terminator()) {
    if (auto task = dyn_cast<TaskOp>(op)) {
      std::string name = task.getName() ? task.getName()->str() : "task";
      for (Value result : task.getResults()) {
        if (!isa<ITensorType>(result.getType()))
          return task.emitOpError("with a non-itensor init cannot be lowered "
                                  "yet");
        producers[result] = name;
      }
    } else if (auto converter = dyn_cast<ITensorConverterOp>(op)) {
      producers[converter.getResult()] =
          "convert_" + std::to_string(numConverters++);
    } else if (auto fork = dyn_cast<ITensorForkOp>(op)) {
      std::string name = "fork_" + std::to_string(numForks++);
      for (Value result : fork.getResults())
        producers[result] = name;
    }
  }
  for (auto [output, value] :
       llvm::enumerate(body.getTerminator()->getOperands()))
    consumers[value] = "store_" + std::to_string(output);
  numConverters = numForks = 0;

  builder.setInsertionPointToStart(topBody);
  // Declare FIFOs in a stable order: inputs, then body results.
  for (unsigned input = 0; input < numInputs; ++input)
    if (producers.count(body.getArgument(input)))
      declareStream(body.getArgument(input),
                    producers[body.getArgument(input)]);
  for (Operation &op : body.without_terminator()) {
    // Casts and reassociations relabel a stream without changing the
    // sequence of scalars it carries: the same FIFO.
    if (isa<ITensorCastOp, ITensorReassociateOp>(op)) {
      // Read before inserting: an insertion may grow the map and move the
      // entry a reference would point to.
      Value stream = streams.lookup(op.getOperand(0));
      streams[op.getResult(0)] = stream;
      continue;
    }
    for (Value result : op.getResults())
      if (producers.count(result))
        declareStream(result, producers[result]);
  }

  for (unsigned input = 0; input < numInputs; ++input)
    if (isa<ITensorType>(body.getArgument(input).getType()))
      if (failed(lowerLoad(input)))
        return failure();
  for (Operation &op : body.without_terminator()) {
    LogicalResult result = success();
    if (auto task = dyn_cast<TaskOp>(op))
      result = lowerTask(task);
    else if (auto converter = dyn_cast<ITensorConverterOp>(op))
      result = lowerConverter(converter);
    else if (auto fork = dyn_cast<ITensorForkOp>(op))
      result = lowerFork(fork);
    else if (isa<ITensorEmptyOp, ITensorCastOp, ITensorReassociateOp,
                 arith::ConstantOp>(op))
      continue;
    else
      return op.emitOpError("cannot be lowered inside a kernel yet");
    if (failed(result))
      return failure();
  }
  for (auto [output, value] :
       llvm::enumerate(body.getTerminator()->getOperands()))
    if (failed(lowerStore(output, value)))
      return failure();
  builder.setInsertionPointToEnd(topBody);
  func::ReturnOp::create(builder, loc);

  // In the caller: external memory for the results, then the call.
  builder.setInsertionPoint(kernel);
  SmallVector<Value> callArgs;
  for (auto [index, input] : llvm::enumerate(kernel.getInputs())) {
    auto tensor = dyn_cast<RankedTensorType>(input.getType());
    if (!tensor) {
      callArgs.push_back(input);
      continue;
    }
    Value buffer = bufferization::ToBufferOp::create(
        builder, loc,
        MemRefType::get(tensor.getShape(), tensor.getElementType()), input,
        /*read_only=*/true);
    auto packed = packedInputs.find(index);
    if (packed != packedInputs.end()) {
      // The caller's buffer holds the packed layout (the host wrote it so):
      // the same memory seen with the packed shape, and the layout recorded
      // on the argument for whoever packs the weights.
      const TilePacking &packing = packed->second;
      auto flat = memref::CollapseShapeOp::create(
          builder, loc, buffer,
          SmallVector<ReassociationIndices>{
              llvm::to_vector(llvm::seq<int64_t>(0, tensor.getRank()))});
      SmallVector<ReassociationIndices> expansion{llvm::to_vector(
          llvm::seq<int64_t>(0, packing.packedShape.size()))};
      buffer = memref::ExpandShapeOp::create(
          builder, loc,
          MemRefType::get(packing.packedShape, tensor.getElementType()), flat,
          expansion);
      auto arg = cast<BlockArgument>(input);
      parent.setArgAttr(
          arg.getArgNumber(), "dataflow.tiles",
          builder.getDictionaryAttr(
              {builder.getNamedAttr("tile",
                                    builder.getDenseI64ArrayAttr(packing.tile)),
               builder.getNamedAttr(
                   "order", builder.getDenseI64ArrayAttr(packing.order))}));
    }
    callArgs.push_back(buffer);
  }
  SmallVector<Value> outputs;
  for (auto [index, init] : llvm::enumerate(kernel.getInits())) {
    auto found = inPlaceStores.find(index);
    if (found != inPlaceStores.end()) {
      // The caller's own tensor, written where the insertion puts it.
      RankedTensorType tensor = found->second.insert.getType();
      Value buffer = bufferization::ToBufferOp::create(
          builder, loc,
          MemRefType::get(tensor.getShape(), tensor.getElementType()),
          found->second.insert.getDest(), /*read_only=*/false);
      callArgs.push_back(buffer);
      outputs.push_back(buffer);
      continue;
    }
    auto tensor = cast<RankedTensorType>(init.getType());
    Value buffer = memref::AllocOp::create(
        builder, loc,
        MemRefType::get(tensor.getShape(), tensor.getElementType()));
    callArgs.push_back(buffer);
    outputs.push_back(buffer);
  }
  llvm::append_range(callArgs, extraScalars);
  func::CallOp::create(builder, loc, top, callArgs);
  for (auto [index, result, buffer] :
       llvm::enumerate(kernel.getResults(), outputs)) {
    auto memory = cast<MemRefType>(buffer.getType());
    Value tensor = bufferization::ToTensorOp::create(
        builder, loc,
        RankedTensorType::get(memory.getShape(), memory.getElementType()),
        buffer, /*restrict=*/true, /*writable=*/true);
    auto found = inPlaceStores.find(index);
    if (found == inPlaceStores.end()) {
      result.replaceAllUsesWith(tensor);
      continue;
    }
    found->second.insert.getResult().replaceAllUsesWith(tensor);
    found->second.insert.erase();
  }
  kernel->erase();
  return success();
}

void KernelLowering::declareStream(Value itensor, StringRef producer) {
  auto type = cast<ITensorType>(itensor.getType());
  std::string name = (producer + "_to_" + getConsumerName(itensor)).str();
  auto stream = StreamOp::create(
      builder, itensor.getLoc(), StreamType::get(type.getElementType(), 1),
      builder.getStringAttr(name),
      builder.getI64IntegerAttr(type.getNumTokens() * type.getTokenElements()));
  streams[itensor] = stream.getResult();
}

/// The process that reads `itensor`: its only reader.
StringRef KernelLowering::getConsumerName(Value itensor) {
  auto it = consumers.find(itensor);
  if (it != consumers.end())
    return it->second;
  for (Operation *user : itensor.getUsers()) {
    if (isa<ITensorCastOp, ITensorReassociateOp>(user))
      return consumers[itensor] = getConsumerName(user->getResult(0)).str();
    Operation *process = user;
    while (process && !isa<TaskOp, ITensorConverterOp, ITensorForkOp>(process))
      process = process->getParentOp();
    if (auto task = dyn_cast_or_null<TaskOp>(process))
      return consumers[itensor] = task.getName() ? task.getName()->str() : "task";
    if (process)
      return consumers[itensor] = producers[process->getResult(0)];
  }
  return consumers[itensor] = "none";
}

func::FuncOp KernelLowering::createProcess(StringRef processName,
                                           ValueRange topArgs,
                                           IRMapping &argMapping) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(parent);
  auto function = func::FuncOp::create(
      builder, kernel.getLoc(), uniqueName(kernelName + "_" + processName.str()),
      builder.getFunctionType(ValueRange(topArgs).getTypes(), {}));
  function->setAttr("dataflow.process", builder.getStringAttr(processName));
  symbols.insert(function);
  Block *entry = function.addEntryBlock();
  for (auto [topArg, arg] : llvm::zip(topArgs, entry->getArguments()))
    argMapping.map(topArg, arg);
  builder.setInsertionPointToEnd(topBody);
  func::CallOp::create(builder, kernel.getLoc(), function, topArgs);
  return function;
}

void KernelLowering::buildDma(StringRef name, Value memory, Value stream,
                              ITensorType type, bool isLoad,
                              ArrayRef<Value> baseOffsets,
                              const TilePacking *packing) {
  IRMapping args;
  SmallVector<Value> topArgs{memory, stream};
  if (!isLoad)
    std::swap(topArgs[0], topArgs[1]);
  for (Value base : baseOffsets)
    if (base && !llvm::is_contained(topArgs, base))
      topArgs.push_back(base);
  func::FuncOp process = createProcess(name, topArgs, args);
  Value external = args.lookup(memory), fifo = args.lookup(stream);
  OpBuilder b = OpBuilder::atBlockBegin(&process.getBody().front());
  Location loc = process.getLoc();
  // Where in external memory the tensor starts, per dimension.
  SmallVector<Value> bases;
  for (Value base : baseOffsets) {
    Value offset = base ? args.lookup(base) : nullptr;
    if (offset && !offset.getType().isIndex())
      offset = arith::IndexCastOp::create(b, loc, b.getIndexType(), offset);
    bases.push_back(offset);
  }
  // Tile by tile, each tile's elements row-major: the FIFO's order. The
  // memory is read or written in that same order, so no buffer sits in
  // between, and the loop nest stays perfect: HLS flattens it into one
  // pipelined burst rather than a burst and a FIFO phase per tile. A packed
  // input is read by tile index: [tile indices in packing order, element
  // indices].
  bool byTile = packing && packing->matchesDma;
  // [tile indices in packing order, element indices] of a packed input.
  auto getPackedIndices = [&](OpBuilder &b, ValueRange ivs,
                              ValueRange elements) {
    SmallVector<Value> indices;
    for (int64_t dim : packing->order)
      indices.push_back(packing->loopOf[dim]
                            ? ivs[*packing->loopOf[dim]]
                            : arith::ConstantIndexOp::create(b, loc, 0));
    llvm::append_range(indices, elements);
    return indices;
  };
  // Its FIFO order is its memory order: StripeWeights may read it in
  // another layout.
  if (byTile && isLoad)
    if (std::optional<int64_t> repeats = getInOrderRepeats(type, *packing))
      process->setAttr("dataflow.in_order_repeats",
                       b.getI64IntegerAttr(*repeats));
  // The index arithmetic sits in the innermost loop, which keeps the nest
  // perfect.
  auto body = [&](OpBuilder &b, ValueRange ivs) {
    buildTileLoops(b, loc, type, [&](OpBuilder &b, ValueRange elements) {
      SmallVector<Value> indices;
      if (byTile) {
        indices = getPackedIndices(b, ivs, elements);
      } else {
        SmallVector<Value> offsets = getTileOffsets(b, loc, type, ivs);
        for (auto [offset, base] : llvm::zip(offsets, bases))
          if (base)
            offset = arith::AddIOp::create(b, loc, offset, base);
        indices = addIndices(b, loc, offsets, elements);
      }
      if (packing && !byTile) {
        // [index / tile along the packing order..., index % tile...].
        SmallVector<Value> packed;
        for (int64_t dim : packing->order)
          packed.push_back(arith::DivSIOp::create(
              b, loc, indices[dim],
              arith::ConstantIndexOp::create(b, loc, packing->tile[dim])));
        for (auto [dim, index] : llvm::enumerate(indices))
          packed.push_back(arith::RemSIOp::create(
              b, loc, index,
              arith::ConstantIndexOp::create(b, loc, packing->tile[dim])));
        indices = packed;
      }
      if (isLoad)
        StreamWriteOp::create(
            b, loc, memref::LoadOp::create(b, loc, external, indices), fifo);
      else
        memref::StoreOp::create(
            b, loc,
            StreamReadOp::create(b, loc, type.getElementType(), fifo),
            external, indices);
    });
  };
  if (byTile)
    buildLoopNest(b, loc, type.getTripCounts(),
                  SmallVector<int64_t>(type.getNumLoops(), 1), body);
  else
    buildIterationLoops(b, loc, type, 0, body);
  func::ReturnOp::create(b, loc);
}

LogicalResult KernelLowering::lowerLoad(unsigned input) {
  Value itensor = kernel.getBodyBlock().getArgument(input);
  auto packed = packedInputs.find(input);
  buildDma(producers[itensor], topBody->getArgument(input), streams[itensor],
           cast<ITensorType>(itensor.getType()), /*isLoad=*/true, {},
           packed == packedInputs.end() ? nullptr : &packed->second);
  return success();
}

LogicalResult KernelLowering::lowerStore(unsigned output, Value itensor) {
  auto it = streams.find(itensor);
  if (it == streams.end())
    return kernel.emitOpError("yields a value that no process produces");
  SmallVector<Value> baseOffsets;
  auto inPlace = inPlaceStores.find(output);
  if (inPlace != inPlaceStores.end())
    for (Value offset : inPlace->second.dynamicOffsets)
      baseOffsets.push_back(offset ? offsetArgs.lookup(offset) : nullptr);
  buildDma("store_" + std::to_string(output),
           topBody->getArgument(kernel.getInputs().size() + output), it->second,
           cast<ITensorType>(itensor.getType()), /*isLoad=*/false,
           baseOffsets);
  return success();
}

LogicalResult KernelLowering::lowerConverter(ITensorConverterOp converter) {
  ITensorType from = converter.getSource().getType();
  ITensorType to = converter.getResult().getType();
  unsigned shared = converter.getSharedLoops();
  // Shared loops are counted without the loops of one iteration (see
  // getMaxSharedLoops); a side with such loops then iterates its canonical
  // form, which streams the same tiles in the same order.
  auto dropUnitLoops = [](ITensorType type) {
    if (!llvm::is_contained(type.getTripCounts(), 1))
      return type;
    return ITensorType::get(type.getElementType(),
                            type.getLayout().getCanonical());
  };
  if (shared > 0) {
    from = dropUnitLoops(from);
    to = dropUnitLoops(to);
  }
  ArrayRef<int64_t> bufferShape = converter.getBufferShape();
  Value in = streams[converter.getSource()];
  Value out = streams[converter.getResult()];
  std::string name = producers[converter.getResult()];
  Location loc = converter.getLoc();

  // The ping-pong buffer: two blocks between a process that fills one in the
  // producer's order while another drains the other in the consumer's.
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(topBody);
  auto blocks = BufferOp::create(
      builder, loc, MemRefType::get(bufferShape, from.getElementType()),
      builder.getI64IntegerAttr(2));
  blocks->setAttr("name", builder.getStringAttr(name + "_blocks"));

  SmallVector<int64_t> fullShape = from.getFullShape();
  SmallVector<int64_t> sharedBounds, sharedSteps;
  for (unsigned loop = 0; loop < shared; ++loop) {
    sharedBounds.push_back(from.getTripCounts()[loop] * from.getSteps()[loop]);
    sharedSteps.push_back(from.getSteps()[loop]);
  }
  // Inside the shared loops, a block holds the part of the tensor that this
  // iteration streams: on a dimension it covers in full, data offsets are
  // used as they are; otherwise they are taken relative to the offset the
  // shared loops fix.
  auto getBase = [&](OpBuilder &b, ValueRange sharedIvs) {
    SmallVector<Value> base(from.getRank());
    for (unsigned dim = 0; dim < from.getRank(); ++dim) {
      if (bufferShape[dim] == fullShape[dim])
        continue;
      AffineExpr result = from.getIterMap().getResult(dim);
      if (auto loop = dyn_cast<AffineDimExpr>(result))
        base[dim] = sharedIvs[loop.getPosition()];
      else
        base[dim] = arith::ConstantIndexOp::create(
            b, loc, cast<AffineConstantExpr>(result).getValue());
    }
    return base;
  };
  auto withShared = [](ValueRange sharedIvs, ValueRange inner) {
    SmallVector<Value> ivs(sharedIvs.begin(), sharedIvs.end());
    ivs.append(inner.begin(), inner.end());
    return ivs;
  };

  IRMapping fillArgs;
  func::FuncOp fill =
      createProcess(name + "_fill", {in, blocks.getResult()}, fillArgs);
  OpBuilder b = OpBuilder::atBlockBegin(&fill.getBody().front());
  buildLoopNest(b, loc, sharedBounds, sharedSteps,
                [&](OpBuilder &b, ValueRange sharedIvs) {
    Value channel = fillArgs.lookup(blocks);
    Value block = BlockAcquireOp::create(b, loc, channel.getType(), channel,
                                         b.getUnitAttr());
    SmallVector<Value> base = getBase(b, sharedIvs);
    buildIterationLoops(b, loc, from, shared, [&](OpBuilder &b, ValueRange ivs) {
      SmallVector<Value> offsets =
          getTileOffsets(b, loc, from, withShared(sharedIvs, ivs), base);
      buildTileLoops(b, loc, from, [&](OpBuilder &b, ValueRange elements) {
        Value value = StreamReadOp::create(b, loc, from.getElementType(),
                                           fillArgs.lookup(in));
        memref::StoreOp::create(b, loc, value, block,
                                addIndices(b, loc, offsets, elements));
      });
    });
  });
  func::ReturnOp::create(b, loc);

  IRMapping drainArgs;
  func::FuncOp drain =
      createProcess(name + "_drain", {blocks.getResult(), out}, drainArgs);
  b = OpBuilder::atBlockBegin(&drain.getBody().front());
  buildLoopNest(b, loc, sharedBounds, sharedSteps,
                [&](OpBuilder &b, ValueRange sharedIvs) {
    Value channel = drainArgs.lookup(blocks);
    Value block = BlockAcquireOp::create(b, loc, channel.getType(), channel,
                                         UnitAttr());
    SmallVector<Value> base = getBase(b, sharedIvs);
    buildIterationLoops(b, loc, to, shared, [&](OpBuilder &b, ValueRange ivs) {
      SmallVector<Value> offsets =
          getTileOffsets(b, loc, to, withShared(sharedIvs, ivs), base);
      buildTileLoops(b, loc, to, [&](OpBuilder &b, ValueRange elements) {
        Value value = memref::LoadOp::create(
            b, loc, block, addIndices(b, loc, offsets, elements));
        StreamWriteOp::create(b, loc, value, drainArgs.lookup(out));
      });
    });
  });
  func::ReturnOp::create(b, loc);
  return success();
}

LogicalResult KernelLowering::lowerFork(ITensorForkOp fork) {
  ITensorType type = fork.getSource().getType();
  SmallVector<Value> topArgs{streams[fork.getSource()]};
  for (Value result : fork.getResults())
    topArgs.push_back(streams[result]);
  IRMapping args;
  func::FuncOp process =
      createProcess(producers[fork.getResult(0)], topArgs, args);
  OpBuilder b = OpBuilder::atBlockBegin(&process.getBody().front());
  Location loc = process.getLoc();
  buildLoopNest(b, loc, {type.getNumTokens() * type.getTokenElements()}, {1},
                [&](OpBuilder &b, ValueRange) {
    Value value = StreamReadOp::create(b, loc, type.getElementType(),
                                       args.lookup(topArgs[0]));
    for (Value copy : ArrayRef<Value>(topArgs).drop_front())
      StreamWriteOp::create(b, loc, value, args.lookup(copy));
  });
  func::ReturnOp::create(b, loc);
  return success();
}

LogicalResult KernelLowering::lowerTask(TaskOp task) {
  // The task's inits are the FIFOs it writes: the FIFOs of its results.
  SetVector<Value> usedAbove;
  getUsedValuesDefinedAbove(task.getBody(), usedAbove);
  SmallVector<Value> topArgs;
  IRMapping map;
  SmallVector<std::pair<Value, Value>> initStreams;
  for (auto [init, result] : llvm::zip(task.getInits(), task.getResults())) {
    if (!isa<ITensorType>(init.getType()))
      return task.emitOpError("with a non-itensor init cannot be lowered yet");
    initStreams.push_back({init, streams[result]});
    topArgs.push_back(streams[result]);
  }
  SmallVector<Operation *> constants;
  SmallVector<std::pair<Value, Value>> streamArgs, scalarArgs;
  for (Value value : usedAbove) {
    if (isa<ITensorType>(value.getType())) {
      auto it = streams.find(value);
      if (it == streams.end())
        return task.emitOpError("reads an itensor that no process produces");
      streamArgs.push_back({value, it->second});
      topArgs.push_back(it->second);
      continue;
    }
    Operation *definition = value.getDefiningOp();
    if (definition && definition->hasTrait<OpTrait::ConstantLike>()) {
      constants.push_back(definition);
      continue;
    }
    auto arg = dyn_cast<BlockArgument>(value);
    if (arg && arg.getOwner() == &kernel.getBodyBlock()) {
      Value topArg = topBody->getArgument(arg.getArgNumber());
      scalarArgs.push_back({value, topArg});
      topArgs.push_back(topArg);
      continue;
    }
    return task.emitOpError("uses a value from outside it that cannot be "
                            "passed to a process");
  }
  IRMapping args;
  std::string name = task.getName() ? task.getName()->str() : "task";
  func::FuncOp process = createProcess(name, topArgs, args);
  OpBuilder b = OpBuilder::atBlockBegin(&process.getBody().front());
  for (auto [init, stream] : initStreams)
    map.map(init, args.lookup(stream));
  for (auto [value, stream] : streamArgs)
    map.map(value, args.lookup(stream));
  for (auto [value, topArg] : scalarArgs) {
    Value arg = args.lookup(topArg);
    // A table the task gathers from is read in place, in external memory.
    if (auto table = dyn_cast<RankedTensorType>(value.getType()))
      arg = bufferization::ToTensorOp::create(b, task.getLoc(), table, arg,
                                              /*restrict=*/true,
                                              /*writable=*/false);
    map.map(value, arg);
  }
  for (Operation *constant : constants)
    b.clone(*constant, map);
  auto unroll = task->getAttrOfType<IntegerAttr>("dataflow.unroll_factor");
  unrollFactor = unroll ? unroll.getInt() : 1;
  Block &body = task.getBody().front();
  for (auto [arg, init] : llvm::zip(body.getArguments(), task.getInits()))
    map.map(arg, map.lookup(init));
  if (failed(lowerBlock(body, b, map)))
    return failure();
  func::ReturnOp::create(b, task.getLoc());
  return success();
}

/// The buffer an op may update in place to produce a new value of `tile`:
/// a fresh one for an empty tensor, the tile's own buffer if nothing else
/// reads it, and a copy otherwise.
Value KernelLowering::getDestination(Value tile, OpBuilder &b,
                                     IRMapping &map) {
  Location loc = tile.getLoc();
  auto type = cast<RankedTensorType>(tile.getType());
  auto bufferType = MemRefType::get(type.getShape(), type.getElementType());
  // (Empty tensors are merged by CSE, so each use gets its own buffer.)
  if (tile.getDefiningOp<tensor::EmptyOp>())
    return memref::AllocaOp::create(b, loc, bufferType);
  Value buffer = map.lookup(tile);
  if (tile.hasOneUse())
    return buffer;
  Value copy = memref::AllocaOp::create(b, loc, bufferType);
  buildLoopNest(b, loc, type.getShape(),
                SmallVector<int64_t>(type.getRank(), 1),
                [&](OpBuilder &b, ValueRange indices) {
    memref::StoreOp::create(
        b, loc, memref::LoadOp::create(b, loc, buffer, indices), copy, indices);
  });
  return copy;
}

/// Converts the ops of a task: itensors become FIFOs, tile tensors become
/// local buffers updated in place, and loops stop carrying them.
LogicalResult KernelLowering::lowerBlock(Block &source, OpBuilder &b,
                                         IRMapping &map) {
  for (Operation &op : source) {
    Location loc = op.getLoc();
    if (isa<scf::YieldOp, YieldOp>(op))
      continue;
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      auto lowered = scf::ForOp::create(
          b, loc, map.lookupOrDefault(loop.getLowerBound()),
          map.lookupOrDefault(loop.getUpperBound()),
          map.lookupOrDefault(loop.getStep()));
      map.map(loop.getInductionVar(), lowered.getInductionVar());
      for (auto [arg, init, result] :
           llvm::zip(loop.getRegionIterArgs(), loop.getInitArgs(),
                     loop.getResults())) {
        Value carried = isa<RankedTensorType>(init.getType())
                            ? getDestination(init, b, map)
                            : map.lookup(init);
        map.map(arg, carried);
        map.map(result, carried);
      }
      OpBuilder inner = OpBuilder::atBlockBegin(lowered.getBody());
      inner.setInsertionPoint(lowered.getBody()->getTerminator());
      if (failed(lowerBlock(*loop.getBody(), inner, map)))
        return failure();
      // In place: what the body yields must be what it was given.
      auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
      for (auto [yielded, arg] :
           llvm::zip(yield.getOperands(), loop.getRegionIterArgs()))
        if (map.lookup(yielded) != map.lookup(arg))
          return loop.emitOpError("carries a value that cannot be updated in "
                                  "place");
      continue;
    }
    if (isa<tensor::EmptyOp>(op))
      continue; // see getDestination
    if (auto read = dyn_cast<ITensorReadOp>(op)) {
      ITensorType type = read.getSource().getType();
      Value stream = map.lookup(read.getSource());
      if (!read.getInit()) {
        if (isa<VectorType>(read.getResult().getType()))
          return read.emitOpError("of a vector cannot be lowered yet");
        map.map(read.getResult(),
                StreamReadOp::create(b, loc, type.getElementType(), stream));
        continue;
      }
      Value tile = getDestination(read.getInit(), b, map);
      buildTileLoops(b, loc, type, [&](OpBuilder &b, ValueRange elements) {
        Value value =
            StreamReadOp::create(b, loc, type.getElementType(), stream);
        memref::StoreOp::create(b, loc, value, tile, elements);
      });
      map.map(read.getResult(), tile);
      continue;
    }
    if (auto write = dyn_cast<ITensorWriteOp>(op)) {
      ITensorType type = write.getDest().getType();
      Value stream = map.lookup(write.getDest());
      Value value = map.lookup(write.getValue());
      if (isa<MemRefType>(value.getType())) {
        buildTileLoops(b, loc, type, [&](OpBuilder &b, ValueRange elements) {
          StreamWriteOp::create(
              b, loc, memref::LoadOp::create(b, loc, value, elements), stream);
        });
      } else if (isa<VectorType>(value.getType())) {
        return write.emitOpError("of a vector cannot be lowered yet");
      } else {
        StreamWriteOp::create(b, loc, value, stream);
      }
      map.map(write.getResult(), stream);
      continue;
    }
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      SmallVector<Value> inputs, outputs;
      for (Value input : generic.getInputs())
        inputs.push_back(map.lookup(input));
      for (Value output : generic.getOutputs())
        outputs.push_back(getDestination(output, b, map));
      auto lowered = linalg::GenericOp::create(
          b, loc, inputs, outputs, generic.getIndexingMapsArray(),
          generic.getIteratorTypesArray());
      generic.getRegion().cloneInto(&lowered.getRegion(), map);
      SmallVector<unsigned> order = getTileLoopOrder(generic);
      IRRewriter rewriter(b);
      rewriter.setInsertionPoint(lowered);
      if (!llvm::equal(order, llvm::seq<unsigned>(0, order.size()))) {
        FailureOr<linalg::GenericOp> interchanged =
            linalg::interchangeGenericOp(rewriter, lowered, order);
        if (failed(interchanged))
          return generic.emitOpError("cannot put its reduction loops first");
        lowered = *interchanged;
      }
      FailureOr<linalg::LinalgLoops> loops =
          linalg::linalgOpToLoops(rewriter, lowered);
      if (failed(loops))
        return generic.emitOpError("cannot be lowered to loops");
      rewriter.eraseOp(lowered);
      if (!loops->empty() && unrollFactor > 1)
        loops->back()->setAttr("dataflow.unroll",
                               b.getI64IntegerAttr(unrollFactor));
      for (auto [result, output] : llvm::zip(generic.getResults(), outputs))
        map.map(result, output);
      continue;
    }
    if (op.hasTrait<OpTrait::ConstantLike>() ||
        isa<arith::ArithDialect, math::MathDialect>(op.getDialect())) {
      if (llvm::any_of(op.getResultTypes(),
                       [](Type type) { return isa<ShapedType>(type); }))
        return op.emitOpError("on tensors inside a task cannot be lowered yet");
      b.clone(op, map);
      continue;
    }
    return op.emitOpError("inside a task cannot be lowered yet");
  }
  return success();
}

class LowerKernelToFuncPass
    : public dataflow::impl::LowerKernelToFuncBase<LowerKernelToFuncPass> {
public:
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<std::pair<KernelOp, func::FuncOp>> kernels;
    module.walk([&](KernelOp kernel) {
      kernels.push_back({kernel, kernel->getParentOfType<func::FuncOp>()});
    });
    for (auto [kernel, parent] : kernels)
      if (failed(KernelLowering(kernel, symbols, parent).run()))
        return signalPassFailure();
  }
};

} // namespace
