// StreamTensor host program: runs a compiled LLM on the accelerator, the
// prompt's prefill then one decode step per generated token, each step
// layer after layer with that layer's weights, then the LM head.
//
// Usage: llm_host <params-dir> <out-dir> (--prompt 1,2,3 | --prompt-file F)
//                 [--steps 8] [--top-k K --temperature T --seed S]
//                 [--golden DIR [--tolerance 1e-4]] [--xclbin F --device N]
// Writes <out-dir>/logits.bin (float32 [steps + 1, vocab]) and tokens.txt,
// prints the generated ids, the time to first token and the decode speed.
// Exit codes: 0 ok, 1 bad input or a failure (one line on stderr), 3 a
// mismatch with --golden.

#include "llm_generate.h"
#include "llm_golden.h"
#include "llm_options.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

void writeOutputs(const std::string &folder, const std::vector<float> &logits,
                  const std::vector<int> &tokens) {
  llm::writeBytes(folder + "/logits.bin", logits.data(),
                  logits.size() * sizeof(float));
  std::ofstream file(folder + "/tokens.txt");
  for (int token : tokens)
    file << token << "\n";
  if (!file.flush())
    throw std::runtime_error("cannot write " + folder + "/tokens.txt");
}

int run(int argc, char **argv) {
  llm::Options options = llm::parseOptions(argc, argv);
  const llm::Model &model = llm::getModel();
  std::string problem = llm::checkRequest(model, options.prompt, options.steps);
  if (!problem.empty())
    throw std::runtime_error(problem);
  llm::Params params = llm::loadParams(model, options.params);
  std::unique_ptr<llm::Accelerator> accelerator =
      llm::createAccelerator(model, params, options.backend);
  llm::Generator generator(model, *accelerator);
  llm::Sampler sampler(options.sampling);

  std::vector<float> logits;
  std::vector<int> tokens;
  Clock::time_point start = Clock::now();
  std::vector<float> step = generator.prefill(options.prompt);
  double firstTokenMs = 0;
  Clock::time_point decodeStart;
  for (int index = 0;; ++index) {
    logits.insert(logits.end(), step.begin(), step.end());
    tokens.push_back(sampler.next(step));
    if (index == 0) {
      firstTokenMs = millisecondsSince(start);
      decodeStart = Clock::now();
    }
    if (index == options.steps)
      break;
    step = generator.decode(tokens.back(), int(options.prompt.size()) + index);
  }
  double decodeMs = millisecondsSince(decodeStart);

  writeOutputs(options.outputs, logits, tokens);
  std::printf("tokens:");
  for (int token : tokens)
    std::printf(" %d", token);
  std::printf("\n");
  std::printf("TTFT %.3f ms for %zu prompt tokens", firstTokenMs,
              options.prompt.size());
  if (options.steps > 0)
    std::printf(", decode %.2f tokens/s over %d steps",
                options.steps / (decodeMs / 1000.0), options.steps);
  std::printf(" (%s backend: %s)\n", llm::getBackendName(),
              llm::getTimingNote());
  if (!options.golden.empty() &&
      !llm::compareWithGolden(options.golden, options.tolerance, logits, tokens,
                              model.vocab))
    return 3;
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &error) {
    std::fprintf(stderr, "llm_host: %s\n", error.what());
    return 1;
  }
}
