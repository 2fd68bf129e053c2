//===- ModelTensors.cpp - The weights each model family expects -----------===//
//
// Names follow the HF checkpoints: gpt2 as openai-community publishes it (no
// prefix, Conv1D weights stored [in, out]), the others as *ForCausalLM saves
// them ("model." prefix, nn.Linear weights stored [out, in]).
//
// The random weights are defined bit for bit here: a stable string hash
// (FNV-1a) seeds a splitmix64 stream per tensor, and Box-Muller turns it into
// normal samples, so that a model compiled without a checkpoint gets the same
// numbers on every machine, whatever order the tensors are made in.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Model/ModelTensors.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>

using namespace streamtensor::model;
using llvm::StringRef;
using llvm::Twine;

//===----------------------------------------------------------------------===//
// Expected tensors
//===----------------------------------------------------------------------===//

namespace {

bool isNormWeight(WeightRole role) {
  switch (role) {
  case WeightRole::FinalNormWeight:
  case WeightRole::AttentionNormWeight:
  case WeightRole::PostAttentionNormWeight:
  case WeightRole::MlpNormWeight:
  case WeightRole::PostMlpNormWeight:
  case WeightRole::QueryNormWeight:
  case WeightRole::KeyNormWeight:
    return true;
  default:
    return false;
  }
}

class TensorList {
public:
  explicit TensorList(const ModelConfig &config) : config(config) {}

  void add(const Twine &name, WeightRole role, int64_t layer,
           std::vector<int64_t> shape, bool transposed = false) {
    TensorSpec spec;
    spec.name = name.str();
    spec.role = role;
    spec.layer = layer;
    spec.shape = std::move(shape);
    spec.transposed = transposed;
    spec.scalesByOnePlus =
        config.norm == NormKind::RMSNormPlusOne && isNormWeight(role);
    specs.push_back(std::move(spec));
  }

  /// The untied LM head, the last of the global tensors.
  void addLMHead() {
    if (!config.tiedEmbeddings)
      add("lm_head.weight", WeightRole::LMHead, -1,
          {config.vocabSize, config.hiddenSize});
  }

