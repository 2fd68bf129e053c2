// StreamTensor host runtime: what the host program knows about a compiled
// LLM. The compiler generates llm_graphs.cpp, which defines these tables and
// the three host functions (prefill block, decode block, LM head); this
// header is the interface between that file and the host program.
#pragma once

#include <cstddef>
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
  ValueCache
};
enum class ResultKind { Hidden, NewKey, NewValue, Logits };

struct Arg {
  ArgKind kind;
  const char *name;
  size_t elements;
  int part;
  /// Bytes per element: 4 (float32) or 1 (quantised weights, int8).
  int elementBytes;
};

struct Result {
  ResultKind kind;
  const char *name;
  size_t elements;
  int part;
};

/// One function the accelerator runs: the kernels of a graph called in
/// order, on buffers in external memory.
struct Graph {
  const char *name;
  const Arg *args;
  int numArgs;
  const Result *results;
  int numResults;
  void (*run)(const void *const *args, void *const *results);
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
};

const Model &getModel();

/// Reads `count` float32 values from a raw little-endian file; throws
/// std::runtime_error naming the file otherwise.
std::vector<float> readTensor(const std::string &path, size_t count);

/// Reads exactly `bytes` bytes of a file; throws std::runtime_error naming
/// the file otherwise.
std::vector<char> readBytes(const std::string &path, size_t bytes);

} // namespace llm
