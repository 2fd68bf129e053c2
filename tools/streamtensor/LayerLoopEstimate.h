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
#include <map>
#include <string>

namespace streamtensor::driver {

struct LayerLoopCycles {
  /// The kernel as the host starts it, one layer per start.
  int64_t hostLayer = 0;
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

/// Whether the kernel walking the layers serves an [in:out] request sooner
/// than the host starting each layer (--layer-loop auto): the prefill
/// once, then `outTokens` - 1 decode steps, each start costing the
/// platform's invocation overhead. `blocks` holds block_prefill's and
/// block_decode's estimates; the embedding and the LM head take as long
/// either way.
bool isDeviceLoopFaster(const std::map<std::string, LayerLoopCycles> &blocks,
                        int64_t layers, int64_t outTokens,
                        const Platform &platform);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_LAYERLOOPESTIMATE_H
