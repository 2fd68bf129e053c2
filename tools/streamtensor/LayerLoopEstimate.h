//===- LayerLoopEstimate.h - Cycles of a block kernel that walks the layers ===//
//
// The estimate behind --layer-loop device: a block graph's kernel model
// with every process looping over the layers (Analysis/LayerLoop.h),
// simulated for one and for two layers and extrapolated to all of them.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_TOOLS_LAYERLOOPESTIMATE_H
#define STREAMTENSOR_TOOLS_LAYERLOOPESTIMATE_H

#include "ModelOutputs.h"

#include "streamtensor/Platform/Platform.h"

#include <cstdint>

namespace streamtensor::driver {

struct LayerLoopCycles {
  int64_t oneLayer = 0;
  int64_t twoLayers = 0;
  /// oneLayer, then (twoLayers - oneLayer) per further layer.
  int64_t allLayers = 0;
};

/// Simulated cycles of the block graph's one kernel running `layers`
/// layers in one invocation. Fails, with an error on the graph, when the
/// layered design does not complete (a deadlock would be a bug of the
/// construction: every FIFO of a layer is drained by the layer).
mlir::FailureOr<LayerLoopCycles>
estimateLayerLoop(CompiledGraph &graph, int64_t layers,
                  const Platform &platform);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_LAYERLOOPESTIMATE_H
