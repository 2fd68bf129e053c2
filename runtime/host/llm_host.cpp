// StreamTensor host program for C simulation: runs a compiled LLM the way
// the device does, layer after layer. The embedding is gathered on the
// host; each layer invokes the block graph with that layer's packed
// weights, the rotary tables of the positions and the attention mask, and
// copies the new keys and values into the layer's KV cache; the last
// token's hidden state goes through the LM-head graph; tokens are chosen
// greedily.
//
// Usage: llm_host <params-dir> <out-dir> --prompt 1,2,3 [--steps 8]
//                 [--golden DIR [--tolerance 1e-4]]
// Writes <out-dir>/logits.bin (float32 [steps + 1, vocab]) and tokens.txt.
// With --golden, compares with DIR/logits.bin (relative L2 error per step)
// and DIR/tokens.txt, and exits 3 on a mismatch.

#include "llm_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace {

using llm::ArgKind;
using llm::Graph;
using llm::Model;
using llm::ResultKind;

struct Options {
  std::string params, outputs, golden;
  std::vector<int> prompt;
  int steps = 8;
  double tolerance = 1e-4;
};

std::vector<int> parseIds(const std::string &text) {
  std::vector<int> ids;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    char *end = nullptr;
    long value = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end || value < 0)
      throw std::runtime_error("--prompt: '" + item + "' is not a token id");
    ids.push_back(int(value));
  }
  return ids;
}

Options parseOptions(int argc, char **argv) {
  if (argc < 3)
    throw std::runtime_error("usage: llm_host <params-dir> <out-dir> --prompt "
                             "ids [--steps N] [--golden DIR [--tolerance T]]");
  Options options;
  options.params = argv[1];
  options.outputs = argv[2];
  for (int index = 3; index < argc; ++index) {
    std::string name = argv[index];
    if (index + 1 >= argc)
      throw std::runtime_error(name + " needs a value");
    std::string value = argv[++index];
    if (name == "--prompt")
      options.prompt = parseIds(value);
    else if (name == "--steps")
      options.steps = std::atoi(value.c_str());
    else if (name == "--golden")
      options.golden = value;
    else if (name == "--tolerance")
      options.tolerance = std::atof(value.c_str());
    else
      throw std::runtime_error("unknown option " + name);
  }
  if (options.prompt.empty())
    throw std::runtime_error("--prompt: give the prompt's token ids");
  return options;
}

/// The weights of one graph for one layer (or the LM head), by argument,
/// as the bytes the DMAs read.
using Weights = std::map<std::string, std::vector<char>>;

Weights loadWeights(const Graph &graph, const std::string &folder) {
  Weights weights;
  for (int index = 0; index < graph.numArgs; ++index) {
    const llm::Arg &arg = graph.args[index];
    if (arg.kind == ArgKind::Weight)
      weights[arg.name] = llm::readBytes(folder + "/" + arg.name + ".bin",
                                         arg.elements * arg.elementBytes);
  }
  return weights;
}

class Host {
public:
  Host(const Model &model, const std::string &params)
      : model(model), params(params) {
    embedTokens = llm::readTensor(params + "/embed_tokens.bin",
                                  size_t(model.vocab) * model.hidden);
    if (model.learnedPositions)
      embedPositions = llm::readTensor(params + "/embed_positions.bin",
                                       size_t(model.maxLen) * model.hidden);
    if (model.ropeSize) {
      invFreqGlobal =
          llm::readTensor(params + "/rope_inv_freq_global.bin", model.ropeSize);
      invFreqLocal =
          llm::readTensor(params + "/rope_inv_freq_local.bin", model.ropeSize);
    }
    for (int layer = 0; layer < model.layers; ++layer)
      layerWeights.push_back(loadWeights(
          model.prefill, params + "/layer" + std::to_string(layer)));
    headWeights = loadWeights(model.lmHead, params + "/lm_head");
    size_t perPosition = size_t(model.kvHeads) * model.headDim / model.keyParts;
    keyCache.assign(
        model.layers,
        std::vector<std::vector<float>>(
            model.keyParts, std::vector<float>(model.maxLen * perPosition)));
    valueCache.assign(model.layers,
                      std::vector<float>(size_t(model.maxLen) * model.kvHeads *
                                         model.headDim));
  }

