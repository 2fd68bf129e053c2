//===- TensorGraph.h - linalg-on-tensors by named dimensions ---*- C++ -*-===//
//
// The frontends that build models from a description (the LLM families)
// write every operator as an einsum over named dimensions: the output's
// dimensions, the inputs' dimensions, and a scalar body. This builder turns
// that into one linalg.generic with projected-permutation indexing maps, the
// form the dataflow conversion tiles, and drops dimensions of size 1 so that
// decode (one token) and grouped-query attention with one query per key head
// give the same graphs as the general case without unit dimensions.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_FRONTEND_TENSORGRAPH_H
#define STREAMTENSOR_FRONTEND_TENSORGRAPH_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace streamtensor::frontend {

/// A value of the graph and the names of its dimensions, outermost first.
struct GraphTensor {
  mlir::Value value;
  std::vector<std::string> dims;
};

/// How the body's per-element value is combined over the dimensions the
/// output does not have.
enum class Combine { None, Sum, Max };

class TensorGraph {
public:
  using Body = std::function<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                         llvm::ArrayRef<mlir::Value>)>;

  /// Starts function `name` (float32 throughout) at the end of `module`.
  TensorGraph(mlir::ModuleOp module, llvm::StringRef name);

  /// Declares a dimension; one of size 1 disappears from every tensor
  /// unless `keepUnit` (so that no tensor is left with rank 0).
  void setDim(llvm::StringRef name, int64_t size, bool keepUnit = false);
  int64_t getDim(llvm::StringRef name) const;
  /// Whether tensors leave the dimension out (size 1, not kept).
  bool isDropped(llvm::StringRef name) const;

  /// A new function argument with these dimensions (float32 unless
  /// `elementType` says otherwise).
  GraphTensor addArgument(llvm::ArrayRef<std::string> dims,
                          mlir::Type elementType = {});

  /// A new scalar function argument (a runtime value such as the decode
  /// position). Inputs of compute() may be scalars: the body sees the value
  /// itself, for every point.
  GraphTensor addScalarArgument(mlir::Type type);
  /// Inside a body of compute(): the index of the current point along
  /// dimension `dim` of its iteration space (linalg.index).
  mlir::Value getIndex(mlir::OpBuilder &builder, mlir::Location loc,
                       llvm::StringRef dim) const;
  /// One linalg.generic: for every point of the output dimensions, the body
  /// applied to the inputs' elements, combined over the inputs' other
  /// dimensions (`combine` must not be None then). The result is float32
  /// unless `elementType` says otherwise (integer sums add integers).
  GraphTensor compute(llvm::ArrayRef<std::string> outputDims,
                      llvm::ArrayRef<GraphTensor> inputs, Combine combine,
                      const Body &body, mlir::Type elementType = {});

  /// Ends the function with these results. Returns it.
  mlir::func::FuncOp finish(llvm::ArrayRef<GraphTensor> results);

  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::Location getLoc() const { return loc; }

  /// Float constant of the graph's element type.
  mlir::Value constant(mlir::OpBuilder &builder, double value) const;

private:
  std::vector<std::string> keepNonUnit(llvm::ArrayRef<std::string> dims) const;
  mlir::RankedTensorType getType(llvm::ArrayRef<std::string> dims,
                                 mlir::Type elementType) const;

  mlir::OpBuilder builder;
  mlir::Location loc;
  mlir::func::FuncOp function;
  std::map<std::string, int64_t> sizes;
  std::set<std::string> keptUnitDims;
  /// The loops of the linalg.generic whose body is being built.
  std::vector<std::string> currentLoops;
};

} // namespace streamtensor::frontend

#endif // STREAMTENSOR_FRONTEND_TENSORGRAPH_H
