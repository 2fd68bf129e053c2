// The C-simulation backend: each graph is its generated run_<graph>
// function (or, with --layer-loop device, run_layers_<graph>), which calls
// the kernels' C++ on host memory.
#ifndef STREAMTENSOR_XRT

#include "llm_accelerator.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

namespace {

using llm::BindingKind;
using llm::BufferRef;

bool isParameter(const BufferRef &buffer) {
  return buffer.kind == BufferRef::Weight ||
         buffer.kind == BufferRef::RopeGlobal ||
         buffer.kind == BufferRef::RopeLocal;
}

class CSimAccelerator : public llm::Accelerator {
public:
  CSimAccelerator(const llm::Model &model, const llm::Params &params)
      : model(model), params(params), plan(llm::planMemory(model)) {
    // Zeroed like the device's: rows past the position are masked, and a
    // masked row must not hold NaN (0 x NaN is NaN). A weight or RoPE table
    // that is a memory buffer of its own is read in place from `params`;
    // the all-layer buffers of --layer-loop device hold copies.
    for (const auto &[key, placed] : plan.placements) {
      const auto &[buffer, placement] = placed;
      if ((isParameter(buffer) && placement.key == key) ||
          memory.count(placement.key))
        continue;
      memory[placement.key] =
          llm::getInitialContents(plan, params, placement.key);
    }
    if (llm::hasDeviceLayerLoop(model))
      for (llm::Stage stage : {llm::Stage::Prefill, llm::Stage::Decode})
        layerTables[stage] =
            llm::buildLayerTable(model, plan, llm::getBlockGraph(model, stage));
  }

  void embed(llm::Stage stage, const std::vector<int32_t> &tokens,
             int32_t position) override {
    const llm::Placement &ids =
        plan.place(BufferRef{BufferRef::Tokens, -1, 0, ""});
    if (tokens.size() * sizeof(int32_t) > ids.bytes)
      throw std::runtime_error("more tokens than the embedding takes");
    std::memcpy(memory.at(ids.key).data() + ids.offset, tokens.data(),
                tokens.size() * sizeof(int32_t));
    run(llm::getEmbeddingGraph(model, stage), -1, position, 0);
  }

  void runLayer(llm::Stage stage, int layer, int32_t position,
                int32_t window) override {
    run(llm::getBlockGraph(model, stage), layer, position, window);
  }

  void runLayers(llm::Stage stage, int32_t position) override {
    const llm::Graph &graph = llm::getBlockGraph(model, stage);
    if (!graph.layerLoop || !graph.runLayers)
      throw std::runtime_error(std::string(graph.name) +
                               " does not run the layers in one call");
    // The window port is still passed, but the kernel takes each layer's
    // window from the table.
    int32_t window = 0;
    std::vector<const void *> args;
    std::vector<void *> results;
    bind(graph, 0, position, window, /*whole=*/true, args, results);
    graph.runLayers(args.data(), results.data(), model.layers,
                    layerTables.at(stage).data());
  }

  std::vector<float> runHead(int row) override {
    const char *last = getAddress(llm::getLastActivation(model)) +
                       size_t(row) * model.hidden * sizeof(float);
    std::memcpy(getAddress(BufferRef{BufferRef::HeadInput, -1, 0, ""}), last,
                size_t(model.hidden) * sizeof(float));
    run(model.lmHead, -1, 0, 0);
    std::vector<float> values(model.vocab);
    std::memcpy(values.data(),
                getAddress(BufferRef{BufferRef::Logits, -1, 0, ""}),
                values.size() * sizeof(float));
    return values;
  }

private:
  char *getAddress(const BufferRef &buffer) {
    const llm::Placement &placement = plan.place(buffer);
    auto found = memory.find(placement.key);
    if (found != memory.end())
      return found->second.data() + placement.offset;
    // Read in place from the parameters. The generated function takes
    // non-const pointers; weights are only read through them.
    switch (buffer.kind) {
    case BufferRef::Weight:
      return const_cast<char *>(
          llm::getWeights(params, buffer.layer).at(buffer.name).data());
    case BufferRef::RopeGlobal:
      return reinterpret_cast<char *>(
          const_cast<float *>(params.invFreqGlobal.data()));
    case BufferRef::RopeLocal:
      return reinterpret_cast<char *>(
          const_cast<float *>(params.invFreqLocal.data()));
    default:
      throw std::runtime_error("no memory for " + buffer.key());
    }
  }

  /// The pointers `graph` at `layer` takes: each argument and result's
  /// buffer, or with `whole` the start of the memory buffer holding it (a
  /// layered graph's ports, which add the table's offsets themselves).
  void bind(const llm::Graph &graph, int layer, const int32_t &position,
            const int32_t &window, bool whole, std::vector<const void *> &args,
            std::vector<void *> &results) {
    auto address = [&](const BufferRef &buffer) -> char * {
      return whole ? memory.at(plan.place(buffer).key).data()
                   : getAddress(buffer);
    };
    for (int index = 0; index < graph.numArgs; ++index) {
      BufferRef buffer =
          llm::locate(model, graph, layer, BindingKind::Argument, index);
      if (buffer.kind == BufferRef::Position)
        args.push_back(&position);
      else if (buffer.kind == BufferRef::Window)
        args.push_back(&window);
      else
        args.push_back(address(buffer));
    }
    for (int index = 0; index < graph.numResults; ++index)
      results.push_back(address(
          llm::locate(model, graph, layer, BindingKind::Result, index)));
  }

  void run(const llm::Graph &graph, int layer, int32_t position,
           int32_t window) {
    std::vector<const void *> args;
    std::vector<void *> results;
    bind(graph, layer, position, window, /*whole=*/false, args, results);
    graph.run(args.data(), results.data());
  }

  const llm::Model &model;
  const llm::Params &params;
  llm::MemoryPlan plan;
  /// Each memory buffer of the plan but the weights read in place.
  std::map<std::string, std::vector<char>> memory;
  /// --layer-loop device: each block graph's layer table.
  std::map<llm::Stage, std::vector<int64_t>> layerTables;
};

} // namespace

const char *llm::getBackendName() { return "C simulation"; }

const char *llm::getTimingNote() {
  return "csim wall time, not device performance";
}

std::unique_ptr<llm::Accelerator>
llm::createAccelerator(const Model &model, const Params &params,
                       const BackendOptions &options) {
  if (!options.xclbin.empty())
    throw std::runtime_error("--xclbin needs the XRT host program (make host)");
  return std::make_unique<CSimAccelerator>(model, params);
}

#endif
