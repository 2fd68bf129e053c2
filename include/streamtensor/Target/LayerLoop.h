//===- LayerLoop.h - A block kernel that walks every layer itself -*- C++ -*-===//
//
// With `--layer-loop device`, a transformer block's kernel is invoked once
// per token instead of once per layer: every process loops over the layers.
// A `layer_table` process reads one row of a table in device memory per
// layer and hands each process the entry of every port it uses: for a
// pointer, the element offset of that layer's buffer inside the buffer bound
// to the port (all layers' weights of an argument back to back, all layers'
// KV caches, the two activation slots); for a per-layer scalar (the
// attention window), its value. The processes that load the layer's input
// activation wait, at the end of each layer, for the process that stores its
// output to have finished that layer: the next layer reads what it wrote.
// Nothing else waits, so the weight DMAs run ahead into the next layer as
// far as their FIFOs allow (weight prefetch).
//
// The kernel function carries `dataflow.layer_loop`, a dictionary:
//   layers             : i64, the layer count (the loop's trip count hint)
//   table_ports        : array<i64>, the kernel arguments with a table
//                        column, in column order
//   activation_inputs  : array<i64>, the arguments the layer's input
//                        activation is loaded from
//   activation_outputs : array<i64>, the arguments its output is stored to
// The emitted top function takes two more arguments after the kernel's:
// `int32_t layers` and `int64_t *layer_table` (layers x columns, row-major).
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_TARGET_LAYERLOOP_H
#define STREAMTENSOR_TARGET_LAYERLOOP_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace streamtensor {

constexpr llvm::StringLiteral kLayerLoopAttrName = "dataflow.layer_loop";

/// What the layer loop of a kernel means for each of its process calls.
struct LayerLoopPlan {
  struct ProcessUse {
    mlir::func::CallOp call;
    /// (call operand, table column) for every operand with a table column.
    std::vector<std::pair<unsigned, unsigned>> tableOperands;
  };
  int64_t layers = 1;
  std::vector<unsigned> tablePorts;
  /// One per process call, in call order.
  std::vector<ProcessUse> processes;
  /// (writer, reader) indices into `processes`: the reader's next layer
  /// waits for the writer's current one.
  std::vector<std::pair<unsigned, unsigned>> syncs;
};

/// Marks `kernel` as walking `layers` layers.
void setLayerLoop(mlir::func::FuncOp kernel, int64_t layers,
                  llvm::ArrayRef<unsigned> tablePorts,
                  llvm::ArrayRef<unsigned> activationInputs,
                  llvm::ArrayRef<unsigned> activationOutputs);

/// Whether `kernel` carries a layer loop.
bool hasLayerLoop(mlir::func::FuncOp kernel);

/// The plan of a kernel that carries a layer loop. Emits an error on the
/// kernel and fails when the attribute is malformed or names an argument
/// that no process uses.
mlir::FailureOr<LayerLoopPlan> getLayerLoopPlan(mlir::func::FuncOp kernel);

/// The plan setLayerLoop's arguments would give, without the attribute.
mlir::FailureOr<LayerLoopPlan>
buildLayerLoopPlan(mlir::func::FuncOp kernel, int64_t layers,
                   llvm::ArrayRef<unsigned> tablePorts,
                   llvm::ArrayRef<unsigned> activationInputs,
                   llvm::ArrayRef<unsigned> activationOutputs);

} // namespace streamtensor

#endif // STREAMTENSOR_TARGET_LAYERLOOP_H
