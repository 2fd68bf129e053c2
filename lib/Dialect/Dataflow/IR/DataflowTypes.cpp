//===- DataflowTypes.cpp - itensor and stream types -----------------------===//

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

#define GET_TYPEDEF_CLASSES
#include "streamtensor/Dialect/Dataflow/IR/DataflowOpsTypes.cpp.inc"

void DataflowDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "streamtensor/Dialect/Dataflow/IR/DataflowOpsTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ITensorType
//===----------------------------------------------------------------------===//

/// The layout of an iteration map whose results the verifier has checked to
/// be loop dimensions or constants.
static StreamLayout makeLayout(ArrayRef<int64_t> elementShape,
                               ArrayRef<int64_t> tripCounts,
                               ArrayRef<int64_t> steps, AffineMap iterMap) {
  StreamLayout layout;
  layout.tileShape.assign(elementShape.begin(), elementShape.end());
  layout.tripCounts.assign(tripCounts.begin(), tripCounts.end());
  layout.steps.assign(steps.begin(), steps.end());
  for (AffineExpr result : iterMap.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(result))
      layout.offsets.push_back(TileOffset::loop(dim.getPosition()));
    else
      layout.offsets.push_back(
          TileOffset::constant(cast<AffineConstantExpr>(result).getValue()));
  }
  return layout;
}

LogicalResult ITensorType::verify(function_ref<InFlightDiagnostic()> emitError,
                                  Type elementType,
                                  ArrayRef<int64_t> elementShape,
                                  ArrayRef<int64_t> tripCounts,
                                  ArrayRef<int64_t> steps, AffineMap iterMap) {
  if (!elementType || !elementType.isIntOrIndexOrFloat())
    return emitError() << "itensor element type must be an integer, index or "
                          "float type, got "
                       << elementType;
  if (!iterMap)
    return emitError() << "itensor needs an iteration map";
  if (iterMap.getNumSymbols() != 0)
    return emitError() << "itensor iteration map must not have symbols, got "
                       << AffineMapAttr::get(iterMap);
  if (iterMap.getNumDims() != tripCounts.size())
    return emitError() << "itensor iteration map has " << iterMap.getNumDims()
                       << " loop dimensions but the iteration space has "
                       << tripCounts.size() << " loops";
  if (iterMap.getNumResults() != elementShape.size())
    return emitError() << "itensor iteration map has "
                       << iterMap.getNumResults()
                       << " results but the tile has rank "
                       << elementShape.size();
  for (auto [index, result] : llvm::enumerate(iterMap.getResults())) {
    if (isa<AffineDimExpr, AffineConstantExpr>(result))
      continue;
    std::string text;
    llvm::raw_string_ostream(text) << result;
    return emitError() << "itensor iteration map result #" << index << " ("
                       << text << ") must be a loop dimension or a constant";
  }
  StreamLayout layout = makeLayout(elementShape, tripCounts, steps, iterMap);
  if (std::optional<std::string> reason = layout.getInvalidReason())
    return emitError() << "itensor " << *reason;
  return success();
}

Type ITensorType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> elementShape, tripCounts, steps;
  Type elementType;
  AffineMap iterMap;
  auto parseIntList = [&](SmallVectorImpl<int64_t> &values) {
    return parser.parseCommaSeparatedList(
        AsmParser::Delimiter::Square, [&]() -> ParseResult {
          return parser.parseInteger(values.emplace_back());
        });
  };
  if (parser.parseLess() ||
      parser.parseDimensionList(elementShape, /*allowDynamic=*/false,
                                /*withTrailingX=*/true) ||
      parser.parseType(elementType) || parser.parseComma() ||
      parser.parseKeyword("iter_space") || parseIntList(tripCounts) ||
      parser.parseStar() || parseIntList(steps) || parser.parseComma() ||
      parser.parseKeyword("iter_map") || parser.parseAffineMap(iterMap) ||
      parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(loc); },
                    parser.getContext(), elementType, elementShape, tripCounts,
                    steps, iterMap);
}

void ITensorType::print(AsmPrinter &printer) const {
  printer << "<";
  for (int64_t size : getElementShape())
    printer << size << "x";
  printer << getElementType() << ", iter_space [";
  llvm::interleaveComma(getTripCounts(), printer);
  printer << "] * [";
  llvm::interleaveComma(getSteps(), printer);
  printer << "], iter_map ";
  getIterMap().print(printer.getStream());
  printer << ">";
}

StreamLayout ITensorType::getLayout() const {
  return makeLayout(getElementShape(), getTripCounts(), getSteps(),
                    getIterMap());
}

ITensorType ITensorType::get(Type elementType, const StreamLayout &layout) {
  MLIRContext *context = elementType.getContext();
  SmallVector<AffineExpr> offsets;
  for (const TileOffset &offset : layout.offsets)
    offsets.push_back(offset.isLoop()
                          ? getAffineDimExpr(offset.value, context)
                          : getAffineConstantExpr(offset.value, context));
  return get(context, elementType, layout.tileShape, layout.tripCounts,
             layout.steps,
             AffineMap::get(layout.getNumLoops(), 0, offsets, context));
}

SmallVector<int64_t> ITensorType::getFullShape() const {
  std::vector<int64_t> shape = getLayout().getFullShape();
  return SmallVector<int64_t>(shape.begin(), shape.end());
}

RankedTensorType ITensorType::getFullTensorType() const {
  return RankedTensorType::get(getFullShape(), getElementType());
}

RankedTensorType ITensorType::getTileTensorType() const {
  return RankedTensorType::get(getElementShape(), getElementType());
}

int64_t ITensorType::getNumTokens() const {
  return getLayout().getNumTokens();
}

int64_t ITensorType::getTokenElements() const {
  return getLayout().getTileElements();
}

int64_t ITensorType::getTokenBytes() const {
  int64_t bits = getTokenElements() *
                 int64_t(getElementType().getIntOrFloatBitWidth());
  return (bits + 7) / 8;
}

bool ITensorType::isProjectedPermutation() const {
  return getLayout().isProjectedPermutation();
}

bool ITensorType::isRegularTiling() const {
  return getLayout().isRegularTiling();
}

//===----------------------------------------------------------------------===//
// StreamType
//===----------------------------------------------------------------------===//

LogicalResult StreamType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Type elementType, int64_t depth) {
  Type scalar = elementType;
  if (auto vector = dyn_cast_or_null<VectorType>(elementType)) {
    if (vector.isScalable())
      return emitError() << "stream entries cannot be scalable vectors";
    scalar = vector.getElementType();
  }
  if (!scalar || !scalar.isIntOrIndexOrFloat())
    return emitError() << "stream entries must be integers, indices, floats or "
                          "vectors of them, got "
                       << elementType;
  if (depth < 1)
    return emitError() << "stream depth must be at least 1, got " << depth;
  return success();
}

int64_t StreamType::getNumScalars() const {
  if (auto vector = dyn_cast<VectorType>(getElementType()))
    return vector.getNumElements();
  return 1;
}

Type StreamType::getScalarType() const {
    if (auto vector = dyn_cast<VectorType>(getElementType()))
    return vector.getElementType();
  return getElementType();
}
