//===- ModelConfig.h - config.json of the LLM families ---------*- C++ -*-===//
//
// The fields of a HuggingFace config.json that shape a decoder-only
// transformer, for the families StreamTensor compiles: gpt2, llama, qwen2 and
// gemma3_text. Presets are shipped config.json files under models/<name>/.
//
// Plain C++ on LLVMSupport (llvm::json, llvm::Expected): no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_MODEL_MODELCONFIG_H
#define STREAMTENSOR_MODEL_MODELCONFIG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace streamtensor::model {

enum class ModelFamily { GPT2, Llama, Qwen2, Gemma3Text };

/// The HF model_type of a family ("gpt2", "llama", "qwen2", "gemma3_text").
llvm::StringRef getModelType(ModelFamily family);

enum class NormKind {
  /// LayerNorm with weight and bias (gpt2).
  LayerNorm,
  /// RMSNorm, x * rsqrt(mean(x^2) + eps) * w (llama, qwen2).
  RMSNorm,
  /// RMSNorm scaling by (1 + w) (gemma3_text).
  RMSNormPlusOne,
};

enum class Activation {
  /// GELU, tanh approximation (gpt2 gelu_new, gemma gelu_pytorch_tanh).
  GeluTanh,
  /// x * sigmoid(x) (llama, qwen2 silu).
  Silu,
};

/// rope_scaling of a llama config. `type` is empty when there is none.
struct RopeScaling {
  /// "", "linear" or "llama3".
  std::string type;
  double factor = 1.0;
  /// llama3 only.
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;
  int64_t originalMaxPositions = 0;
};

struct ModelConfig {
  ModelFamily family = ModelFamily::GPT2;
  /// Where it was read from (for messages).
  std::string path;

  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numLayers = 0;
  int64_t numHeads = 0;
  /// Equal to numHeads for gpt2 (no grouped-query attention).
  int64_t numKeyValueHeads = 0;
  /// hidden / heads, except gemma3_text where config.json gives it.
  int64_t headDim = 0;
  int64_t vocabSize = 0;
  int64_t maxPositions = 0;

  NormKind norm = NormKind::LayerNorm;
  double normEps = 1e-5;
  Activation activation = Activation::GeluTanh;
  /// SwiGLU/GeGLU (gate * up) rather than a plain two-layer MLP.
  bool gatedMlp = false;

  /// Biases on the q, k and v projections (gpt2 c_attn, qwen2).
  bool qkvBias = false;
  /// Biases on the attention output and the MLP projections (gpt2 only).
  bool outputBiases = false;
  /// The LM head is the token embedding (transposed).
  bool tiedEmbeddings = false;
  /// Learned absolute positions (gpt2) instead of RoPE.
  bool learnedPositions = false;

  /// RoPE base of global layers (all layers except gemma's local ones).
  double ropeTheta = 10000.0;
  RopeScaling ropeScaling;

  /// gemma3_text: RMSNorm of q and k over head_dim before RoPE.
  bool qkNorm = false;
  /// gemma3_text: norms after attention and after the MLP too.
  bool postNorms = false;
  /// gemma3_text: embeddings multiplied by sqrt(hidden).
  bool scaleEmbeddings = false;
  /// gemma3_text: local layers see the last `slidingWindow` positions and
  /// use rope_local_base_freq; every `slidingWindowPattern`-th layer
  /// (1-based) is global. Zero when every layer is global.
  int64_t slidingWindow = 0;
  int64_t slidingWindowPattern = 0;
  double ropeLocalTheta = 10000.0;
  /// Attention scores are scaled by queryPreAttnScalar^-0.5 (gemma) or
  /// headDim^-0.5 (the others).
  double queryPreAttnScalar = 0;

  /// Layer `layer` (0-based) attends to all earlier positions.
  bool isGlobalLayer(int64_t layer) const;
  /// The factor applied to q.k.
  double getAttentionScale() const;
  /// The RoPE base of a layer.
  double getRopeTheta(int64_t layer) const;
};

/// Reads a config.json. Errors name the file and the field, for instance
/// "models/x/config.json: field 'num_attention_heads': expected a positive
/// integer". Unknown model_type values and fields with values we do not
/// support (an activation, a rope_scaling type, attention soft-capping...)
/// are refused by name.
llvm::Expected<ModelConfig> readModelConfig(llvm::StringRef path);

/// Parses config.json text; `path` is only used in messages.
llvm::Expected<ModelConfig> parseModelConfig(llvm::StringRef text,
                                             llvm::StringRef path);

/// The config.json of a preset (models/<name>/config.json, or
/// $STREAMTENSOR_MODELS_DIR/<name>/config.json), or an empty string when
/// `name` is not a preset.
std::string findPreset(llvm::StringRef name);

/// Names of the shipped presets, sorted.
std::vector<std::string> listPresets();

} // namespace streamtensor::model

#endif // STREAMTENSOR_MODEL_MODELCONFIG_H
