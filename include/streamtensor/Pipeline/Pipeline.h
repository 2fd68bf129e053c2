//===- Pipeline.h - The compiler's pass pipeline, in one place -*- C++ -*-===//

#ifndef STREAMTENSOR_PIPELINE_PIPELINE_H
#define STREAMTENSOR_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>
#include <vector>

namespace streamtensor {

struct CompileOptions {
  /// Largest tile size on any loop (paper: default_tile_size).
  int64_t tileSize = 16;
  /// Largest tile size of named kernels, as NAME=SIZE (overrides tileSize).
  std::vector<std::string> kernelTileSizes;
  /// Order of the parallel tile loops of named kernels, outermost first, as
  /// NAME=i,j,... (a permutation of the op's parallel loops; the default is
  /// the op's own order).
  std::vector<std::string> kernelTileOrders;
  /// Elements each task computes per cycle (the unroll factor of its
  /// innermost loop).
  int64_t unrollFactor = 1;
  /// On-chip bytes the converters of one fused kernel may use.
  int64_t maxOnChipBytes = 42991616;
  /// FIFO depths to force, as name=depth.
  std::vector<std::string> fifoDepthOverrides;
  /// The target card: a platform name (platforms/<name>.json) or a path.
  std::string platform = "u55c";
  /// FIFO sizing: normal, conservative or upper-bound.
  std::string fifoMode = "normal";
  /// FIFO widths (dataflow-widen-fifos): "lanes" (as many elements per
  /// token as the processes compute per cycle; DMAs' FIFOs the AXI width)
  /// or "axi" (every FIFO as wide as the AXI port, its loops admitting).
  std::string fifoWidth = "lanes";
  /// Two int8 MACs per multiply (dataflow-pack-macs): "reused" (where each
  /// weight serves several output rows, a prefill's), "all" or "none".
  std::string packMacs = "reused";
  /// Float adds and subtracts (dataflow-bind-float-adders): "fabric"
  /// (LUTs), "dsp", or "auto" (the design search tries both; a compile
  /// without one takes DSPs).
  std::string floatAdders = "auto";
  /// DSPs the intensity-driven unrolling may use (-1: the platform's).
  int64_t dspBudget = -1;
  /// Part of the device the design may fill, in (0, 1]: each of an LLM's
  /// graphs gets a share (the unrolling's DSP, LUT and FF limits).
  double resourceShare = 1.0;
  /// Which unrolling step goes first (dataflow-unroll-by-intensity's
  /// `order`): "cheapest" (the most cycles saved per part of the budget)
  /// or "slowest" (the paper's: the slowest task's).
  std::string unrollOrder = "cheapest";
  /// Stripes (HBM pseudo-channels) of each weight streamed in order: 0
  /// picks as many as keep its DMA at one token per cycle, 1 stripes none.
  int64_t weightStripes = 0;
  /// Folder of Vitis HLS csynth reports to use instead of estimates.
  std::string profilesDir;
  /// Largest depth of a FIFO only a DMA's run-ahead fills (0: none;
  /// dataflow-size-fifos run-ahead-cap). Set by the design search.
  int64_t runAheadCap = 0;
  /// Drop unit dimensions (upstream's fold-unit-extent-dims). Graphs built
  /// by our frontends have none but the token dimension of decode, which
  /// must stay: without it a norm's statistic would be a rank-0 tensor,
  /// which cannot be streamed.
  bool foldUnitDims = true;
};

/// The stages of DESIGN.md section 2, in order. Each adds its passes to a
/// module-level pass manager; the driver can run them one by one (to dump
/// the IR between them) or all at once.
struct PipelineStage {
  const char *name;
  void (*build)(mlir::OpPassManager &pm, const CompileOptions &options);
};
const std::vector<PipelineStage> &getPipelineStages();

/// The last stage, resource allocation, without the steps that spend
/// resources on speed (unrolling, FIFO depths) or place the design on dies:
/// what a design needs at the least. The driver runs it on the model tiled
/// at size 1 to tell how much a design that does not fit needs at the
/// least.
void buildLeastResources(mlir::OpPassManager &pm,
                         const CompileOptions &options);

/// All stages, one after the other.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompileOptions &options);

/// Registers `streamtensor-compile` for streamtensor-opt.
void registerCompilePipeline();

} // namespace streamtensor

#endif // STREAMTENSOR_PIPELINE_PIPELINE_H
