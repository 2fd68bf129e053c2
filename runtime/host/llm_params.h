// The packed parameters of a compiled LLM (params/), read once at load.
#pragma once

#include "llm_model.h"

#include <map>
#include <string>
#include <vector>

namespace llm {

/// The weights of one graph for one layer (or the LM head), by argument
/// name, as the bytes the DMAs read.
using Weights = std::map<std::string, std::vector<char>>;

struct Params {
  /// RoPE inverse frequencies of global and of sliding-window layers.
  std::vector<float> invFreqGlobal, invFreqLocal;
  /// Block weights per layer; prefill and decode read the same ones.
  std::vector<Weights> layers;
  Weights head;
  /// The embedding tables (both embedding graphs read them).
  Weights embed;
};

/// The weights of a layer (>= 0), of the LM head (headWeights) or of the
/// embedding (embeddingWeights).
const Weights &getWeights(const Params &params, int owner);

/// Reads `dir` as written by `streamtensor compile`; throws
/// std::runtime_error naming the first missing or mis-sized file.
Params loadParams(const Model &model, const std::string &dir);

} // namespace llm
