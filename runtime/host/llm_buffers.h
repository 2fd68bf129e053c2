// Which buffer of the running model each graph argument and result is.
// Both backends bind through this, so that what an argument means is
// written down once: the hidden state ping-pongs between two activation
// buffers, layer l reading activation l % 2; weights and KV caches are the
// layer's; the LM head reads its own input, a copy of one row of the last
// layer's output; the embedding graphs read the token ids and write the
// first layer's input.
#pragma once

#include "llm_model.h"

#include <cstdint>
#include <map>
#include <string>

namespace llm {

enum class Stage { Prefill, Decode };

/// Whose weights a BufferRef::Weight names, besides a layer's (>= 0).
enum : int { headWeights = -1, embeddingWeights = -2 };

struct BufferRef {
  enum Kind {
    Activation,
    Weight,
    RopeGlobal,
    RopeLocal,
    KeyCache,
    ValueCache,
    HeadInput,
    Logits,
    Position,
    Window,
    /// A graph's buffer between two of its kernels.
    Scratch,
    /// The embedding's token ids.
    Tokens
  } kind;
  /// Weight (a layer's, or headWeights, embeddingWeights), KeyCache,
  /// ValueCache.
  int layer;
  /// Activation: 0 or 1; KeyCache: the key part; Scratch: its number.
  int index;
  /// Weight: the argument's name; Scratch: the graph's.
  std::string name;

  bool isScalar() const { return kind == Position || kind == Window; }
  /// Names the buffer uniquely, e.g. "layer3/q_proj" or "k_cache3.1".
  std::string key() const;
};

const Graph &getBlockGraph(const Model &model, Stage stage);
const Graph &getEmbeddingGraph(const Model &model, Stage stage);

/// What `binding` of `graph` (a block graph at `layer`, the LM head or an
/// embedding graph, at layer -1) is.
BufferRef locate(const Model &model, const Graph &graph, int layer,
                 BindingKind kind, int index);

/// The activation the last layer writes, which the LM head reads from.
BufferRef getLastActivation(const Model &model);

/// Every buffer of the model (scalars aside) by key, with its size in
/// bytes: the largest use of it by any graph.
std::map<std::string, std::pair<BufferRef, size_t>>
planBuffers(const Model &model);

/// The int32 window of a layer's attention: the sliding window of a local
/// layer, and one that covers every position for a global layer.
int32_t getWindow(const Model &model, int layer);

} // namespace llm
