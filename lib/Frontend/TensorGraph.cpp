//===- TensorGraph.cpp - Building linalg-on-tensors by named dimensions
//----===//

#include "streamtensor/Frontend/TensorGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace streamtensor::frontend;

TensorGraph::TensorGraph(ModuleOp module, StringRef name)
    : builder(module.getContext()), loc(module.getLoc()) {
  builder.setInsertionPointToEnd(module.getBody());
  function =
      func::FuncOp::create(builder, loc, name, builder.getFunctionType({}, {}));
  builder.setInsertionPointToStart(function.addEntryBlock());
}

void TensorGraph::setDim(StringRef name, int64_t size, bool keepUnit) {
  sizes[name.str()] = size;
  if (keepUnit)
    keptUnitDims.insert(name.str());
}

int64_t TensorGraph::getDim(StringRef name) const {
  auto found = sizes.find(name.str());
  return found == sizes.end() ? 0 : found->second;
}

bool TensorGraph::isDropped(StringRef name) const {
  return getDim(name) == 1 && !keptUnitDims.count(name.str());
}

std::vector<std::string>
TensorGraph::keepNonUnit(ArrayRef<std::string> dims) const {
  std::vector<std::string> kept;
  for (const std::string &dim : dims)
    if (!isDropped(dim))
      kept.push_back(dim);
  return kept;
}

RankedTensorType TensorGraph::getType(ArrayRef<std::string> dims,
                                      Type elementType) const {
  SmallVector<int64_t> shape;
  for (const std::string &dim : dims)
    shape.push_back(getDim(dim));
  if (!elementType)
    elementType = Float32Type::get(loc.getContext());
  return RankedTensorType::get(shape, elementType);
}

Value TensorGraph::constant(OpBuilder &at, double value) const {
  return arith::ConstantOp::create(at, loc, at.getF32FloatAttr(value));
}

GraphTensor TensorGraph::addArgument(ArrayRef<std::string> dims,
                                     Type elementType) {
  std::vector<std::string> kept = keepNonUnit(dims);
  Value argument =
      function.front().addArgument(getType(kept, elementType), loc);
  return {argument, kept};
}

GraphTensor TensorGraph::addScalarArgument(Type type) {
  return {function.front().addArgument(type, loc), {}};
}

Value TensorGraph::getIndex(OpBuilder &at, Location where,
                            StringRef dim) const {
  auto found = llvm::find(currentLoops, dim.str());
  assert(found != currentLoops.end() && "not a loop of this computation");
  return linalg::IndexOp::create(at, where, found - currentLoops.begin());
}

GraphTensor TensorGraph::compute(ArrayRef<std::string> outputDims,
                                 ArrayRef<GraphTensor> inputs, Combine combine,
                                 const Body &body, Type elementType) {
  // The iteration space: the output's dimensions, then the ones only inputs
  // have (reduced), in the order they first appear.
  std::vector<std::string> output = keepNonUnit(outputDims);
  std::vector<std::string> loops = output;
  for (const GraphTensor &input : inputs)
    for (const std::string &dim : input.dims)
      if (llvm::find(loops, dim) == loops.end())
        loops.push_back(dim);
  auto position = [&](const std::string &dim) {
    return unsigned(llvm::find(loops, dim) - loops.begin());
  };
  auto mapOf = [&](ArrayRef<std::string> dims) {
    SmallVector<AffineExpr> results;
    for (const std::string &dim : dims)
      results.push_back(builder.getAffineDimExpr(position(dim)));
    return AffineMap::get(loops.size(), 0, results, builder.getContext());
  };
  SmallVector<AffineMap> maps;
  SmallVector<Value> operands;
  for (const GraphTensor &input : inputs) {
    if (!isa<RankedTensorType>(input.value.getType()))
      continue; // a scalar: used from above
    maps.push_back(mapOf(input.dims));
    operands.push_back(input.value);
  }
  maps.push_back(mapOf(output));
  SmallVector<utils::IteratorType> iterators(loops.size(),
                                             utils::IteratorType::parallel);
  for (size_t loop = output.size(); loop < loops.size(); ++loop)
    iterators[loop] = utils::IteratorType::reduction;

  RankedTensorType type = getType(output, elementType);
  bool isInteger = isa<IntegerType>(type.getElementType());
  Value init = tensor::EmptyOp::create(builder, loc, type.getShape(),
                                       type.getElementType());
  if (combine != Combine::None) {
    Value identity;
    if (isInteger)
      identity = arith::ConstantOp::create(
          builder, loc, builder.getIntegerAttr(type.getElementType(), 0));
    else
      identity =
          constant(builder, combine == Combine::Sum
                                ? 0.0
                                : -std::numeric_limits<float>::infinity());
    init = linalg::FillOp::create(builder, loc, identity, init).getResult(0);
  }
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{type}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location at, ValueRange args) {
        SmallVector<Value> elements;
        ValueRange tensorElements = args.drop_back();
        for (const GraphTensor &input : inputs) {
          if (isa<RankedTensorType>(input.value.getType())) {
            elements.push_back(tensorElements.front());
            tensorElements = tensorElements.drop_front();
          } else {
            elements.push_back(input.value);
          }
        }
        currentLoops = loops;
        Value element = body(nested, at, elements);
        currentLoops.clear();
        Value accumulator = args.back();
        if (combine == Combine::Sum && isInteger)
          element = arith::AddIOp::create(nested, at, accumulator, element);
        else if (combine == Combine::Sum)
          element = arith::AddFOp::create(nested, at, accumulator, element);
        else if (combine == Combine::Max)
          element = arith::MaximumFOp::create(nested, at, accumulator, element);
        linalg::YieldOp::create(nested, at, element);
      });
  return {generic.getResult(0), output};
}

func::FuncOp TensorGraph::finish(ArrayRef<GraphTensor> results) {
  SmallVector<Value> values;
  for (const GraphTensor &result : results)
    values.push_back(result.value);
  func::ReturnOp::create(builder, loc, values);
  function.setFunctionType(builder.getFunctionType(
      function.front().getArgumentTypes(), ValueRange(values).getTypes()));
  return function;
}
