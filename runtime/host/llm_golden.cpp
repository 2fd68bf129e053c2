// Relative L2 error of the logits per step, and the chosen tokens.
#include "llm_golden.h"
#include "llm_model.h"

#include <cmath>
#include <cstdio>
#include <fstream>

bool llm::compareWithGolden(const std::string &golden, double tolerance,
                            const std::vector<float> &logits,
                            const std::vector<int> &tokens, int vocab) {
  std::vector<float> want = readTensor(golden + "/logits.bin", logits.size());
  std::ifstream file(golden + "/tokens.txt");
  std::vector<int> wantTokens;
  for (int token; file >> token;)
    wantTokens.push_back(token);
  bool ok = true;
  for (size_t step = 0; step < tokens.size(); ++step) {
    double error = 0, norm = 0;
    for (int index = 0; index < vocab; ++index) {
      double got = logits[step * vocab + index];
      double expected = want[step * vocab + index];
      error += (got - expected) * (got - expected);
      norm += expected * expected;
    }
    double relative = std::sqrt(error / (norm > 0 ? norm : 1));
    bool sameToken =
        step < wantTokens.size() && wantTokens[step] == tokens[step];
    // NaN fails: the comparison is false.
    bool match = relative <= tolerance && sameToken;
    std::printf("step %zu: logits relative L2 error %.3e, token %d (reference "
                "%d): %s\n",
                step, relative, tokens[step],
                step < wantTokens.size() ? wantTokens[step] : -1,
                match ? "match" : "MISMATCH");
    ok &= match;
  }
  return ok;
}