  const ModelConfig &config;
  std::vector<TensorSpec> specs;
};

void addGpt2(TensorList &list) {
  const ModelConfig &config = list.config;
  int64_t hidden = config.hiddenSize;
  int64_t inter = config.intermediateSize;
  list.add("wte.weight", WeightRole::TokenEmbedding, -1,
           {config.vocabSize, hidden});
  list.add("wpe.weight", WeightRole::PositionEmbedding, -1,
           {config.maxPositions, hidden});
  list.add("ln_f.weight", WeightRole::FinalNormWeight, -1, {hidden});
  list.add("ln_f.bias", WeightRole::FinalNormBias, -1, {hidden});
  list.addLMHead();

  for (int64_t layer = 0; layer < config.numLayers; ++layer) {
    std::string prefix = "h." + std::to_string(layer) + ".";
    auto add = [&](StringRef name, WeightRole role, std::vector<int64_t> shape,
                   bool transposed = false) {
      list.add(prefix + name, role, layer, std::move(shape), transposed);
    };
    add("ln_1.weight", WeightRole::AttentionNormWeight, {hidden});
    add("ln_1.bias", WeightRole::AttentionNormBias, {hidden});
    add("attn.c_attn.weight", WeightRole::FusedQKVWeight, {hidden, 3 * hidden},
        /*transposed=*/true);
    add("attn.c_attn.bias", WeightRole::FusedQKVBias, {3 * hidden});
    add("attn.c_proj.weight", WeightRole::OutputWeight, {hidden, hidden},
        /*transposed=*/true);
    add("attn.c_proj.bias", WeightRole::OutputBias, {hidden});
    add("ln_2.weight", WeightRole::MlpNormWeight, {hidden});
    add("ln_2.bias", WeightRole::MlpNormBias, {hidden});
    add("mlp.c_fc.weight", WeightRole::UpWeight, {hidden, inter},
        /*transposed=*/true);
    add("mlp.c_fc.bias", WeightRole::UpBias, {inter});
    add("mlp.c_proj.weight", WeightRole::DownWeight, {inter, hidden},
        /*transposed=*/true);
    add("mlp.c_proj.bias", WeightRole::DownBias, {hidden});
  }

  // Checkpoints saved from GPT2LMHeadModel rather than GPT2Model carry the
  // "transformer." prefix; lm_head sits outside the transformer either way.
  for (TensorSpec &spec : list.specs)
    if (spec.role != WeightRole::LMHead)
      spec.aliases.push_back("transformer." + spec.name);
}

/// llama, qwen2 and gemma3_text: the same skeleton, with qwen2's q/k/v biases
/// and gemma's q/k norms and extra norms around attention and the MLP.
void addDecoder(TensorList &list) {
  const ModelConfig &config = list.config;
  bool isGemma = config.family == ModelFamily::Gemma3Text;
  int64_t hidden = config.hiddenSize;
  int64_t inter = config.intermediateSize;
  int64_t qWidth = config.numHeads * config.headDim;
  int64_t kvWidth = config.numKeyValueHeads * config.headDim;
  list.add("model.embed_tokens.weight", WeightRole::TokenEmbedding, -1,
           {config.vocabSize, hidden});
  list.add("model.norm.weight", WeightRole::FinalNormWeight, -1, {hidden});
  list.addLMHead();

  for (int64_t layer = 0; layer < config.numLayers; ++layer) {
    std::string prefix = "model.layers." + std::to_string(layer) + ".";
    auto add = [&](StringRef name, WeightRole role,
                   std::vector<int64_t> shape) {
      list.add(prefix + name, role, layer, std::move(shape));
    };
    add("input_layernorm.weight", WeightRole::AttentionNormWeight, {hidden});
    add("self_attn.q_proj.weight", WeightRole::QueryWeight, {qWidth, hidden});
    if (config.qkvBias)
      add("self_attn.q_proj.bias", WeightRole::QueryBias, {qWidth});
    add("self_attn.k_proj.weight", WeightRole::KeyWeight, {kvWidth, hidden});
    if (config.qkvBias)
      add("self_attn.k_proj.bias", WeightRole::KeyBias, {kvWidth});
    add("self_attn.v_proj.weight", WeightRole::ValueWeight, {kvWidth, hidden});
    if (config.qkvBias)
      add("self_attn.v_proj.bias", WeightRole::ValueBias, {kvWidth});
    if (config.qkNorm) {
      add("self_attn.q_norm.weight", WeightRole::QueryNormWeight,
          {config.headDim});
      add("self_attn.k_norm.weight", WeightRole::KeyNormWeight,
          {config.headDim});
    }
    add("self_attn.o_proj.weight", WeightRole::OutputWeight, {hidden, qWidth});
    if (isGemma) {
      add("post_attention_layernorm.weight",
          WeightRole::PostAttentionNormWeight, {hidden});
      add("pre_feedforward_layernorm.weight", WeightRole::MlpNormWeight,
          {hidden});
    } else {
      // llama's name for the norm in front of the MLP.
      add("post_attention_layernorm.weight", WeightRole::MlpNormWeight,
          {hidden});
    }
    add("mlp.gate_proj.weight", WeightRole::GateWeight, {inter, hidden});
    add("mlp.up_proj.weight", WeightRole::UpWeight, {inter, hidden});
    add("mlp.down_proj.weight", WeightRole::DownWeight, {hidden, inter});
    if (isGemma)
      add("post_feedforward_layernorm.weight", WeightRole::PostMlpNormWeight,
          {hidden});
  }
}

} // namespace

ProjectionTensors
streamtensor::model::getProjectionTensors(const ModelConfig &config,
                                          Projection projection) {
  int which = int(projection);
  if (config.family == ModelFamily::GPT2)
    return {WeightRole::FusedQKVWeight, WeightRole::FusedQKVBias,
            which * config.hiddenSize};
  const WeightRole weights[] = {WeightRole::QueryWeight, WeightRole::KeyWeight,
                                WeightRole::ValueWeight};
  const WeightRole biases[] = {WeightRole::QueryBias, WeightRole::KeyBias,
                               WeightRole::ValueBias};
  return {weights[which], biases[which], 0};
}

int64_t streamtensor::model::getNumElements(const std::vector<int64_t> &shape) {
  int64_t elements = 1;
  for (int64_t size : shape)
    elements *= size;
  return elements;
}

std::vector<TensorSpec>
streamtensor::model::getExpectedTensors(const ModelConfig &config) {
  TensorList list(config);
  if (config.family == ModelFamily::GPT2)
    addGpt2(list);
  else
    addDecoder(list);
  return std::move(list.specs);
}

