// The host logic both backends share: prefill of the prompt and decode of
// one token at a time, embedding then layer after layer.
#pragma once

#include "llm_accelerator.h"

namespace llm {

class Generator {
public:
  Generator(const Model &model, Accelerator &accelerator)
      : model(model), accelerator(accelerator) {}

  /// Logits after the last prompt token; fills the KV caches of positions
  /// [0, prompt size).
  std::vector<float> prefill(const std::vector<int> &prompt);
  /// Logits after `token` at `position` (the caches hold the positions
  /// before it).
  std::vector<float> decode(int token, int position);

private:
  /// Throws unless every id is within the vocabulary.
  void checkTokens(const std::vector<int> &tokens) const;

  const Model &model;
  Accelerator &accelerator;
};

/// Why the prompt and the decode steps do not fit the design, or "" when
/// they do: ids in the vocabulary, the prompt within the prefill length,
/// every position within the KV cache.
std::string checkRequest(const Model &model, const std::vector<int> &prompt,
                         int steps);

} // namespace llm
