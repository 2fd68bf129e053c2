//===- DataflowOps.cpp - Verifiers, folders and builders of dataflow ops --===//

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "streamtensor/Analysis/ConverterSizing.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

#define GET_OP_CLASSES
#include "streamtensor/Dialect/Dataflow/IR/DataflowOps.cpp.inc"

static std::vector<int64_t> toVector(ArrayRef<int64_t> values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

//===----------------------------------------------------------------------===//
// Tiles: the values that itensor_read produces and itensor_write consumes
//===----------------------------------------------------------------------===//

/// A tile value is the tile as a tensor or a vector of the tile shape, or,
/// for a one-element tile, the scalar.
static LogicalResult verifyTileValue(Operation *op, Type valueType,
                                     ITensorType itensor, StringRef what) {
  if (auto tensor = dyn_cast<RankedTensorType>(valueType)) {
    if (tensor == itensor.getTileTensorType())
      return success();
  } else if (auto vector = dyn_cast<VectorType>(valueType)) {
    if (vector.getShape() == itensor.getElementShape() &&
        vector.getElementType() == itensor.getElementType())
      return success();
  } else if (valueType == itensor.getElementType() &&
             itensor.getTokenElements() == 1) {
    return success();
  }
  return op->emitOpError() << what << " must be the tile "
                           << itensor.getTileTensorType()
                           << " (or a vector of that shape, or the scalar of a "
                              "one-element tile), got "
                           << valueType;
}

//===----------------------------------------------------------------------===//
// The loop nest around itensor_read and itensor_write
//===----------------------------------------------------------------------===//

/// Follows a stream through loop-carried values and task inits back to the
/// value where it starts, outside the loops that write it.
static Value getStreamOrigin(Value stream) {
  while (auto arg = dyn_cast<BlockArgument>(stream)) {
    Operation *owner = arg.getOwner()->getParentOp();
    if (auto loop = dyn_cast_or_null<LoopLikeOpInterface>(owner)) {
      if (OpOperand *init = loop.getTiedLoopInit(arg)) {
        stream = init->get();
        continue;
      }
    } else if (auto task = dyn_cast_or_null<TaskOp>(owner)) {
      if (arg.getArgNumber() < task.getInits().size()) {
        stream = task.getInits()[arg.getArgNumber()];
        continue;
      }
    }
    break;
  }
  return stream;
}

namespace {
/// Trip counts and steps of a loop nest, outermost first.
struct LoopNest {
  std::vector<int64_t> tripCounts;
  std::vector<int64_t> steps;

  /// The nest without loops of one iteration.
  LoopNest withoutUnitLoops() const {
    LoopNest nest;
    for (auto [trip, step] : llvm::zip(tripCounts, steps)) {
      if (trip == 1)
        continue;
      nest.tripCounts.push_back(trip);
      nest.steps.push_back(step);
    }
    return nest;
  }
  bool operator==(const LoopNest &other) const {
    return tripCounts == other.tripCounts && steps == other.steps;
  }
};
} // namespace

/// The loops that run `op` once per token of `stream`: those around `op` that
/// do not also enclose the stream's origin.
static FailureOr<LoopNest> getLoopsAroundAccess(Operation *op, Value stream) {
  Value origin = getStreamOrigin(stream);
  Operation *anchor = origin.getDefiningOp();
  if (!anchor)
    anchor = origin.getParentBlock()->getParentOp();

  LoopNest nest;
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (anchor && parent->isAncestor(anchor))
      break;
    if (auto loop = dyn_cast<LoopLikeOpInterface>(parent)) {
      std::optional<OpFoldResult> lower = loop.getSingleLowerBound();
      std::optional<OpFoldResult> upper = loop.getSingleUpperBound();
      std::optional<OpFoldResult> step = loop.getSingleStep();
      std::optional<int64_t> lowerValue, upperValue, stepValue;
      if (lower && upper && step) {
        lowerValue = getConstantIntValue(*lower);
        upperValue = getConstantIntValue(*upper);
        stepValue = getConstantIntValue(*step);
      }
      if (!lowerValue || !upperValue || !stepValue || *stepValue <= 0) {
        InFlightDiagnostic diag =
            op->emitOpError("must be inside loops with constant bounds and "
                            "positive constant steps");
        diag.attachNote(parent->getLoc()) << "this loop has none";
        return diag;
      }
      int64_t range = std::max<int64_t>(0, *upperValue - *lowerValue);
      nest.tripCounts.push_back((range + *stepValue - 1) / *stepValue);
      nest.steps.push_back(*stepValue);
    }
    if (parent->hasTrait<OpTrait::IsIsolatedFromAbove>())
      break;
  }
  std::reverse(nest.tripCounts.begin(), nest.tripCounts.end());
  std::reverse(nest.steps.begin(), nest.steps.end());
  return nest;
}

