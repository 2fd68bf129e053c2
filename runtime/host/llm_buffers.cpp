// The meaning of every graph argument and result, for both backends.
#include "llm_buffers.h"

#include <algorithm>
#include <stdexcept>

std::string llm::BufferRef::key() const {
  switch (kind) {
  case Activation:
    return "activation" + std::to_string(index);
  case Weight:
    return (layer == headWeights        ? std::string("lm_head")
            : layer == embeddingWeights ? std::string("embed")
                                        : "layer" + std::to_string(layer)) +
           "/" + name;
  case RopeGlobal:
    return "rope_inv_freq_global";
  case RopeLocal:
    return "rope_inv_freq_local";
  case KeyCache:
    return "k_cache" + std::to_string(layer) + "." + std::to_string(index);
  case ValueCache:
    return "v_cache" + std::to_string(layer);
  case HeadInput:
    return "lm_head/hidden";
  case Logits:
    return "logits";
  case Position:
    return "position";
  case Window:
    return "window";
  case Scratch:
    return name + "/buffer" + std::to_string(index);
  case Tokens:
    return "tokens";
  }
  return "";
}

const llm::Graph &llm::getBlockGraph(const Model &model, Stage stage) {
  return stage == Stage::Prefill ? model.prefill : model.decode;
}

const llm::Graph &llm::getEmbeddingGraph(const Model &model, Stage stage) {
  return stage == Stage::Prefill ? model.embedPrefill : model.embedDecode;
}

namespace {

using llm::BufferRef;

BufferRef locateArgument(const llm::Model &model, const llm::Graph &graph,
                         int layer, const llm::Arg &arg) {
  bool head = &graph == &model.lmHead;
  bool embedding =
      &graph == &model.embedPrefill || &graph == &model.embedDecode;
  switch (arg.kind) {
  case llm::ArgKind::Hidden:
    return head ? BufferRef{BufferRef::HeadInput, -1, 0, ""}
                : BufferRef{BufferRef::Activation, -1, layer % 2, ""};
  case llm::ArgKind::Weight:
    return {BufferRef::Weight,
            embedding ? llm::embeddingWeights
            : head    ? llm::headWeights
                      : layer,
            0, arg.name};
  case llm::ArgKind::Tokens:
    return {BufferRef::Tokens, -1, 0, ""};
  case llm::ArgKind::Position:
    return {BufferRef::Position, layer, 0, ""};
  case llm::ArgKind::Window:
    return {BufferRef::Window, layer, 0, ""};
  case llm::ArgKind::RopeInverseFrequencies:
    return {model.layerIsGlobal[layer] ? BufferRef::RopeGlobal
                                       : BufferRef::RopeLocal,
            -1, 0, ""};
  case llm::ArgKind::KeyCache:
    return {BufferRef::KeyCache, layer, arg.part, ""};
  case llm::ArgKind::ValueCache:
    return {BufferRef::ValueCache, layer, 0, ""};
  }
  throw std::runtime_error(std::string("argument ") + arg.name +
                           " of an unknown kind");
}

BufferRef locateResult(const llm::Model &model, const llm::Graph &graph,
                       int layer, const llm::Result &result) {
  // The new keys and values are the cache itself: prefill's kernel writes
  // rows [0, tokens), decode's the row at the position. An embedding graph
  // (layer -1) writes the first layer's input.
  switch (result.kind) {
  case llm::ResultKind::Hidden:
    return {BufferRef::Activation, -1, (layer + 1) % 2, ""};
  case llm::ResultKind::NewKey:
    return {BufferRef::KeyCache, layer, result.part, ""};
  case llm::ResultKind::NewValue:
    return {BufferRef::ValueCache, layer, 0, ""};
  case llm::ResultKind::Logits:
    if (&graph == &model.lmHead)
      return {BufferRef::Logits, -1, 0, ""};
    break;
  }
  throw std::runtime_error(std::string("result ") + result.name + " of " +
                           graph.name + " is not understood by the host");
}

} // namespace

BufferRef llm::locate(const Model &model, const Graph &graph, int layer,
                      BindingKind kind, int index) {
  switch (kind) {
  case BindingKind::Argument:
  case BindingKind::Scalar:
    return locateArgument(model, graph, layer, graph.args[index]);
  case BindingKind::Result:
    return locateResult(model, graph, layer, graph.results[index]);
  case BindingKind::Buffer:
    return {BufferRef::Scratch, -1, index, graph.name};
  }
  throw std::runtime_error(std::string("a binding of ") + graph.name +
                           " of an unknown kind");
}

BufferRef llm::getLastActivation(const Model &model) {
  return {BufferRef::Activation, -1, model.layers % 2, ""};
}

std::map<std::string, std::pair<BufferRef, size_t>>
llm::planBuffers(const Model &model) {
  std::map<std::string, std::pair<BufferRef, size_t>> plan;
  auto use = [&](const BufferRef &buffer, size_t bytes) {
    if (buffer.isScalar())
      return;
    auto inserted = plan.insert({buffer.key(), {buffer, bytes}});
    inserted.first->second.second =
        std::max(inserted.first->second.second, bytes);
  };
  auto useGraph = [&](const Graph &graph, int layer) {
    for (int index = 0; index < graph.numArgs; ++index)
      use(locate(model, graph, layer, BindingKind::Argument, index),
          graph.args[index].elements * graph.args[index].elementBytes);
    for (int index = 0; index < graph.numResults; ++index)
      use(locate(model, graph, layer, BindingKind::Result, index),
          graph.results[index].elements * sizeof(float));
    for (int index = 0; index < graph.numBuffers; ++index)
      use(locate(model, graph, layer, BindingKind::Buffer, index),
          graph.bufferBytes[index]);
  };
  for (int layer = 0; layer < model.layers; ++layer) {
    useGraph(model.prefill, layer);
    useGraph(model.decode, layer);
    // Prefill writes only its rows: the cache is as long as decode needs.
    size_t perPosition = size_t(model.kvHeads) * model.headDim;
    for (int part = 0; part < model.keyParts; ++part)
      use({BufferRef::KeyCache, layer, part, ""},
          model.maxLen * perPosition / model.keyParts * sizeof(float));
    use({BufferRef::ValueCache, layer, 0, ""},
        model.maxLen * perPosition * sizeof(float));
  }
  useGraph(model.lmHead, -1);
  useGraph(model.embedPrefill, -1);
  useGraph(model.embedDecode, -1);
  return plan;
}

int32_t llm::getWindow(const Model &model, int layer) {
  return model.slidingWindow > 0 && !model.layerIsGlobal[layer]
             ? model.slidingWindow
             : model.maxLen + model.prefillTokens;
}
