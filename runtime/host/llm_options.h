// The host program's command line.
#pragma once

#include "llm_accelerator.h"
#include "llm_sampling.h"

#include <string>
#include <vector>

namespace llm {

struct Options {
  std::string params, outputs, golden;
  std::vector<int> prompt;
  int steps = 8;
  double tolerance = 1e-4;
  SamplingOptions sampling;
  BackendOptions backend;
};

/// Throws std::runtime_error with a one-line message on a bad command line.
Options parseOptions(int argc, char **argv);

/// Token ids separated by commas or whitespace; `source` names them in
/// errors.
std::vector<int> parseIds(const std::string &text, const std::string &source);

extern const char *const usage;

} // namespace llm