static LogicalResult verifyLoopsMatchIterationSpace(Operation *op,
                                                    Value stream) {
  auto itensor = cast<ITensorType>(stream.getType());
  FailureOr<LoopNest> loops = getLoopsAroundAccess(op, stream);
  if (failed(loops))
    return failure();
  LoopNest expected{toVector(itensor.getTripCounts()),
                    toVector(itensor.getSteps())};
  if (loops->withoutUnitLoops() == expected.withoutUnitLoops())
    return success();
  return op->emitOpError()
         << "must be inside loops matching the iteration space of " << itensor
         << ": trip counts " << formatList(expected.tripCounts) << " and steps "
         << formatList(expected.steps) << ", found trip counts "
         << formatList(loops->tripCounts) << " and steps "
         << formatList(loops->steps) << " (loops of one iteration ignored)";
}

//===----------------------------------------------------------------------===//
// ITensorReadOp, ITensorWriteOp
//===----------------------------------------------------------------------===//

LogicalResult ITensorReadOp::verify() {
  ITensorType source = getSource().getType();
  if (failed(verifyTileValue(*this, getResult().getType(), source, "result")))
    return failure();
  // (An init always has the result type, so only a tensor read has one.)
  if (isa<RankedTensorType>(getResult().getType()) && !getInit())
    return emitOpError("reads a tile tensor and needs an init tensor to hold "
                       "it");
  return verifyLoopsMatchIterationSpace(*this, getSource());
}

LogicalResult ITensorWriteOp::verify() {
  if (failed(verifyTileValue(*this, getValue().getType(), getDest().getType(),
                             "value")))
    return failure();
  return verifyLoopsMatchIterationSpace(*this, getDest());
}

//===----------------------------------------------------------------------===//
// ITensorCastOp
//===----------------------------------------------------------------------===//

LogicalResult ITensorCastOp::verify() {
  ITensorType source = getSource().getType();
  ITensorType result = getResult().getType();
  if (source.getElementType() != result.getElementType())
    return emitOpError("cannot change the element type from ")
           << source.getElementType() << " to " << result.getElementType();
  if (!source.getLayout().streamsSameAs(result.getLayout()))
    return emitOpError("source and result must stream the same tiles in the "
                       "same order; use itensor_converter to change the "
                       "layout");
  return success();
}

