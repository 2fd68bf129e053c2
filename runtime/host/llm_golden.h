// Comparison with a reference's logits and tokens (python/reference).
#pragma once

#include <string>
#include <vector>

namespace llm {

/// Compares with <golden>/logits.bin and <golden>/tokens.txt; prints one
/// line per step ("step i: logits relative L2 error ...: match"), which
/// `streamtensor csim --json` parses.
bool compareWithGolden(const std::string &golden, double tolerance,
                       const std::vector<float> &logits,
                       const std::vector<int> &tokens, int vocab);

} // namespace llm
