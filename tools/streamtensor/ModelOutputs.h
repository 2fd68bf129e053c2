//===- ModelOutputs.h - What compile writes for an LLM ----------*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_MODELOUTPUTS_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_MODELOUTPUTS_H

#include "streamtensor/Analysis/Resources.h"
#include "streamtensor/Frontend/ModelWeights.h"
#include "streamtensor/Frontend/TransformerGraph.h"
#include "streamtensor/Target/HbmChannels.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <string>

namespace streamtensor::driver {

/// One graph after the pipeline.
struct CompiledGraph {
  frontend::GraphSignature signature;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  llvm::json::Object fusion;
  /// getUnfusedIntermediateBytes of the graph before fusion.
  int64_t unfusedIntermediateBytes = 0;
  /// describeKernels of the design, when the search measured it (ports
  /// bound graph by graph): what it lends the graphs searched after it,
  /// and the report's `search_estimated_cycles`.
  struct Measured {
    llvm::json::Array kernels;
    int64_t cycles = 0;
    Resources resources;
    /// Its use of each die, placed beside the graphs searched before it
    /// (placeGraphWithin).
    std::vector<Resources> perDie;
  };
  std::optional<Measured> measured;
};

/// Per weight argument name, the tiled layout its DMA reads it in
/// ({tile, order}, see dataflow-lower-kernel-to-func); weights absent are
/// stored row-major.
using WeightLayouts = std::map<std::string, mlir::DictionaryAttr>;

/// The layouts the compile of `graph` packed its weights in.
WeightLayouts getWeightLayouts(const CompiledGraph &graph);

/// Binds every kernel port of the graphs to an HBM pseudo-channel by the
/// role of its buffer, the same in every graph: the hidden states, each KV
/// cache, the logits on channels of their own; each weight (all layers'
/// copies together) spread over the others.
/// The ports of a block graph's one kernel that a layer loop gives a table
/// column (every weight, cache, activation and window port), and those of
/// its input and output activations.
struct LayerLoopPorts {
  mlir::func::FuncOp kernel;
  std::vector<unsigned> tablePorts, activationInputs, activationOutputs;
};
mlir::FailureOr<LayerLoopPorts> getLayerLoopPorts(CompiledGraph &graph);

/// Makes the block graph's one kernel walk `layers` layers itself
/// (--layer-loop device; Target/LayerLoop.h): every weight, cache,
/// activation and window port gets a table column. Fails, with an error on
/// the graph, when the block is not one kernel.
mlir::LogicalResult markLayerLoop(CompiledGraph &graph, int64_t layers);

mlir::LogicalResult assignModelHbmChannels(std::vector<CompiledGraph> &graphs,
                                           int64_t numLayers,
                                           const Platform &platform);

/// Places the processes of `graph` on the dies within `allowance` (per die,
/// what it may use beside the other graphs) and overwrites their
/// `dataflow.slr`; `usage` gets its use of each die. Returns why it does not
/// fit, or an empty string; `overMemory` then says whether the processes
/// pinned to a die (the DMAs) need more BRAM_18K or URAM than it allows.
std::string placeGraphWithin(CompiledGraph &graph, const Platform &platform,
                             const std::vector<Resources> &allowance,
                             std::vector<Resources> &usage,
                             bool &overMemory);

/// Places the processes of all the graphs on the dies at once (they are
/// all on the device together; each graph's own compile placed it as if it
/// were alone) and overwrites their `dataflow.slr`. `perDie` gets each
/// die's use. Fails, with the reason on the first graph, when they do not
/// fit side by side.
mlir::LogicalResult assignModelDies(std::vector<CompiledGraph> &graphs,
                                    const Platform &platform,
                                    std::vector<Resources> &perDie);

/// csim/llm_graphs.cpp: the tables of the graphs' arguments and results and
/// the host functions that call their kernels, for the host program.
mlir::LogicalResult emitGraphsSource(const model::ModelConfig &config,
                                     std::vector<CompiledGraph> &graphs,
                                     int64_t seqLen, int64_t maxLen,
                                     llvm::raw_ostream &os);

/// Writes the packed weights: params/layer<i>/<argument>.bin for the block,
/// params/lm_head/<argument>.bin, params/embed/<argument>.bin (the
/// embedding tables), the RoPE frequencies and,
/// for quantised models, scales.json. Random weights are also written as
/// params/model.safetensors with the config, so that a reference can load
/// the very same model. Reports and returns false on failure.
bool writeParams(const model::ModelConfig &config, int64_t maxLen,
                 frontend::WeightSource &source,
                 const frontend::QuantizationScheme &scheme,
                 const std::vector<CompiledGraph> &graphs,
                 const std::string &folder);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_MODELOUTPUTS_H
