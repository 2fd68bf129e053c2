// StreamTensor host runtime: what the host program knows about a compiled
// LLM. The compiler generates llm_graphs.cpp, which defines these tables and
// the host functions of the graphs (prefill and decode embedding and block,
// LM head); this
// header is the interface between that file and the host program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace llm {

/// Position and Window are int32 scalars, passed as a pointer to the value.
enum class ArgKind {
  Hidden,
  Weight,
  Position,
  Window,
  RopeInverseFrequencies,
  KeyCache,
  ValueCache,
  /// The embedding graphs' token ids, int32.
  Tokens
};
enum class ResultKind { Hidden, NewKey, NewValue, Logits };

struct Arg {
  ArgKind kind;
  const char *name;
  size_t elements;
  int part;
  /// Bytes per element: 4 (float32, int32 ids) or 1 (quantised weights).
  int elementBytes;
};

struct Result {
  ResultKind kind;
  const char *name;
  size_t elements;
  int part;
};

/// What one kernel port (or one end of a copy) is bound to: graph argument
/// `index` (Scalar: passed by value), graph result `index`, or the graph's
/// internal buffer `index`.
enum class BindingKind { Argument, Scalar, Result, Buffer };

struct Binding {
  BindingKind kind;
  int index;
  /// The kernel port, as in hls/kernels.h; its position there is the XRT
  /// argument index.
  const char *port;
  bool written;
};

/// A kernel call in graph order, or (kernel == nullptr) a copy of
/// bindings[0] to bindings[1] of `copyBytes` bytes, which a host skips when
/// both are the same memory (a KV cache updated in place).
struct Step {
  const char *kernel;
  const Binding *bindings;
  int numBindings;
  size_t copyBytes;
};

/// One function the accelerator runs: the kernels of a graph called in
/// order, on buffers in external memory.
struct Graph {
  const char *name;
  const Arg *args;
  int numArgs;
  const Result *results;
  int numResults;
  /// The C simulation of the whole graph; null in an XRT build, which has
  /// no kernel C++ to call.
  void (*run)(const void *const *args, void *const *results);
  const Step *steps;
  int numSteps;
  /// Bytes of the graph's internal buffers (between its kernels).
  const size_t *bufferBytes;
  int numBuffers;
  /// --layer-loop device (block graphs only): the graph is one kernel call
  /// that runs every layer itself. Its kernel's ports are steps[0]'s
  /// bindings, in order, then `int32_t layers` and `int64_t *layer_table`.
  bool layerLoop;
  /// The table's columns: indices into steps[0].bindings.
  const int *tableColumns;
  int numTableColumns;
  /// C simulation of the whole layered graph (null in an XRT build or when
  /// !layerLoop): args/results as for `run`, then layers and the table.
  void (*runLayers)(const void *const *args, void *const *results,
                    int32_t layers, const int64_t *table);
};

struct Model {
  const char *family;
  int layers;
  int hidden;
  int vocab;
  /// Prefill length (the prefill graph's fixed token count) and KV-cache
  /// length (the decode graph's).
  int prefillTokens;
  int maxLen;
  int kvHeads;
  int headDim;
  /// Key parts: 2 halves of head_dim with RoPE, 1 without.
  int keyParts;
  /// RoPE: angles per part element (head_dim / 2); 0 without RoPE.
  int ropeSize;
  bool learnedPositions;
  /// Embeddings are multiplied by this (gemma: sqrt(hidden) in float32).
  float embedScale;
  /// Local (sliding-window) layers: window length, 0 when none.
  int slidingWindow;
  const bool *layerIsGlobal;
  Graph prefill;
  Graph decode;
  Graph lmHead;
  /// The token embedding of prefill's tokens and of decode's one token.
  Graph embedPrefill;
  Graph embedDecode;
};

const Model &getModel();

/// Reads `count` float32 values from a raw little-endian file; throws
/// std::runtime_error naming the file otherwise.
std::vector<float> readTensor(const std::string &path, size_t count);

/// Reads exactly `bytes` bytes of a file; throws std::runtime_error naming
/// the file otherwise.
std::vector<char> readBytes(const std::string &path, size_t bytes);

/// Writes a file whole; throws std::runtime_error naming it on failure.
void writeBytes(const std::string &path, const void *data, size_t bytes);

} // namespace llm
