// Prefill and decode on the accelerator, layer after layer (or all layers
// in one call with --layer-loop device).
#include "llm_generate.h"

#include <stdexcept>

namespace {

/// Every layer of `stage`: one call per layer, or with --layer-loop device
/// one call in which the block graph's kernel walks the layers itself.
void runBlocks(const llm::Model &model, llm::Accelerator &accelerator,
               llm::Stage stage, int32_t position) {
  if (llm::getBlockGraph(model, stage).layerLoop) {
    accelerator.runLayers(stage, position);
    return;
  }
  for (int layer = 0; layer < model.layers; ++layer)
    accelerator.runLayer(stage, layer, position, llm::getWindow(model, layer));
}

} // namespace

void llm::Generator::checkTokens(const std::vector<int> &tokens) const {
  // The device gathers the rows the ids give: an id past the table would
  // read outside it.
  for (int token : tokens)
    if (token < 0 || token >= model.vocab)
      throw std::runtime_error("token " + std::to_string(token) +
                               " is outside the vocabulary (" +
                               std::to_string(model.vocab) + " tokens)");
}

std::vector<float> llm::Generator::prefill(const std::vector<int> &prompt) {
  // Padding after the prompt is never attended to by the prompt (causal
  // mask), and decode overwrites its cache rows.
  checkTokens(prompt);
  std::vector<int32_t> padded(prompt.begin(), prompt.end());
  padded.resize(model.prefillTokens, 0);
  accelerator.embed(Stage::Prefill, padded, 0);
  runBlocks(model, accelerator, Stage::Prefill, 0);
  return accelerator.runHead(int(prompt.size()) - 1);
}

std::vector<float> llm::Generator::decode(int token, int position) {
  if (position >= model.maxLen)
    throw std::runtime_error("position " + std::to_string(position) +
                             " is past the KV cache (--max-len " +
                             std::to_string(model.maxLen) + ")");
  checkTokens({token});
  accelerator.embed(Stage::Decode, {int32_t(token)}, position);
  runBlocks(model, accelerator, Stage::Decode, position);
  return accelerator.runHead(0);
}

std::string llm::checkRequest(const Model &model,
                              const std::vector<int> &prompt, int steps) {
  for (int token : prompt)
    if (token >= model.vocab)
      return "prompt token " + std::to_string(token) +
             " is outside the vocabulary (" + std::to_string(model.vocab) +
             " tokens)";
  if (int(prompt.size()) > model.prefillTokens)
    return "the prompt has " + std::to_string(prompt.size()) +
           " tokens, the design prefills at most " +
           std::to_string(model.prefillTokens) + " (--seq-len)";
  // Decode step i runs at position prompt + i.
  if (steps > 0 && int(prompt.size()) + steps > model.maxLen)
    return std::to_string(prompt.size()) + " prompt tokens and " +
           std::to_string(steps) + " steps need " +
           std::to_string(prompt.size() + steps) +
           " positions, the KV cache holds " + std::to_string(model.maxLen) +
           " (--max-len)";
  return "";
}