  /// Logits of the last prompt token; fills the caches of positions
  /// [0, prompt size).
  std::vector<float> prefill(const std::vector<int> &prompt) {
    int count = int(prompt.size());
    int tokens = model.prefillTokens;
    if (count > tokens)
      throw std::runtime_error("the prompt has " + std::to_string(count) +
                               " tokens, the design prefills at most " +
                               std::to_string(tokens) + " (--seq-len)");
    // Padding after the prompt is never attended to by the prompt (causal
    // mask) and its cache rows are overwritten by decode.
    std::vector<int> padded(prompt);
    padded.resize(tokens, 0);
    std::vector<float> hidden = embed(padded, 0);
    for (int layer = 0; layer < model.layers; ++layer)
      hidden = runLayer(model.prefill, layer, hidden, 0);
    return head(hidden.data() + size_t(count - 1) * model.hidden);
  }

  /// Logits after `token` at `position` (the cache holds the positions
  /// before it).
  std::vector<float> decode(int token, int position) {
    if (position >= model.maxLen)
      throw std::runtime_error("position " + std::to_string(position) +
                               " is past the KV cache (--max-len " +
                               std::to_string(model.maxLen) + ")");
    std::vector<float> hidden = embed({token}, position);
    for (int layer = 0; layer < model.layers; ++layer)
      hidden = runLayer(model.decode, layer, hidden, position);
    return head(hidden.data());
  }

private:
  std::vector<float> embed(const std::vector<int> &tokens, int first) {
    std::vector<float> hidden(tokens.size() * model.hidden);
    for (size_t row = 0; row < tokens.size(); ++row) {
      if (tokens[row] >= model.vocab)
        throw std::runtime_error("token " + std::to_string(tokens[row]) +
                                 " is outside the vocabulary");
      for (int column = 0; column < model.hidden; ++column) {
        float value = embedTokens[size_t(tokens[row]) * model.hidden + column];
        if (model.learnedPositions)
          value += embedPositions[size_t(first + row) * model.hidden + column];
        hidden[row * model.hidden + column] = value * model.embedScale;
      }
    }
    return hidden;
  }

  /// One layer of `graph` on `hidden`, whose first token is at position
  /// `first`.
  std::vector<float> runLayer(const Graph &graph, int layer,
                              const std::vector<float> &hidden, int first) {
    // The kernels compute the mask and the rotary angles from the position
    // and the window; a global layer's window covers every position.
    int32_t position = first;
    int32_t window = model.slidingWindow > 0 && !model.layerIsGlobal[layer]
                         ? model.slidingWindow
                         : model.maxLen + model.prefillTokens;
    const std::vector<float> &invFreq =
        model.layerIsGlobal[layer] ? invFreqGlobal : invFreqLocal;
    std::vector<const void *> args;
    for (int index = 0; index < graph.numArgs; ++index) {
      const llm::Arg &arg = graph.args[index];
      switch (arg.kind) {
      case ArgKind::Hidden:
        args.push_back(hidden.data());
        break;
      case ArgKind::Weight:
        args.push_back(layerWeights[layer].at(arg.name).data());
        break;
      case ArgKind::Position:
        args.push_back(&position);
        break;
      case ArgKind::Window:
        args.push_back(&window);
        break;
      case ArgKind::RopeInverseFrequencies:
        args.push_back(invFreq.data());
        break;
      case ArgKind::KeyCache:
        args.push_back(keyCache[layer][arg.part].data());
        break;
      case ArgKind::ValueCache:
        args.push_back(valueCache[layer].data());
        break;
      }
    }
    // The kernels write the new keys and values straight into the layer's
    // cache: prefill rows [0, tokens), decode the row at the position (its
    // result is the whole cache, updated in place).
    std::vector<float> output;
    std::vector<void *> results;
    for (int index = 0; index < graph.numResults; ++index) {
      const llm::Result &result = graph.results[index];
      if (result.kind == ResultKind::NewKey) {
        results.push_back(keyCache[layer][result.part].data());
      } else if (result.kind == ResultKind::NewValue) {
        results.push_back(valueCache[layer].data());
      } else {
        output.resize(result.elements);
        results.push_back(output.data());
      }
    }
    graph.run(args.data(), results.data());
    return output;
  }

