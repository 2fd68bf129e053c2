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

bool llm::hasDeviceLayerLoop(const Model &model) {
  if (model.prefill.layerLoop != model.decode.layerLoop)
    throw std::runtime_error(std::string(model.prefill.name) + " and " +
                             model.decode.name +
                             " disagree on --layer-loop device");
  return model.prefill.layerLoop;
}

namespace {

/// Device layer-loop mode: the all-layer buffer `buffer` is a part of and
/// the part's number there; an empty name for a buffer that stays on its
/// own.
std::pair<std::string, int> getAllLayerBuffer(const BufferRef &buffer) {
  switch (buffer.kind) {
  case BufferRef::Weight:
    if (buffer.layer >= 0)
      return {"layers/" + buffer.name, buffer.layer};
    break;
  case BufferRef::KeyCache:
    return {"k_cache." + std::to_string(buffer.index), buffer.layer};
  case BufferRef::ValueCache:
    return {"v_cache", buffer.layer};
  case BufferRef::Activation:
    return {"activations", buffer.index};
  case BufferRef::RopeGlobal:
    return {"rope_inv_freq", 0};
  case BufferRef::RopeLocal:
    return {"rope_inv_freq", 1};
  default:
    break;
  }
  return {"", 0};
}

} // namespace

llm::MemoryPlan llm::planMemory(const Model &model) {
  bool layered = hasDeviceLayerLoop(model);
  auto plan = planBuffers(model);
  // Parts sit at multiples of the part size, so it must be one per
  // all-layer buffer: the largest part (in practice they are all equal).
  std::map<std::string, size_t> partBytes;
  if (layered)
    for (const auto &[key, planned] : plan) {
      std::string whole = getAllLayerBuffer(planned.first).first;
      if (!whole.empty())
        partBytes[whole] = std::max(partBytes[whole], planned.second);
    }
  MemoryPlan memory;
  for (const auto &[key, planned] : plan) {
    const auto &[buffer, bytes] = planned;
    auto [whole, part] = layered ? getAllLayerBuffer(buffer)
                                 : std::pair<std::string, int>{"", 0};
    if (whole.empty()) {
      memory.placements[key] = {buffer, {key, 0, bytes}};
      memory.buffers[key] = bytes;
      continue;
    }
    size_t offset = size_t(part) * partBytes.at(whole);
    memory.placements[key] = {buffer, {whole, offset, bytes}};
    size_t &total = memory.buffers[whole];
    total = std::max(total, offset + partBytes.at(whole));
  }
  return memory;
}

const llm::Placement &llm::MemoryPlan::place(const BufferRef &buffer) const {
  auto found = placements.find(buffer.key());
  if (found == placements.end())
    throw std::runtime_error("no memory is planned for " + buffer.key());
  return found->second.second;
}

std::vector<char> llm::getInitialContents(const MemoryPlan &memory,
                                          const Params &params,
                                          const std::string &key) {
  auto size = memory.buffers.find(key);
  if (size == memory.buffers.end())
    throw std::runtime_error("no memory buffer " + key);
  std::vector<char> contents(size->second, 0);
  for (const auto &[name, placed] : memory.placements) {
    const auto &[buffer, placement] = placed;
    if (placement.key != key)
      continue;
    const char *begin;
    size_t bytes;
    if (buffer.kind == BufferRef::Weight) {
      const std::vector<char> &weights =
          getWeights(params, buffer.layer).at(buffer.name);
      begin = weights.data();
      bytes = weights.size();
    } else if (buffer.kind == BufferRef::RopeGlobal ||
               buffer.kind == BufferRef::RopeLocal) {
      const std::vector<float> &table = buffer.kind == BufferRef::RopeGlobal
                                            ? params.invFreqGlobal
                                            : params.invFreqLocal;
      begin = reinterpret_cast<const char *>(table.data());
      bytes = table.size() * sizeof(float);
    } else {
      continue;
    }
    if (bytes > placement.bytes)
      throw std::runtime_error(name + " has " + std::to_string(bytes) +
                               " bytes, its buffer " +
                               std::to_string(placement.bytes));
    std::copy(begin, begin + bytes, contents.begin() + placement.offset);
  }
  return contents;
}

std::vector<int64_t> llm::buildLayerTable(const Model &model,
                                          const MemoryPlan &memory,
                                          const Graph &graph) {
  if (!graph.layerLoop || graph.numSteps < 1 || !graph.steps[0].kernel)
    throw std::runtime_error(std::string(graph.name) +
                             " is not one kernel call over the layers");
  const Step &step = graph.steps[0];
  std::vector<bool> tabled(step.numBindings, false);
  for (int column = 0; column < graph.numTableColumns; ++column) {
    int port = graph.tableColumns[column];
    if (port < 0 || port >= step.numBindings)
      throw std::runtime_error(std::string(graph.name) + ": layer table " +
                               "column " + std::to_string(column) +
                               " names no port");
    tabled[port] = true;
  }
  auto fail = [&](const Binding &binding, const std::string &why) {
    throw std::runtime_error(std::string("port ") + binding.port + " of " +
                             step.kernel + ": " + why);
  };
  // The kernel gets one pointer per port, the start of a memory buffer, for
  // all layers, and adds the table's offset where there is a column; so a
  // port must see the same memory buffer at every layer, and at offset 0
  // where it has no column. The window varies by layer and comes only from
  // the table.
  auto getEntry = [&](int layer, int port) -> int64_t {
    const Binding &binding = step.bindings[port];
    BufferRef buffer = locate(model, graph, layer, binding.kind, binding.index);
    if (buffer.kind == BufferRef::Window) {
      if (!tabled[port])
        fail(binding, "the window has no layer table column");
      return getWindow(model, layer);
    }
    if (buffer.kind == BufferRef::Position) {
      if (tabled[port])
        fail(binding, "the position cannot come from the layer table");
      return 0;
    }
    const Placement &placement = memory.place(buffer);
    BufferRef first = locate(model, graph, 0, binding.kind, binding.index);
    if (placement.key != memory.place(first).key)
      fail(binding, "layer " + std::to_string(layer) + " has its buffer in " +
                        placement.key + ", layer 0 in " +
                        memory.place(first).key);
    if (!tabled[port]) {
      if (placement.offset != 0)
        fail(binding, "layer " + std::to_string(layer) +
                          " needs an offset but there is no table column");
      return 0;
    }
    // A graph's internal buffer is the same for every layer (offset 0).
    size_t elementBytes = binding.kind == BindingKind::Result ? sizeof(float)
                          : binding.kind == BindingKind::Buffer
                              ? 1
                              : size_t(graph.args[binding.index].elementBytes);
    if (placement.offset % elementBytes != 0)
      fail(binding, "an offset that is not a whole element");
    return int64_t(placement.offset / elementBytes);
  };
  std::vector<int64_t> table;
  table.reserve(size_t(model.layers) * graph.numTableColumns);
  for (int layer = 0; layer < model.layers; ++layer) {
    for (int port = 0; port < step.numBindings; ++port)
      if (!tabled[port])
        getEntry(layer, port);
    for (int column = 0; column < graph.numTableColumns; ++column)
      table.push_back(getEntry(layer, graph.tableColumns[column]));
  }
  return table;
}
