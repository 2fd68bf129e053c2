//===- ModelTensors.h - The weights each model family expects ---*- C++ -*-===//
//
// HuggingFace tensor names and shapes per family, as they appear in
// model.safetensors, and seeded random weights with those shapes for models
// given without weights.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_MODEL_MODELTENSORS_H
#define STREAMTENSOR_MODEL_MODELTENSORS_H

#include "streamtensor/Model/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace streamtensor::model {

/// What a weight is, independent of the family's naming.
enum class WeightRole {
  TokenEmbedding,    // [vocab, hidden]
  PositionEmbedding, // [maxPositions, hidden] (gpt2)
  LMHead,            // [vocab, hidden] (untied models)
  FinalNormWeight,
  FinalNormBias,
  // Per layer:
  AttentionNormWeight,
  AttentionNormBias,
  PostAttentionNormWeight, // gemma
  MlpNormWeight,           // ln_2 / post_attention_layernorm (llama naming) /
                           // pre_feedforward_layernorm (gemma)
  MlpNormBias,
  PostMlpNormWeight, // gemma
  FusedQKVWeight,    // gpt2 c_attn [hidden, 3*hidden] (Conv1D: [in, out])
  FusedQKVBias,
  QueryWeight, // [heads*headDim, hidden] (nn.Linear: [out, in])
  QueryBias,
  KeyWeight, // [kvHeads*headDim, hidden]
  KeyBias,
  ValueWeight,
  ValueBias,
  QueryNormWeight, // gemma [headDim]
  KeyNormWeight,
  OutputWeight, // o_proj [hidden, heads*headDim]; gpt2 c_proj
                // [hidden, hidden] as [in, out]
  OutputBias,
  GateWeight, // [intermediate, hidden]
  UpWeight,   // [intermediate, hidden]; gpt2 c_fc [hidden, 4h]
              // as [in, out]
  UpBias,
  DownWeight, // [hidden, intermediate]; gpt2 c_proj [4h, hidden]
              // as [in, out]
  DownBias,
};

struct TensorSpec {
  /// The canonical HF name, e.g. "model.layers.3.self_attn.q_proj.weight".
  std::string name;
  /// Other names the same tensor is stored under (gpt2 checkpoints with a
  /// "transformer." prefix, for instance).
  std::vector<std::string> aliases;
  WeightRole role;
  /// -1 for tensors outside the layers.
  int64_t layer = -1;
  std::vector<int64_t> shape;
  /// Stored as [in, out] (gpt2 Conv1D) rather than [out, in].
  bool transposed = false;
  /// A norm weight that scales by (1 + w) (gemma): its neutral value is 0.
  bool scalesByOnePlus = false;
};

/// Where the q, k or v projection of a layer is stored: its own tensors, or
/// (gpt2) the fused c_attn, whose rows in [out, in] orientation are q, then
/// k, then v.
struct ProjectionTensors {
  WeightRole weight;
  WeightRole bias;
  /// The projection's first row in the weight.
  int64_t firstRow = 0;
};
enum class Projection { Query, Key, Value };
ProjectionTensors getProjectionTensors(const ModelConfig &config,
                                       Projection projection);

/// Elements of a tensor of this shape.
int64_t getNumElements(const std::vector<int64_t> &shape);

/// Every tensor the model needs, in a fixed order (global tensors first,
/// then layer by layer).
std::vector<TensorSpec> getExpectedTensors(const ModelConfig &config);

/// Seeded random values for one tensor, with a realistic scale: linear
/// weights ~ N(0, 0.02) (larger for embeddings so that logits are spread),
/// norm weights near their neutral value, biases small. The same (config,
/// spec, seed) gives the same values on every machine: the generator is
/// defined here (not std::normal_distribution, whose output is
/// implementation-defined).
std::vector<float> makeRandomWeights(const TensorSpec &spec, uint64_t seed);

} // namespace streamtensor::model

#endif // STREAMTENSOR_MODEL_MODELTENSORS_H