OpFoldResult ITensorCastOp::fold(FoldAdaptor) {
  if (getSource().getType() == getResult().getType())
    return getSource();
  if (auto producer = getSource().getDefiningOp<ITensorCastOp>()) {
    if (producer.getSource().getType() == getResult().getType())
      return producer.getSource();
    getSourceMutable().assign(producer.getSource());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// ITensorReassociateOp
//===----------------------------------------------------------------------===//

LogicalResult ITensorReassociateOp::verify() {
  ITensorType source = getSource().getType();
  ITensorType result = getResult().getType();
  if (source.getElementType() != result.getElementType())
    return emitOpError("cannot change the element type from ")
           << source.getElementType() << " to " << result.getElementType();
  bool expands = result.getRank() >= source.getRank();
  ITensorType expanded = expands ? result : source;
  ITensorType collapsed = expands ? source : result;

  ArrayAttr groups = getReassociation();
  if (groups.size() != collapsed.getRank())
    return emitOpError("needs one reassociation group per dimension of the "
                       "lower-rank side (")
           << collapsed.getRank() << "), got " << groups.size();
  SmallVector<int64_t> expandedFull = expanded.getFullShape();
  SmallVector<int64_t> collapsedFull = collapsed.getFullShape();
  int64_t nextDim = 0;
  for (auto [index, group] : llvm::enumerate(groups)) {
    auto dims = cast<ArrayAttr>(group).getAsValueRange<IntegerAttr>();
    if (dims.empty())
      return emitOpError("reassociation group #") << index << " is empty";
    int64_t fullSize = 1, tileSize = 1;
    for (const APInt &dim : dims) {
      if (dim.getSExtValue() != nextDim)
        return emitOpError("reassociation groups must list the dimensions 0 "
                           "to ")
               << expanded.getRank() - 1 << " in order, once each";
      fullSize *= expandedFull[nextDim];
      tileSize *= expanded.getElementShape()[nextDim];
      ++nextDim;
    }
    if (fullSize != collapsedFull[index])
      return emitOpError("reassociation group #")
             << index << " has tensor size " << fullSize << " but dimension "
             << index << " of the lower-rank side has " << collapsedFull[index];
    if (tileSize != collapsed.getElementShape()[index])
      return emitOpError("reassociation group #")
             << index << " has tile size " << tileSize << " but dimension "
             << index << " of the lower-rank side has tile size "
             << collapsed.getElementShape()[index];
  }
  if (nextDim != int64_t(expanded.getRank()))
    return emitOpError("reassociation groups must list the dimensions 0 to ")
           << expanded.getRank() - 1 << " in order, once each";
  if (source.getNumTokens() != result.getNumTokens())
    return emitOpError("source streams ")
           << source.getNumTokens() << " tokens but result streams "
           << result.getNumTokens();
  return success();
}

//===----------------------------------------------------------------------===//
// ITensorConverterOp
//===----------------------------------------------------------------------===//

void ITensorConverterOp::build(OpBuilder &builder, OperationState &state,
                               Value source, ITensorType resultType) {
  auto sourceType = cast<ITensorType>(source.getType());
  StreamLayout from = sourceType.getLayout(), to = resultType.getLayout();
  unsigned sharedLoops = getMaxSharedLoops(from, to);
  std::vector<int64_t> bufferShape = getMinBufferShape(from, to, sharedLoops);
  build(builder, state, resultType, source,
        builder.getDenseI64ArrayAttr(bufferShape),
        builder.getI64IntegerAttr(sharedLoops));
}

LogicalResult ITensorConverterOp::verify() {
  ITensorType source = getSource().getType();
  ITensorType result = getResult().getType();
  if (source.getFullTensorType() != result.getFullTensorType())
    return emitOpError("converts between layouts of one tensor, but the "
                       "source streams ")
           << source.getFullTensorType() << " and the result "
           << result.getFullTensorType();
  StreamLayout from = source.getLayout(), to = result.getLayout();
  std::vector<int64_t> buffer = toVector(getBufferShape());
  if (buffer.size() != source.getRank())
    return emitOpError("buffer has rank ")
           << buffer.size() << " but the tensor has rank " << source.getRank();
  unsigned maxShared = getMaxSharedLoops(from, to);
  if (uint64_t(getSharedLoops()) > maxShared)
    return emitOpError("shares ")
           << getSharedLoops() << " loops with producer and consumer, but only "
           << maxShared << " outer loops agree";
  std::vector<int64_t> minimum =
      getMinBufferShape(from, to, unsigned(getSharedLoops()));
  std::vector<int64_t> full = from.getFullShape();
  for (unsigned dim = 0; dim < buffer.size(); ++dim) {
    if (buffer[dim] < minimum[dim])
      return emitOpError("buffer ")
             << formatShape(buffer) << " is smaller than the minimum "
             << formatShape(minimum) << " for " << getSharedLoops()
             << " shared loops";
    if (buffer[dim] > full[dim])
      return emitOpError("buffer ")
             << formatShape(buffer) << " is larger than the tensor "
             << formatShape(full);
  }
  return success();
}

OpFoldResult ITensorConverterOp::fold(FoldAdaptor) {
  if (getSource().getType() == getResult().getType())
    return getSource();
  return {};
}

//===----------------------------------------------------------------------===//
// ITensorChunkOp, ITensorConcatOp
//===----------------------------------------------------------------------===//

/// Checks that `pieces`, in order, cut `whole` along `dim` at tile
/// boundaries.
static LogicalResult verifyPieces(Operation *op, ITensorType whole,
                                  TypeRange pieces, int64_t dim,
                                  StringRef pieceName) {
  if (pieces.empty())
    return op->emitOpError("needs at least one ") << pieceName;
  if (dim >= int64_t(whole.getRank()))
    return op->emitOpError("dimension ")
           << dim << " is out of range for rank " << whole.getRank();
  SmallVector<int64_t> wholeShape = whole.getFullShape();
  int64_t total = 0;
  for (auto [index, type] : llvm::enumerate(pieces)) {
    auto piece = cast<ITensorType>(type);
    if (piece.getElementType() != whole.getElementType() ||
        piece.getElementShape() != whole.getElementShape())
      return op->emitOpError() << pieceName << " #" << index
                               << " must have the tile "
                               << whole.getTileTensorType() << ", got "
                               << piece.getTileTensorType();
    SmallVector<int64_t> pieceShape = piece.getFullShape();
    for (unsigned d = 0; d < whole.getRank(); ++d)
      if (int64_t(d) != dim && pieceShape[d] != wholeShape[d])
        return op->emitOpError() << pieceName << " #" << index
                                 << " differs from the whole tensor on "
                                    "dimension "
                                 << d << ", which is not the dimension " << dim;
    if (pieceShape[dim] % whole.getElementShape()[dim] != 0)
      return op->emitOpError()
             << pieceName << " #" << index << " has size " << pieceShape[dim]
             << " on dimension " << dim << ", not a multiple of the tile size "
             << whole.getElementShape()[dim];
    total += pieceShape[dim];
  }
  if (total != wholeShape[dim])
    return op->emitOpError() << "the " << pieceName << "s add up to " << total
                             << " on dimension " << dim
                             << " but the whole tensor has "
                             << wholeShape[dim];
  return success();
}

LogicalResult ITensorChunkOp::verify() {
  return verifyPieces(*this, getSource().getType(), getResults().getTypes(),
                      getDim(), "result");
}

LogicalResult ITensorConcatOp::verify() {
  return verifyPieces(*this, getResult().getType(), getInputs().getTypes(),
                      getDim(), "input");
}

//===----------------------------------------------------------------------===//
// ITensorForkOp, ITensorJoinOp
//===----------------------------------------------------------------------===//

LogicalResult ITensorForkOp::verify() {
  if (getResults().size() < 2)
    return emitOpError("needs at least two results, got ")
           << getResults().size();
  for (auto [index, type] : llvm::enumerate(getResults().getTypes()))
    if (type != getSource().getType())
      return emitOpError("result #")
             << index << " must have the source type " << getSource().getType()
             << ", got " << type;
  return success();
}

LogicalResult ITensorJoinOp::verify() {
  if (getInputs().size() < 2)
    return emitOpError("needs at least two inputs, got ")
           << getInputs().size();
  ITensorType result = getResult().getType();
  int64_t tokens = 0;
  for (auto [index, type] : llvm::enumerate(getInputs().getTypes())) {
    auto input = cast<ITensorType>(type);
    if (input.getTileTensorType() != result.getTileTensorType())
      return emitOpError("input #")
             << index << " must have the tile " << result.getTileTensorType()
             << ", got " << input.getTileTensorType();
    tokens += input.getNumTokens();
  }
  if (tokens != result.getNumTokens())
    return emitOpError("inputs stream ")
           << tokens << " tokens together but the result streams "
           << result.getNumTokens();
  return success();
}

//===----------------------------------------------------------------------===//
// ITensorToStreamOp, StreamToITensorOp
//===----------------------------------------------------------------------===//

static LogicalResult verifyStreamCarries(Operation *op, StreamType stream,
                                         ITensorType itensor) {
  if (stream.getScalarType() != itensor.getElementType() ||
      stream.getNumScalars() != itensor.getTokenElements())
    return op->emitOpError("stream entries ")
           << stream.getElementType() << " must hold one token of "
           << itensor.getTileTensorType();
  return success();
}

LogicalResult ITensorToStreamOp::verify() {
  return verifyStreamCarries(*this, getResult().getType(),
                             getSource().getType());
}

LogicalResult StreamToITensorOp::verify() {
  return verifyStreamCarries(*this, getSource().getType(),
                             getResult().getType());
}

//===----------------------------------------------------------------------===//
// StreamOp
//===----------------------------------------------------------------------===//

/// The dataflow process that runs `op`: its innermost task, or the function
/// (or other isolated op) around it.
static Operation *getProcess(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    if (isa<TaskOp>(parent) ||
        parent->hasTrait<OpTrait::IsIsolatedFromAbove>())
      return parent;
  return nullptr;
}

LogicalResult StreamOp::verify() {
  Operation *writer = nullptr, *reader = nullptr;
  for (Operation *user : getResult().getUsers()) {
    if (!isa<StreamReadOp, StreamWriteOp>(user))
      return success(); // passed on; checked where it is read and written
    bool isWrite = isa<StreamWriteOp>(user);
    Operation *&process = isWrite ? writer : reader;
    Operation *userProcess = getProcess(user);
    if (process && process != userProcess) {
      InFlightDiagnostic diag = emitOpError("is ")
                                << (isWrite ? "written" : "read")
                                << " by two processes; a stream has exactly "
                                   "one writer and one reader";
      const char *note = isWrite ? "this process writes it" : "this process reads it";
      diag.attachNote(process->getLoc()) << note;
      diag.attachNote(userProcess->getLoc()) << note;
      return diag;
    }
    process = userProcess;
  }
  if (!writer && !reader)
    return success(); // unused
  if (!writer)
    return emitOpError("is read but never written");
  if (!reader)
    return emitOpError("is written but never read");
  if (writer == reader && isa<TaskOp>(writer))
    return emitOpError("is written and read by the same task; a stream "
                       "connects two processes");
  return success();
}

//===----------------------------------------------------------------------===//
// KernelOp, TaskOp
//===----------------------------------------------------------------------===//

/// Checks that the region yields values of `types` and that the results have
/// them too.
static LogicalResult verifyYieldAndResults(Operation *op, Block &body,
                                           TypeRange expected,
                                           TypeRange yieldExpected) {
  if (op->getResultTypes() != expected)
    return op->emitOpError("results must have the types of the inits");
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return op->emitOpError("body must end with dataflow.yield");
  if (yield.getOperands().getTypes() != yieldExpected) {
    InFlightDiagnostic diag = op->emitOpError(
        "body must yield one value per init, of the type of the init's block "
        "argument");
    diag.attachNote(yield.getLoc()) << "yield is here";
    return diag;
  }
  return success();
}

LogicalResult KernelOp::verify() {
  Block &body = getBodyBlock();
  unsigned numInputs = getInputs().size(), numInits = getInits().size();
  if (body.getNumArguments() != numInputs + numInits)
    return emitOpError("body needs one block argument per input and init (")
           << numInputs + numInits << "), got " << body.getNumArguments();

  for (auto [index, operand] : llvm::enumerate(getOperands())) {
    Type argType = body.getArgument(index).getType();
    Type operandType = operand.getType();
    bool isInit = index >= numInputs;
    auto tensor = dyn_cast<RankedTensorType>(operandType);
    if (!tensor) {
      if (argType != operandType)
        return emitOpError("block argument #")
               << index << " must have the type of the scalar input, "
               << operandType << ", got " << argType;
      continue;
    }
    // An input read at computed positions (a gather) stays in external
    // memory: its block argument is the tensor itself.
    if (!isInit && argType == operandType)
      continue;
    auto itensor = dyn_cast<ITensorType>(argType);
    if (!itensor || itensor.getFullTensorType() != tensor)
      return emitOpError("block argument #")
             << index << " must be an itensor streaming the "
             << (isInit ? "init " : "input ") << tensor
             << (isInit ? "" : " (or the tensor itself, read in place)")
             << ", got " << argType;
  }
  SmallVector<Type> yieldTypes(
      TypeRange(body.getArguments().drop_front(numInputs)));
  return verifyYieldAndResults(*this, body, getInits().getTypes(), yieldTypes);
}

LogicalResult TaskOp::verify() {
  Block &body = getBodyBlock();
  if (body.getArgumentTypes() != getInits().getTypes())
    return emitOpError("body needs one block argument per init, of the init's "
                       "type");
  return verifyYieldAndResults(*this, body, getInits().getTypes(),
                               getInits().getTypes());
}
