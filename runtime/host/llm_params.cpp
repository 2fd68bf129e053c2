// Reads params/: the RoPE frequencies, every layer's packed block weights,
// the LM head's, and the embedding tables.
#include "llm_params.h"
#include "llm_buffers.h"

namespace {

/// Adds the weights of `graph` that `weights` lacks.
void loadWeights(const llm::Graph &graph, const std::string &folder,
                 llm::Weights &weights) {
  for (int index = 0; index < graph.numArgs; ++index) {
    const llm::Arg &arg = graph.args[index];
    if (arg.kind == llm::ArgKind::Weight && !weights.count(arg.name))
      weights[arg.name] = llm::readBytes(folder + "/" + arg.name + ".bin",
                                         arg.elements * arg.elementBytes);
  }
}

} // namespace

llm::Params llm::loadParams(const Model &model, const std::string &dir) {
  Params params;
  if (model.ropeSize) {
    params.invFreqGlobal =
        readTensor(dir + "/rope_inv_freq_global.bin", model.ropeSize);
    params.invFreqLocal =
        readTensor(dir + "/rope_inv_freq_local.bin", model.ropeSize);
  }
  params.layers.resize(model.layers);
  for (int layer = 0; layer < model.layers; ++layer)
    for (const Graph *graph : {&model.prefill, &model.decode})
      loadWeights(*graph, dir + "/layer" + std::to_string(layer),
                  params.layers[layer]);
  loadWeights(model.lmHead, dir + "/lm_head", params.head);
  for (const Graph *graph : {&model.embedPrefill, &model.embedDecode})
    loadWeights(*graph, dir + "/embed", params.embed);
  return params;
}

const llm::Weights &llm::getWeights(const Params &params, int owner) {
  if (owner == headWeights)
    return params.head;
  if (owner == embeddingWeights)
    return params.embed;
  return params.layers.at(owner);
}
