// Greedy choice and top-k / temperature sampling.
#include "llm_sampling.h"

#include <algorithm>
#include <cmath>
#include <numeric>

llm::Sampler::Sampler(const SamplingOptions &options)
    : options(options), engine(options.seed) {}

int llm::Sampler::next(const std::vector<float> &logits) {
  // Ties go to the lower id, as with argmax in PyTorch.
  auto before = [&](int a, int b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  int vocab = int(logits.size());
  int k = options.topK > 0 ? std::min(options.topK, vocab) : vocab;
  if (options.temperature <= 0 || k == 1)
    return int(std::max_element(logits.begin(), logits.end()) - logits.begin());
  std::vector<int> ids(vocab);
  std::iota(ids.begin(), ids.end(), 0);
  std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), before);
  ids.resize(k);
  // Softmax of logits / T, shifted by the largest for range.
  std::vector<double> weights(k);
  double total = 0;
  for (int index = 0; index < k; ++index) {
    weights[index] =
        std::exp((double(logits[ids[index]]) - double(logits[ids[0]])) /
                 options.temperature);
    total += weights[index];
  }
  // 53 random bits as a double in [0, 1).
  double draw = double(engine() >> 11) * 0x1.0p-53 * total;
  for (int index = 0; index < k; ++index) {
    draw -= weights[index];
    if (draw < 0)
      return ids[index];
  }
  return ids[k - 1];
}