//===----------------------------------------------------------------------===//
// Random weights
//===----------------------------------------------------------------------===//

namespace {

/// FNV-1a, 64 bits: fixed by its definition, unlike std::hash.
class Fnv1a64 {
public:
  void addByte(uint8_t byte) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  /// Little-endian whatever the host, so that the hash is too.
  void addU64(uint64_t value) {
    for (int i = 0; i < 8; ++i)
      addByte(static_cast<uint8_t>(value >> (8 * i)));
  }
  void addString(StringRef text) {
    for (char c : text)
      addByte(static_cast<uint8_t>(c));
  }
  uint64_t get() const { return hash; }

private:
  uint64_t hash = 0xcbf29ce484222325ULL;
};

/// splitmix64 (Steele, Lea and Flood): a full-period 64-bit stream whose
/// first outputs are already well mixed even from similar seeds.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t state) : state(state) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

private:
  uint64_t state;
};

struct Normal {
  double mean;
  double stddev;
};

Normal getDistribution(const TensorSpec &spec) {
  switch (spec.role) {
  // Wide enough that logits of a random model are spread, not all alike.
  case WeightRole::TokenEmbedding:
  case WeightRole::PositionEmbedding:
  case WeightRole::LMHead:
    return {0.0, 0.5};

  // 1/sqrt(fan_in) keeps activations at about unit scale through the
  // layers, so that a random model exercises realistic value ranges.
  case WeightRole::FusedQKVWeight:
  case WeightRole::QueryWeight:
  case WeightRole::KeyWeight:
  case WeightRole::ValueWeight:
  case WeightRole::OutputWeight:
  case WeightRole::GateWeight:
  case WeightRole::UpWeight:
  case WeightRole::DownWeight: {
    int64_t fanIn = 1;
    if (spec.shape.size() >= 2)
      fanIn = spec.transposed ? spec.shape[0] : spec.shape[1];
    else if (!spec.shape.empty())
      fanIn = spec.shape[0];
    return {0.0,
            1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(fanIn, 1)))};
  }

  // Near the neutral scale: 1 for w, 0 for gemma's (1 + w).
  case WeightRole::FinalNormWeight:
  case WeightRole::AttentionNormWeight:
  case WeightRole::PostAttentionNormWeight:
  case WeightRole::MlpNormWeight:
  case WeightRole::PostMlpNormWeight:
  case WeightRole::QueryNormWeight:
  case WeightRole::KeyNormWeight:
    return {spec.scalesByOnePlus ? 0.0 : 1.0, 0.1};

  case WeightRole::FinalNormBias:
  case WeightRole::AttentionNormBias:
  case WeightRole::MlpNormBias:
  case WeightRole::FusedQKVBias:
  case WeightRole::QueryBias:
  case WeightRole::KeyBias:
  case WeightRole::ValueBias:
  case WeightRole::OutputBias:
  case WeightRole::UpBias:
  case WeightRole::DownBias:
    return {0.0, 0.02};
  }
  return {0.0, 0.02};
}

} // namespace

std::vector<float>
streamtensor::model::makeRandomWeights(const TensorSpec &spec, uint64_t seed) {
  uint64_t count = 1;
  for (int64_t dim : spec.shape) {
    if (dim < 0)
      return {};
    count *= static_cast<uint64_t>(dim);
  }

  // Seeding by the name makes a tensor's values independent of which other
  // tensors exist and in what order they are generated.
  Fnv1a64 hash;
  hash.addU64(seed);
  hash.addString(spec.name);
  SplitMix64 random(hash.get());

  Normal normal = getDistribution(spec);
  std::vector<float> values;
  values.reserve(count);
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  while (values.size() < count) {
    // 53-bit uniforms; u1 in (0, 1] keeps log() finite.
    double u1 = static_cast<double>((random.next() >> 11) + 1) * kTwoToMinus53;
    double u2 = static_cast<double>(random.next() >> 11) * kTwoToMinus53;
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = kTwoPi * u2;
    values.push_back(static_cast<float>(normal.mean + normal.stddev * radius *
                                                          std::cos(angle)));
    if (values.size() < count)
      values.push_back(static_cast<float>(normal.mean + normal.stddev * radius *
                                                            std::sin(angle)));
  }
  return values;
}