  std::vector<float> head(const float *hidden) {
    const Graph &graph = model.lmHead;
    std::vector<const void *> args;
    for (int index = 0; index < graph.numArgs; ++index) {
      const llm::Arg &arg = graph.args[index];
      if (arg.kind == ArgKind::Hidden)
        args.push_back(hidden);
      else
        args.push_back(headWeights.at(arg.name).data());
    }
    std::vector<float> logits(graph.results[0].elements);
    void *results[] = {logits.data()};
    graph.run(args.data(), results);
    return logits;
  }

  const Model &model;
  std::string params;
  std::vector<float> embedTokens, embedPositions, invFreqGlobal, invFreqLocal;
  std::vector<Weights> layerWeights;
  Weights headWeights;
  std::vector<std::vector<std::vector<float>>> keyCache;
  std::vector<std::vector<float>> valueCache;
};

int argmax(const std::vector<float> &logits) {
  return int(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

/// Compares with the reference's logits and tokens; prints one line per
/// step.
bool compare(const Options &options, const std::vector<float> &logits,
             const std::vector<int> &tokens, int vocab) {
  std::vector<float> want =
      llm::readTensor(options.golden + "/logits.bin", logits.size());
  std::ifstream file(options.golden + "/tokens.txt");
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
    bool match = relative <= options.tolerance && sameToken;
    std::printf("step %zu: logits relative L2 error %.3e, token %d (reference "
                "%d): %s\n",
                step, relative, tokens[step],
                step < wantTokens.size() ? wantTokens[step] : -1,
                match ? "match" : "MISMATCH");
    ok &= match;
  }
  return ok;
}

} // namespace

std::vector<float> llm::readTensor(const std::string &path, size_t count) {
  std::vector<char> bytes = readBytes(path, count * sizeof(float));
  std::vector<float> data(count);
  std::memcpy(data.data(), bytes.data(), bytes.size());
  return data;
}

std::vector<char> llm::readBytes(const std::string &path, size_t bytes) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    throw std::runtime_error("cannot open " + path);
  std::vector<char> data(bytes);
  size_t read = std::fread(data.data(), 1, bytes, file);
  bool extra = std::fgetc(file) != EOF;
  std::fclose(file);
  if (read != bytes || extra)
    throw std::runtime_error(path + " does not hold " + std::to_string(bytes) +
                             " bytes");
  return data;
}

int main(int argc, char **argv) {
  try {
    Options options = parseOptions(argc, argv);
    const Model &model = llm::getModel();
    Host host(model, options.params);
    std::vector<float> logits;
    std::vector<int> tokens;
    std::vector<float> step = host.prefill(options.prompt);
    for (int index = 0;; ++index) {
      logits.insert(logits.end(), step.begin(), step.end());
      tokens.push_back(argmax(step));
      if (index == options.steps)
        break;
      step = host.decode(tokens.back(), int(options.prompt.size()) + index);
    }
    std::FILE *out =
        std::fopen((options.outputs + "/logits.bin").c_str(), "wb");
    if (!out || std::fwrite(logits.data(), sizeof(float), logits.size(), out) !=
                    logits.size())
      throw std::runtime_error("cannot write " + options.outputs +
                               "/logits.bin");
    std::fclose(out);
    std::ofstream tokenFile(options.outputs + "/tokens.txt");
    std::printf("tokens:");
    for (int token : tokens) {
      tokenFile << token << "\n";
      std::printf(" %d", token);
    }
    std::printf("\n");
    if (!options.golden.empty() &&
        !compare(options, logits, tokens, model.vocab))
      return 3;
    return 0;
  } catch (const std::exception &error) {
    std::fprintf(stderr, "llm_host: %s\n", error.what());
    return 2;
  }
}
