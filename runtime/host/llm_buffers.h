// Which buffer of the running model each graph argument and result is.
// Both backends bind through this, so that what an argument means is
// written down once: the hidden state ping-pongs between two activation
// buffers, layer l reading activation l % 2; weights and KV caches are the
// layer's; the LM head reads its own input, a copy of one row of the last
// layer's output; the embedding graphs read the token ids and write the
// first layer's input.
//
// With --layer-loop device the block graphs' kernel walks the layers
// itself, so it is bound once to buffers that hold every layer's: the
// memory plan (planMemory) then puts the per-layer buffers of one kind back
// to back in one memory buffer, and the layer table tells the kernel where
// layer l's part of each is.
#pragma once

#include "llm_model.h"
#include "llm_params.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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

/// Whether the block graphs were compiled with --layer-loop device (one
/// kernel call runs every layer). Throws if prefill and decode disagree:
/// the two share the all-layer buffers, which only exist in device mode.
bool hasDeviceLayerLoop(const Model &model);

/// Where a model buffer is: in memory buffer `key`, `bytes` long from byte
/// `offset`.
struct Placement {
  std::string key;
  size_t offset;
  size_t bytes;
};

/// The buffers the backends allocate ("memory buffers") and where each
/// model buffer of planBuffers is in them. In host layer-loop mode every
/// model buffer is a memory buffer of its own, at offset 0. In device mode
/// the per-layer ones are concatenated into all-layer buffers, part i at
/// i times the (common) size of a part:
///   "layers/<name>"   the weight <name> of layer 0, 1, ..., L-1 (prefill
///                     and decode read the same weights),
///   "k_cache.<part>", "v_cache"   the KV cache of layer 0, 1, ..., L-1,
///   "activations"     activation 0 then activation 1,
///   "rope_inv_freq"   the global RoPE table then the local one.
/// The LM head's and the embedding's buffers and graphs' internal buffers
/// stay on their own.
struct MemoryPlan {
  /// Each memory buffer's size in bytes, by key.
  std::map<std::string, size_t> buffers;
  /// Each model buffer, by BufferRef::key(), and where it is.
  std::map<std::string, std::pair<BufferRef, Placement>> placements;

  /// Throws std::runtime_error if `buffer` is not a planned buffer.
  const Placement &place(const BufferRef &buffer) const;
};

MemoryPlan planMemory(const Model &model);

/// The bytes memory buffer `key` starts with: the weights and RoPE tables
/// it holds, from `params`; zeros elsewhere (KV caches and activations
/// start zeroed: masked rows are multiplied by 0, and 0 x NaN is NaN).
std::vector<char> getInitialContents(const MemoryPlan &memory,
                                     const Params &params,
                                     const std::string &key);

/// The layer table of a layered block graph: model.layers rows of
/// graph.numTableColumns entries, row-major. Entry (l, c) is for binding
/// b = steps[0].bindings[tableColumns[c]] at layer l: the window if b is the
/// window, else the offset of layer l's buffer inside b's memory buffer in
/// elements of b's type. Throws if a port the table leaves out would need a
/// different buffer or offset per layer.
std::vector<int64_t> buildLayerTable(const Model &model,
                                     const MemoryPlan &memory,
                                     const Graph &graph);

} // namespace llm
