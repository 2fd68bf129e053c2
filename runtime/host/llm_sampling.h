// Choosing the next token from the logits: greedy, or top-k / temperature
// sampling with a seed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace llm {

struct SamplingOptions {
  /// Sample among the k most likely tokens; 0 means all of them.
  int topK = 0;
  /// 0 is greedy (the most likely token, the reference's choice).
  double temperature = 0;
  uint64_t seed = 0;
};

class Sampler {
public:
  explicit Sampler(const SamplingOptions &options);
  int next(const std::vector<float> &logits);

private:
  SamplingOptions options;
  /// std::mt19937_64's sequence is fixed by the C++ standard, so a seed
  /// gives the same tokens with any compiler. The standard distributions'
  /// algorithms are not fixed, so they are not used.
  std::mt19937_64 engine;
};

} // namespace llm
