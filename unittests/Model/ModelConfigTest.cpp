//===- ModelConfigTest.cpp - config.json, presets and expected tensors ----===//

#include "streamtensor/Model/ModelConfig.h"
#include "streamtensor/Model/ModelTensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <optional>

using namespace streamtensor::model;
using llvm::StringRef;
namespace json = llvm::json;

namespace {

/// Runs a test with $STREAMTENSOR_MODELS_DIR set to `dir` (or unset), and
/// puts back what was there before, so that the tests do not depend on the
/// caller's environment or on each other.
class ScopedModelsDir {
public:
  explicit ScopedModelsDir(const char *dir) {
    if (const char *old = std::getenv(kVariable))
      saved = old;
    if (dir)
      ::setenv(kVariable, dir, /*overwrite=*/1);
    else
      ::unsetenv(kVariable);
  }
  ~ScopedModelsDir() {
    if (saved)
      ::setenv(kVariable, saved->c_str(), /*overwrite=*/1);
    else
      ::unsetenv(kVariable);
  }

private:
  static constexpr const char *kVariable = "STREAMTENSOR_MODELS_DIR";
  std::optional<std::string> saved;
};

ModelConfig loadPreset(StringRef name) {
  ScopedModelsDir useDefault(nullptr);
  std::string path = findPreset(name);
  if (path.empty()) {
    ADD_FAILURE() << "no preset " << name.str();
    return ModelConfig();
  }
  llvm::Expected<ModelConfig> config = readModelConfig(path);
  if (!config) {
    ADD_FAILURE() << llvm::toString(config.takeError());
    return ModelConfig();
  }
  return std::move(*config);
}

// Small but complete configs of each family, edited by the error tests.
constexpr const char *kGpt2 = R"({
  "model_type": "gpt2", "n_embd": 64, "n_layer": 2, "n_head": 4,
  "n_positions": 64, "vocab_size": 256
})";
constexpr const char *kLlama = R"({
  "model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
  "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
  "vocab_size": 256, "max_position_embeddings": 64
})";
constexpr const char *kQwen2 = R"({
  "model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864,
  "num_hidden_layers": 2, "num_attention_heads": 14, "num_key_value_heads": 2,
  "vocab_size": 256, "max_position_embeddings": 64
})";
constexpr const char *kGemma = R"({
  "model_type": "gemma3_text", "hidden_size": 64, "intermediate_size": 128,
  "num_hidden_layers": 12, "num_attention_heads": 4, "num_key_value_heads": 1,
  "vocab_size": 256, "max_position_embeddings": 64
})";

/// `base` with some fields changed.
std::string edit(StringRef base, const std::function<void(json::Object &)> &f) {
  llvm::Expected<json::Value> value = json::parse(base);
  if (!value) {
    ADD_FAILURE() << llvm::toString(value.takeError());
    return "";
  }
  f(*value->getAsObject());
  std::string text;
  llvm::raw_string_ostream os(text);
  os << *value;
  return text;
}

std::string with(StringRef base, StringRef key, json::Value value) {
  return edit(base,
              [&](json::Object &object) { object[key] = std::move(value); });
}

std::string without(StringRef base, StringRef key) {
  return edit(base, [&](json::Object &object) { object.erase(key); });
}

ModelConfig parseOrFail(StringRef text) {
  llvm::Expected<ModelConfig> config = parseModelConfig(text, "cfg.json");
  if (!config) {
    ADD_FAILURE() << llvm::toString(config.takeError());
    return ModelConfig();
  }
  return std::move(*config);
}

/// The message of a config that must be refused ("" if it was accepted).
std::string parseError(StringRef text) {
  llvm::Expected<ModelConfig> config = parseModelConfig(text, "cfg.json");
  if (config) {
    ADD_FAILURE() << "accepted: " << text.str();
    return "";
  }
  return llvm::toString(config.takeError());
}

const TensorSpec *findTensor(const std::vector<TensorSpec> &specs,
                             StringRef name) {
  for (const TensorSpec &spec : specs)
    if (spec.name == name)
      return &spec;
  ADD_FAILURE() << "no tensor " << name.str();
  return nullptr;
}

std::vector<int64_t> shapeOf(const std::vector<TensorSpec> &specs,
                             StringRef name) {
  const TensorSpec *spec = findTensor(specs, name);
  return spec ? spec->shape : std::vector<int64_t>();
}

using Shape = std::vector<int64_t>;

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

TEST(ModelConfigPresetTest, ListsTheShippedPresets) {
  ScopedModelsDir useDefault(nullptr);
  std::vector<std::string> expected = {
      "gemma-3-1b", "gemma3-tiny", "gpt2-medium",  "gpt2-tiny",
      "llama-tiny", "qwen2-tiny",  "qwen2.5-0.5b", "tinyllama-1.1b"};
  EXPECT_EQ(listPresets(), expected);
  for (const std::string &name : expected) {
    SCOPED_TRACE(name);
    llvm::Expected<ModelConfig> config = readModelConfig(findPreset(name));
    EXPECT_TRUE(bool(config)) << llvm::toString(config.takeError());
  }
}

TEST(ModelConfigPresetTest, FindPresetRefusesOtherNames) {
  ScopedModelsDir useDefault(nullptr);
  EXPECT_EQ(findPreset("no-such-model"), "");
  EXPECT_EQ(findPreset(""), "");
  EXPECT_EQ(findPreset(".."), "");
  EXPECT_EQ(findPreset("../models/gpt2-tiny"), "");
  EXPECT_TRUE(
      StringRef(findPreset("gpt2-tiny")).ends_with("gpt2-tiny/config.json"));
}

TEST(ModelConfigPresetTest, EnvironmentVariableReplacesTheFolder) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("models-test", dir));
  llvm::SmallString<128> preset(dir), empty(dir);
  llvm::sys::path::append(preset, "mine");
  llvm::sys::path::append(empty, "no-config");
  ASSERT_FALSE(llvm::sys::fs::create_directory(preset));
  ASSERT_FALSE(llvm::sys::fs::create_directory(empty));
  llvm::SmallString<128> file(preset);
  llvm::sys::path::append(file, "config.json");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec);
    ASSERT_FALSE(ec);
    os << kLlama;
  }

  {
    ScopedModelsDir useTemp(dir.c_str());
    EXPECT_EQ(listPresets(), std::vector<std::string>{"mine"});
    EXPECT_EQ(findPreset("mine"), file.str().str());
    EXPECT_EQ(findPreset("no-config"), "");
    EXPECT_EQ(findPreset("gpt2-tiny"), "");
    llvm::Expected<ModelConfig> config = readModelConfig(findPreset("mine"));
    ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
    EXPECT_EQ(config->path, file.str().str());
  }
  EXPECT_FALSE(llvm::sys::fs::remove_directories(dir));
}

TEST(ModelConfigPresetTest, Gpt2Medium) {
  ModelConfig c = loadPreset("gpt2-medium");
  EXPECT_EQ(c.family, ModelFamily::GPT2);
  EXPECT_EQ(getModelType(c.family), "gpt2");
  EXPECT_EQ(c.hiddenSize, 1024);
  EXPECT_EQ(c.intermediateSize, 4096);
  EXPECT_EQ(c.numLayers, 24);
  EXPECT_EQ(c.numHeads, 16);
  EXPECT_EQ(c.numKeyValueHeads, 16);
  EXPECT_EQ(c.headDim, 64);
  EXPECT_EQ(c.vocabSize, 50257);
  EXPECT_EQ(c.maxPositions, 1024);
  EXPECT_EQ(c.norm, NormKind::LayerNorm);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-5);
  EXPECT_EQ(c.activation, Activation::GeluTanh);
  EXPECT_FALSE(c.gatedMlp);
  EXPECT_TRUE(c.qkvBias);
  EXPECT_TRUE(c.outputBiases);
  EXPECT_TRUE(c.tiedEmbeddings);
  EXPECT_TRUE(c.learnedPositions);
  EXPECT_FALSE(c.qkNorm);
  EXPECT_FALSE(c.postNorms);
  EXPECT_FALSE(c.scaleEmbeddings);
  EXPECT_TRUE(c.isGlobalLayer(0));
  EXPECT_TRUE(c.isGlobalLayer(23));
  EXPECT_DOUBLE_EQ(c.getAttentionScale(), 0.125);
}

TEST(ModelConfigPresetTest, Qwen25) {
  ModelConfig c = loadPreset("qwen2.5-0.5b");
  EXPECT_EQ(c.family, ModelFamily::Qwen2);
  EXPECT_EQ(getModelType(c.family), "qwen2");
  EXPECT_EQ(c.hiddenSize, 896);
  EXPECT_EQ(c.intermediateSize, 4864);
  EXPECT_EQ(c.numLayers, 24);
  EXPECT_EQ(c.numHeads, 14);
  EXPECT_EQ(c.numKeyValueHeads, 2);
  EXPECT_EQ(c.headDim, 64);
  EXPECT_EQ(c.vocabSize, 151936);
  EXPECT_EQ(c.maxPositions, 32768);
  EXPECT_EQ(c.norm, NormKind::RMSNorm);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-6);
  EXPECT_EQ(c.activation, Activation::Silu);
  EXPECT_TRUE(c.gatedMlp);
  EXPECT_TRUE(c.qkvBias);
  EXPECT_FALSE(c.outputBiases);
  EXPECT_TRUE(c.tiedEmbeddings);
  EXPECT_FALSE(c.learnedPositions);
  EXPECT_DOUBLE_EQ(c.ropeTheta, 1e6);
  EXPECT_DOUBLE_EQ(c.getRopeTheta(5), 1e6);
  EXPECT_TRUE(c.ropeScaling.type.empty());
  EXPECT_EQ(c.slidingWindowPattern, 0);
  EXPECT_DOUBLE_EQ(c.getAttentionScale(), 0.125);
}

TEST(ModelConfigPresetTest, TinyLlama) {
  ModelConfig c = loadPreset("tinyllama-1.1b");
  EXPECT_EQ(c.family, ModelFamily::Llama);
  EXPECT_EQ(getModelType(c.family), "llama");
  EXPECT_EQ(c.hiddenSize, 2048);
  EXPECT_EQ(c.intermediateSize, 5632);
  EXPECT_EQ(c.numLayers, 22);
  EXPECT_EQ(c.numHeads, 32);
  EXPECT_EQ(c.numKeyValueHeads, 4);
  EXPECT_EQ(c.headDim, 64);
  EXPECT_EQ(c.vocabSize, 32000);
  EXPECT_EQ(c.maxPositions, 2048);
  EXPECT_EQ(c.norm, NormKind::RMSNorm);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-5);
  EXPECT_EQ(c.activation, Activation::Silu);
  EXPECT_TRUE(c.gatedMlp);
  EXPECT_FALSE(c.qkvBias);
  EXPECT_FALSE(c.tiedEmbeddings);
  EXPECT_DOUBLE_EQ(c.ropeTheta, 10000.0);
  EXPECT_TRUE(c.ropeScaling.type.empty());
}

TEST(ModelConfigPresetTest, Gemma3) {
  ModelConfig c = loadPreset("gemma-3-1b");
  EXPECT_EQ(c.family, ModelFamily::Gemma3Text);
  EXPECT_EQ(getModelType(c.family), "gemma3_text");
  EXPECT_EQ(c.hiddenSize, 1152);
  EXPECT_EQ(c.intermediateSize, 6912);
  EXPECT_EQ(c.numLayers, 26);
  EXPECT_EQ(c.numHeads, 4);
  EXPECT_EQ(c.numKeyValueHeads, 1);
  EXPECT_EQ(c.headDim, 256);
  EXPECT_EQ(c.vocabSize, 262144);
  EXPECT_EQ(c.maxPositions, 32768);
  EXPECT_EQ(c.norm, NormKind::RMSNormPlusOne);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-6);
  EXPECT_EQ(c.activation, Activation::GeluTanh);
  EXPECT_TRUE(c.gatedMlp);
  EXPECT_FALSE(c.qkvBias);
  EXPECT_FALSE(c.outputBiases);
  EXPECT_TRUE(c.tiedEmbeddings);
  EXPECT_TRUE(c.qkNorm);
  EXPECT_TRUE(c.postNorms);
  EXPECT_TRUE(c.scaleEmbeddings);
  EXPECT_EQ(c.slidingWindow, 512);
  EXPECT_EQ(c.slidingWindowPattern, 6);
  EXPECT_DOUBLE_EQ(c.queryPreAttnScalar, 256);
  EXPECT_DOUBLE_EQ(c.getAttentionScale(), 1.0 / 16);
  EXPECT_FALSE(c.isGlobalLayer(0));
  EXPECT_FALSE(c.isGlobalLayer(4));
  EXPECT_TRUE(c.isGlobalLayer(5));
  EXPECT_TRUE(c.isGlobalLayer(11));
  EXPECT_FALSE(c.isGlobalLayer(25));
  EXPECT_DOUBLE_EQ(c.getRopeTheta(4), 10000.0);
  EXPECT_DOUBLE_EQ(c.getRopeTheta(5), 1e6);
}

TEST(ModelConfigPresetTest, TinyVariants) {
  ModelConfig gpt2 = loadPreset("gpt2-tiny");
  EXPECT_EQ(gpt2.family, ModelFamily::GPT2);
  EXPECT_EQ(gpt2.numLayers, 2);
  EXPECT_EQ(gpt2.vocabSize, 256);
  EXPECT_EQ(gpt2.hiddenSize, 64);
  EXPECT_EQ(gpt2.intermediateSize, 256);
  EXPECT_EQ(gpt2.headDim, 16);
  EXPECT_EQ(gpt2.maxPositions, 64);

  ModelConfig llama = loadPreset("llama-tiny");
  EXPECT_EQ(llama.family, ModelFamily::Llama);
  EXPECT_EQ(llama.numLayers, 2);
  EXPECT_EQ(llama.vocabSize, 256);
  EXPECT_EQ(llama.hiddenSize, 64);
  EXPECT_EQ(llama.intermediateSize, 128);
  EXPECT_EQ(llama.numHeads, 4);
  EXPECT_EQ(llama.numKeyValueHeads, 2);
  EXPECT_EQ(llama.headDim, 16);
  EXPECT_FALSE(llama.qkvBias);
  EXPECT_FALSE(llama.tiedEmbeddings);
  EXPECT_DOUBLE_EQ(llama.ropeTheta, 10000.0);

  ModelConfig qwen = loadPreset("qwen2-tiny");
  EXPECT_EQ(qwen.family, ModelFamily::Qwen2);
  EXPECT_EQ(qwen.numLayers, 2);
  EXPECT_EQ(qwen.numKeyValueHeads, 2);
  EXPECT_TRUE(qwen.qkvBias);
  EXPECT_TRUE(qwen.tiedEmbeddings);
  EXPECT_DOUBLE_EQ(qwen.ropeTheta, 1e6);

  ModelConfig gemma = loadPreset("gemma3-tiny");
  EXPECT_EQ(gemma.family, ModelFamily::Gemma3Text);
  EXPECT_EQ(gemma.numLayers, 2);
  EXPECT_EQ(gemma.hiddenSize, 64);
  EXPECT_EQ(gemma.numHeads, 4);
  EXPECT_EQ(gemma.numKeyValueHeads, 1);
  EXPECT_EQ(gemma.headDim, 32);
  EXPECT_NE(gemma.numHeads * gemma.headDim, gemma.hiddenSize);
  EXPECT_EQ(gemma.slidingWindow, 4);
  EXPECT_EQ(gemma.slidingWindowPattern, 2);
  EXPECT_FALSE(gemma.isGlobalLayer(0));
  EXPECT_TRUE(gemma.isGlobalLayer(1));
  EXPECT_DOUBLE_EQ(gemma.getRopeTheta(0), 10000.0);
  EXPECT_DOUBLE_EQ(gemma.getRopeTheta(1), 1e6);
  EXPECT_DOUBLE_EQ(gemma.getAttentionScale(), 1.0 / std::sqrt(32.0));
}

//===----------------------------------------------------------------------===//
// Defaults and optional fields
//===----------------------------------------------------------------------===//

TEST(ModelConfigParseTest, Gpt2Defaults) {
  ModelConfig c = parseOrFail(kGpt2);
  EXPECT_EQ(c.intermediateSize, 256);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-5);
  EXPECT_TRUE(c.tiedEmbeddings);
  EXPECT_EQ(c.path, "cfg.json");

  c = parseOrFail(
      with(with(kGpt2, "n_inner", 100), "tie_word_embeddings", false));
  EXPECT_EQ(c.intermediateSize, 100);
  EXPECT_FALSE(c.tiedEmbeddings);
  // Accepted spellings of the same GELU, and harmless options at their
  // defaults.
  parseOrFail(with(kGpt2, "activation_function", "gelu_pytorch_tanh"));
  parseOrFail(with(kGpt2, "scale_attn_by_inverse_layer_idx", false));
  parseOrFail(with(kGpt2, "reorder_and_upcast_attn", false));
}

TEST(ModelConfigParseTest, LlamaDefaults) {
  ModelConfig c = parseOrFail(without(kLlama, "num_key_value_heads"));
  EXPECT_EQ(c.numKeyValueHeads, 4);
  EXPECT_EQ(c.headDim, 16);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-6);
  EXPECT_DOUBLE_EQ(c.ropeTheta, 10000.0);
  EXPECT_FALSE(c.tiedEmbeddings);
  EXPECT_EQ(c.slidingWindowPattern, 0);
  EXPECT_TRUE(c.isGlobalLayer(1));

  // head_dim decouples q width from hidden_size (and null is the default).
  c = parseOrFail(with(kLlama, "head_dim", 32));
  EXPECT_EQ(c.headDim, 32);
  EXPECT_DOUBLE_EQ(c.getAttentionScale(), 1.0 / std::sqrt(32.0));
  c = parseOrFail(with(kLlama, "head_dim", nullptr));
  EXPECT_EQ(c.headDim, 16);
}

TEST(ModelConfigParseTest, QwenDefaults) {
  ModelConfig c = parseOrFail(kQwen2);
  EXPECT_TRUE(c.qkvBias);
  EXPECT_FALSE(c.tiedEmbeddings);
  EXPECT_EQ(c.headDim, 64);
  // attention_bias is no Qwen2Config field: the biases are always there.
  c = parseOrFail(with(kQwen2, "attention_bias", false));
  EXPECT_TRUE(c.qkvBias);
}

TEST(ModelConfigParseTest, GemmaDefaults) {
  ModelConfig c = parseOrFail(kGemma);
  EXPECT_EQ(c.headDim, 256);
  EXPECT_DOUBLE_EQ(c.queryPreAttnScalar, 256);
  EXPECT_DOUBLE_EQ(c.getAttentionScale(), 1.0 / 16);
  EXPECT_DOUBLE_EQ(c.ropeLocalTheta, 10000.0);
  EXPECT_DOUBLE_EQ(c.ropeTheta, 1e6);
  EXPECT_EQ(c.slidingWindow, 4096);
  EXPECT_EQ(c.slidingWindowPattern, 6);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-6);
  EXPECT_TRUE(c.tiedEmbeddings);
  EXPECT_EQ(c.activation, Activation::GeluTanh);

  // The older name of the activation field.
  parseOrFail(with(kGemma, "hidden_act", "gelu_pytorch_tanh"));
}

TEST(ModelConfigParseTest, GemmaLayerTypes) {
  json::Array types;
  for (int i = 0; i < 12; ++i)
    types.push_back((i + 1) % 6 == 0 ? "full_attention" : "sliding_attention");
  ModelConfig c = parseOrFail(with(kGemma, "layer_types", json::Array(types)));
  EXPECT_EQ(c.slidingWindowPattern, 6);

  // Without sliding_window_pattern, layer_types gives the period.
  json::Array everyThird;
  for (int i = 0; i < 12; ++i)
    everyThird.push_back((i + 1) % 3 == 0 ? "full_attention"
                                          : "sliding_attention");
  c = parseOrFail(with(kGemma, "layer_types", json::Array(everyThird)));
  EXPECT_EQ(c.slidingWindowPattern, 3);
  EXPECT_TRUE(c.isGlobalLayer(2));
  EXPECT_FALSE(c.isGlobalLayer(3));

  std::string error =
      parseError(with(with(kGemma, "layer_types", json::Array(everyThird)),
                      "sliding_window_pattern", 6));
  EXPECT_EQ(error.rfind("cfg.json: field 'layer_types': layer 2 is "
                        "full_attention",
                        0),
            0u)
      << error;

  json::Array irregular = everyThird;
  irregular[7] = "full_attention";
  error = parseError(with(kGemma, "layer_types", std::move(irregular)));
  EXPECT_EQ(error.rfind("cfg.json: field 'layer_types': layer 7 is "
                        "full_attention",
                        0),
            0u)
      << error;

  json::Array shortList{"sliding_attention"};
  EXPECT_EQ(parseError(with(kGemma, "layer_types", std::move(shortList))),
            "cfg.json: field 'layer_types': has 1 entries but "
            "num_hidden_layers is 12");
}

TEST(ModelConfigParseTest, RopeScaling) {
  // Llama 3.2 1B.
  json::Object llama3{{"rope_type", "llama3"},
                      {"factor", 32.0},
                      {"low_freq_factor", 1.0},
                      {"high_freq_factor", 4.0},
                      {"original_max_position_embeddings", 8192}};
  ModelConfig c = parseOrFail(with(
      with(kLlama, "rope_scaling", std::move(llama3)), "rope_theta", 500000.0));
  EXPECT_EQ(c.ropeScaling.type, "llama3");
  EXPECT_DOUBLE_EQ(c.ropeScaling.factor, 32.0);
  EXPECT_DOUBLE_EQ(c.ropeScaling.lowFreqFactor, 1.0);
  EXPECT_DOUBLE_EQ(c.ropeScaling.highFreqFactor, 4.0);
  EXPECT_EQ(c.ropeScaling.originalMaxPositions, 8192);
  EXPECT_DOUBLE_EQ(c.ropeTheta, 500000.0);

  // Older configs name the type "type".
  c = parseOrFail(with(kLlama, "rope_scaling",
                       json::Object{{"type", "linear"}, {"factor", 2}}));
  EXPECT_EQ(c.ropeScaling.type, "linear");
  EXPECT_DOUBLE_EQ(c.ropeScaling.factor, 2.0);

  c = parseOrFail(
      with(kLlama, "rope_scaling", json::Object{{"rope_type", "default"}}));
  EXPECT_TRUE(c.ropeScaling.type.empty());

  EXPECT_EQ(parseError(with(kLlama, "rope_scaling",
                            json::Object{{"rope_type", "llama3"},
                                         {"factor", 8.0},
                                         {"low_freq_factor", 1.0},
                                         {"high_freq_factor", 4.0}})),
            "cfg.json: field "
            "'rope_scaling.original_max_position_embeddings': missing");
  EXPECT_EQ(parseError(
                with(kLlama, "rope_scaling", json::Object{{"type", "linear"}})),
            "cfg.json: field 'rope_scaling.factor': missing");
  EXPECT_EQ(parseError(with(kLlama, "rope_scaling", "linear")),
            "cfg.json: field 'rope_scaling': expected null or an object, got "
            "\"linear\"");
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST(ModelConfigErrorTest, InvalidJson) {
  std::string error = parseError("{\n  \"model_type\": \"gpt2\",\n}");
  EXPECT_EQ(error.rfind("cfg.json: invalid JSON: line 3, column 1: ", 0), 0u)
      << error;
  EXPECT_EQ(parseError("[1, 2]"),
            "cfg.json: expected a JSON object at the top level");
}

TEST(ModelConfigErrorTest, UnreadableFile) {
  llvm::Expected<ModelConfig> config =
      readModelConfig("/nonexistent/config.json");
  ASSERT_FALSE(bool(config));
  std::string error = llvm::toString(config.takeError());
  EXPECT_EQ(error.rfind("/nonexistent/config.json: cannot read: ", 0), 0u)
      << error;
}

TEST(ModelConfigErrorTest, MissingFields) {
  EXPECT_EQ(parseError(without(kGpt2, "n_embd")),
            "cfg.json: field 'n_embd': missing");
  EXPECT_EQ(parseError(without(kLlama, "intermediate_size")),
            "cfg.json: field 'intermediate_size': missing");
  EXPECT_EQ(parseError(without(kGemma, "vocab_size")),
            "cfg.json: field 'vocab_size': missing");
  EXPECT_EQ(parseError(without(kLlama, "model_type")),
            "cfg.json: field 'model_type': missing");
  // null is no size.
  EXPECT_EQ(parseError(with(kLlama, "hidden_size", nullptr)),
            "cfg.json: field 'hidden_size': expected a positive integer below "
            "2^31, got null");
}

TEST(ModelConfigErrorTest, WrongTypes) {
  EXPECT_EQ(parseError(with(kGpt2, "n_head", "16")),
            "cfg.json: field 'n_head': expected a positive integer below "
            "2^31, got \"16\"");
  EXPECT_EQ(parseError(with(kLlama, "num_hidden_layers", 2.5)),
            "cfg.json: field 'num_hidden_layers': expected a positive "
            "integer below 2^31, got 2.5");
  EXPECT_EQ(parseError(with(kLlama, "rms_norm_eps", "small")),
            "cfg.json: field 'rms_norm_eps': expected a positive number, got "
            "\"small\"");
  EXPECT_EQ(parseError(with(kLlama, "tie_word_embeddings", 1)),
            "cfg.json: field 'tie_word_embeddings': expected true or false, "
            "got 1");
  EXPECT_EQ(parseError(with(kLlama, "model_type", 3)),
            "cfg.json: field 'model_type': expected a string, got 3");
  EXPECT_EQ(parseError(with(kGpt2, "n_layer", 0)),
            "cfg.json: field 'n_layer': expected a positive integer below "
            "2^31, got 0");
  EXPECT_EQ(parseError(with(kLlama, "vocab_size", -5)),
            "cfg.json: field 'vocab_size': expected a positive integer below "
            "2^31, got -5");
  EXPECT_EQ(parseError(with(kLlama, "rope_theta", 0)),
            "cfg.json: field 'rope_theta': expected a positive number, got 0");
}

TEST(ModelConfigErrorTest, UnsupportedModelType) {
  EXPECT_EQ(parseError(with(kLlama, "model_type", "mistral")),
            "cfg.json: field 'model_type': unsupported model family "
            "'mistral' (supported: gpt2, llama, qwen2, gemma3_text)");
  // The multimodal wrapper is not the text model.
  EXPECT_EQ(parseError(with(kGemma, "model_type", "gemma3")),
            "cfg.json: field 'model_type': unsupported model family "
            "'gemma3' (supported: gpt2, llama, qwen2, gemma3_text)");
}

TEST(ModelConfigErrorTest, UnsupportedActivation) {
  EXPECT_EQ(parseError(with(kGpt2, "activation_function", "relu")),
            "cfg.json: field 'activation_function': unsupported activation "
            "'relu' (supported: gelu_new, gelu_pytorch_tanh)");
  EXPECT_EQ(parseError(with(kLlama, "hidden_act", "gelu")),
            "cfg.json: field 'hidden_act': unsupported activation 'gelu' "
            "(supported: silu)");
  EXPECT_EQ(parseError(with(kGemma, "hidden_activation", "gelu")),
            "cfg.json: field 'hidden_activation': unsupported activation "
            "'gelu' (supported: gelu_pytorch_tanh)");
}

TEST(ModelConfigErrorTest, UnsupportedRopeScaling) {
  EXPECT_EQ(
      parseError(with(kLlama, "rope_scaling",
                      json::Object{{"rope_type", "yarn"}, {"factor", 4.0}})),
      "cfg.json: field 'rope_scaling.rope_type': unsupported "
      "rope_scaling type 'yarn' (supported: linear, llama3)");
  EXPECT_EQ(
      parseError(with(kQwen2, "rope_scaling",
                      json::Object{{"type", "dynamic"}, {"factor", 2.0}})),
      "cfg.json: field 'rope_scaling.type': unsupported rope_scaling "
      "type 'dynamic' (supported: linear, llama3)");
  EXPECT_EQ(parseError(
                with(kLlama, "rope_scaling",
                     json::Object{{"rope_type", "llama3"},
                                  {"factor", 8.0},
                                  {"low_freq_factor", 4.0},
                                  {"high_freq_factor", 1.0},
                                  {"original_max_position_embeddings", 8192}})),
            "cfg.json: field 'rope_scaling.high_freq_factor': must exceed "
            "low_freq_factor (1 <= 4)");
  std::string error = parseError(
      with(kLlama, "rope_parameters",
           json::Object{{"rope_type", "default"}, {"rope_theta", 1e4}}));
  EXPECT_EQ(error.rfind("cfg.json: field 'rope_parameters': ", 0), 0u) << error;
}

TEST(ModelConfigErrorTest, HeadCounts) {
  EXPECT_EQ(parseError(with(kQwen2, "num_key_value_heads", 3)),
            "cfg.json: field 'num_key_value_heads': num_attention_heads (14) "
            "is not a multiple of num_key_value_heads (3)");
  EXPECT_EQ(parseError(with(kGpt2, "n_head", 6)),
            "cfg.json: field 'n_head': n_embd (64) is not a multiple of "
            "n_head (6)");
  EXPECT_EQ(parseError(with(without(kLlama, "num_key_value_heads"),
                            "num_attention_heads", 3)),
            "cfg.json: field 'num_attention_heads': hidden_size (64) is not a "
            "multiple of num_attention_heads (3) and no head_dim is given");
  // With head_dim, hidden_size need not divide.
  parseOrFail(with(
      with(without(kLlama, "num_key_value_heads"), "num_attention_heads", 3),
      "head_dim", 32));
}

TEST(ModelConfigErrorTest, Softcapping) {
  std::string error = parseError(with(kGemma, "final_logit_softcapping", 30.0));
  EXPECT_EQ(error.rfind("cfg.json: field 'final_logit_softcapping': 30 is not "
                        "supported",
                        0),
            0u)
      << error;
  error = parseError(with(kGemma, "attn_logit_softcapping", 50.0));
  EXPECT_EQ(error.rfind("cfg.json: field 'attn_logit_softcapping': 50 is not "
                        "supported",
                        0),
            0u)
      << error;
  parseOrFail(with(kGemma, "attn_logit_softcapping", nullptr));
}

TEST(ModelConfigErrorTest, RefusedOptions) {
  struct Case {
    const char *base;
    const char *field;
    json::Value value;
  };
  Case cases[] = {
      {kGpt2, "scale_attn_by_inverse_layer_idx", true},
      {kGpt2, "reorder_and_upcast_attn", true},
      {kGpt2, "add_cross_attention", true},
      {kGpt2, "scale_attn_weights", false},
      {kLlama, "attention_bias", true},
      {kLlama, "mlp_bias", true},
      {kQwen2, "use_sliding_window", true},
      {kGemma, "attention_bias", true},
      {kGemma, "use_bidirectional_attention", true},
  };
  for (Case &c : cases) {
    SCOPED_TRACE(c.field);
    std::string error = parseError(with(c.base, c.field, c.value));
    std::string prefix = std::string("cfg.json: field '") + c.field + "': " +
                         (c.value == json::Value(true) ? "true" : "false") +
                         " is not supported (";
    EXPECT_EQ(error.rfind(prefix, 0), 0u) << error;
  }
  // Irrelevant fields are ignored.
  parseOrFail(with(kLlama, "some_future_field", json::Object{{"a", 1}}));
}

//===----------------------------------------------------------------------===//
// Expected tensors
//===----------------------------------------------------------------------===//

/// Global tensors come first, then each layer's in turn.
void expectOrdered(const std::vector<TensorSpec> &specs) {
  int64_t lastLayer = -1;
  for (const TensorSpec &spec : specs) {
    EXPECT_GE(spec.layer, lastLayer) << spec.name;
    lastLayer = spec.layer;
  }
  // No name twice.
  std::vector<std::string> names;
  for (const TensorSpec &spec : specs)
    names.push_back(spec.name);
  llvm::sort(names);
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

TEST(ModelConfigTensorsTest, Gpt2) {
  ModelConfig c = loadPreset("gpt2-medium");
  std::vector<TensorSpec> specs = getExpectedTensors(c);
  EXPECT_EQ(specs.size(), 4u + 24u * 12u);
  expectOrdered(specs);
  EXPECT_EQ(specs[0].name, "wte.weight");
  EXPECT_EQ(specs[0].role, WeightRole::TokenEmbedding);
  EXPECT_EQ(specs[0].shape, Shape({50257, 1024}));
  EXPECT_EQ(specs[0].aliases,
            std::vector<std::string>{"transformer.wte.weight"});
  EXPECT_EQ(specs[1].name, "wpe.weight");
  EXPECT_EQ(specs[1].shape, Shape({1024, 1024}));
  EXPECT_EQ(shapeOf(specs, "ln_f.bias"), Shape({1024}));

  const TensorSpec *qkv = findTensor(specs, "h.3.attn.c_attn.weight");
  ASSERT_TRUE(qkv);
  EXPECT_EQ(qkv->shape, Shape({1024, 3072}));
  EXPECT_TRUE(qkv->transposed);
  EXPECT_EQ(qkv->layer, 3);
  EXPECT_EQ(qkv->role, WeightRole::FusedQKVWeight);
  EXPECT_EQ(qkv->aliases,
            std::vector<std::string>{"transformer.h.3.attn.c_attn.weight"});
  EXPECT_EQ(shapeOf(specs, "h.3.attn.c_attn.bias"), Shape({3072}));
  EXPECT_EQ(shapeOf(specs, "h.3.attn.c_proj.weight"), Shape({1024, 1024}));
  EXPECT_EQ(shapeOf(specs, "h.23.mlp.c_fc.weight"), Shape({1024, 4096}));
  EXPECT_EQ(shapeOf(specs, "h.23.mlp.c_fc.bias"), Shape({4096}));
  const TensorSpec *down = findTensor(specs, "h.23.mlp.c_proj.weight");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->shape, Shape({4096, 1024}));
  EXPECT_EQ(down->role, WeightRole::DownWeight);
  EXPECT_TRUE(down->transposed);
  EXPECT_EQ(findTensor(specs, "h.0.ln_2.weight")->role,
            WeightRole::MlpNormWeight);
  for (const TensorSpec &spec : specs)
    EXPECT_NE(spec.role, WeightRole::LMHead);

  // Untied: an lm_head, which has no "transformer." alias.
  c.tiedEmbeddings = false;
  specs = getExpectedTensors(c);
  EXPECT_EQ(specs.size(), 5u + 24u * 12u);
  EXPECT_EQ(specs[4].name, "lm_head.weight");
  EXPECT_EQ(specs[4].shape, Shape({50257, 1024}));
  EXPECT_TRUE(specs[4].aliases.empty());
}

TEST(ModelConfigTensorsTest, Llama) {
  std::vector<TensorSpec> specs =
      getExpectedTensors(loadPreset("tinyllama-1.1b"));
  // embed_tokens, norm and the untied lm_head, then 9 per layer.
  EXPECT_EQ(specs.size(), 3u + 22u * 9u);
  expectOrdered(specs);
  EXPECT_EQ(specs[0].name, "model.embed_tokens.weight");
  EXPECT_EQ(specs[1].name, "model.norm.weight");
  EXPECT_EQ(specs[2].name, "lm_head.weight");
  EXPECT_EQ(specs[2].shape, Shape({32000, 2048}));
  EXPECT_EQ(specs[3].name, "model.layers.0.input_layernorm.weight");
  EXPECT_EQ(shapeOf(specs, "model.layers.21.self_attn.q_proj.weight"),
            Shape({2048, 2048}));
  EXPECT_EQ(shapeOf(specs, "model.layers.21.self_attn.k_proj.weight"),
            Shape({256, 2048}));
  EXPECT_EQ(shapeOf(specs, "model.layers.21.self_attn.v_proj.weight"),
            Shape({256, 2048}));
  EXPECT_EQ(shapeOf(specs, "model.layers.21.self_attn.o_proj.weight"),
            Shape({2048, 2048}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.mlp.gate_proj.weight"),
            Shape({5632, 2048}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.mlp.up_proj.weight"),
            Shape({5632, 2048}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.mlp.down_proj.weight"),
            Shape({2048, 5632}));
  EXPECT_EQ(
      findTensor(specs, "model.layers.0.post_attention_layernorm.weight")->role,
      WeightRole::MlpNormWeight);
  for (const TensorSpec &spec : specs) {
    EXPECT_FALSE(spec.transposed) << spec.name;
    EXPECT_TRUE(spec.aliases.empty()) << spec.name;
  }
}

TEST(ModelConfigTensorsTest, Qwen2) {
  std::vector<TensorSpec> specs =
      getExpectedTensors(loadPreset("qwen2.5-0.5b"));
  // Tied: no lm_head; q, k and v biases: 12 per layer.
  EXPECT_EQ(specs.size(), 2u + 24u * 12u);
  expectOrdered(specs);
  EXPECT_EQ(shapeOf(specs, "model.layers.0.self_attn.q_proj.weight"),
            Shape({896, 896}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.self_attn.q_proj.bias"),
            Shape({896}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.self_attn.k_proj.weight"),
            Shape({128, 896}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.self_attn.k_proj.bias"),
            Shape({128}));
  EXPECT_EQ(findTensor(specs, "model.layers.0.self_attn.v_proj.bias")->role,
            WeightRole::ValueBias);
  EXPECT_EQ(shapeOf(specs, "model.layers.0.mlp.down_proj.weight"),
            Shape({896, 4864}));
  for (const TensorSpec &spec : specs)
    EXPECT_NE(spec.name, "lm_head.weight");
}

TEST(ModelConfigTensorsTest, Gemma3) {
  std::vector<TensorSpec> specs = getExpectedTensors(loadPreset("gemma-3-1b"));
  EXPECT_EQ(specs.size(), 2u + 26u * 13u);
  expectOrdered(specs);
  EXPECT_EQ(shapeOf(specs, "model.embed_tokens.weight"), Shape({262144, 1152}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.self_attn.q_proj.weight"),
            Shape({1024, 1152}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.self_attn.k_proj.weight"),
            Shape({256, 1152}));
  EXPECT_EQ(shapeOf(specs, "model.layers.0.self_attn.o_proj.weight"),
            Shape({1152, 1024}));
  EXPECT_EQ(shapeOf(specs, "model.layers.25.self_attn.q_norm.weight"),
            Shape({256}));
  EXPECT_EQ(findTensor(specs, "model.layers.25.self_attn.k_norm.weight")->role,
            WeightRole::KeyNormWeight);
  EXPECT_EQ(
      findTensor(specs, "model.layers.1.post_attention_layernorm.weight")->role,
      WeightRole::PostAttentionNormWeight);
  EXPECT_EQ(findTensor(specs, "model.layers.1.pre_feedforward_layernorm.weight")
                ->role,
            WeightRole::MlpNormWeight);
  EXPECT_EQ(
      findTensor(specs, "model.layers.1.post_feedforward_layernorm.weight")
          ->role,
      WeightRole::PostMlpNormWeight);
  for (const TensorSpec &spec : specs)
    EXPECT_FALSE(StringRef(spec.name).ends_with(".bias")) << spec.name;
}

TEST(ModelConfigTensorsTest, TinyVariants) {
  EXPECT_EQ(getExpectedTensors(loadPreset("gpt2-tiny")).size(), 4u + 2u * 12u);
  EXPECT_EQ(getExpectedTensors(loadPreset("llama-tiny")).size(), 3u + 2u * 9u);
  EXPECT_EQ(getExpectedTensors(loadPreset("qwen2-tiny")).size(), 2u + 2u * 12u);
  std::vector<TensorSpec> gemma = getExpectedTensors(loadPreset("gemma3-tiny"));
  EXPECT_EQ(gemma.size(), 2u + 2u * 13u);
  EXPECT_EQ(shapeOf(gemma, "model.layers.1.self_attn.q_proj.weight"),
            Shape({128, 64}));
  EXPECT_EQ(shapeOf(gemma, "model.layers.1.self_attn.k_proj.weight"),
            Shape({32, 64}));
  EXPECT_EQ(shapeOf(gemma, "model.layers.1.self_attn.o_proj.weight"),
            Shape({64, 128}));
}

//===----------------------------------------------------------------------===//
// Random weights
//===----------------------------------------------------------------------===//

struct Moments {
  double mean;
  double stddev;
};

Moments getMoments(const std::vector<float> &values) {
  double sum = 0, sumSquares = 0;
  for (float v : values)
    sum += v;
  double mean = sum / values.size();
  for (float v : values)
    sumSquares += (v - mean) * (v - mean);
  return {mean, std::sqrt(sumSquares / values.size())};
}

TensorSpec makeSpec(StringRef name, WeightRole role, Shape shape,
                    bool transposed = false) {
  TensorSpec spec;
  spec.name = name.str();
  spec.role = role;
  spec.shape = std::move(shape);
  spec.transposed = transposed;
  return spec;
}

TEST(ModelConfigRandomWeightsTest, Deterministic) {
  std::vector<TensorSpec> specs = getExpectedTensors(loadPreset("llama-tiny"));
  for (const TensorSpec &spec : specs) {
    std::vector<float> a = makeRandomWeights(spec, 42);
    std::vector<float> b = makeRandomWeights(spec, 42);
    int64_t count = 1;
    for (int64_t dim : spec.shape)
      count *= dim;
    EXPECT_EQ(static_cast<int64_t>(a.size()), count) << spec.name;
    EXPECT_EQ(a, b) << spec.name;
    EXPECT_NE(a, makeRandomWeights(spec, 43)) << spec.name;
  }
  // Same shape and role, another name: other values.
  EXPECT_NE(makeRandomWeights(specs[5], 1), makeRandomWeights(specs[6], 1));

  // The generator is fixed by this file, not by the standard library: these
  // values must not change from machine to machine or release to release.
  std::vector<float> pinned = makeRandomWeights(
      makeSpec("model.embed_tokens.weight", WeightRole::TokenEmbedding, {4}),
      0);
  ASSERT_EQ(pinned.size(), 4u);
  const float expected[] = {-0.260058731f, 0.0390575863f, -0.270287901f,
                            -0.154179335f};
  for (int i = 0; i < 4; ++i)
    EXPECT_FLOAT_EQ(pinned[i], expected[i]) << i;
}

TensorSpec plusOne(TensorSpec spec) {
  spec.scalesByOnePlus = true;
  return spec;
}

TEST(ModelConfigRandomWeightsTest, Distributions) {
  struct Case {
    TensorSpec spec;
    double mean;
    double stddev;
  };
  Case cases[] = {
      {makeSpec("wte.weight", WeightRole::TokenEmbedding, {256, 64}), 0, 0.5},
      {makeSpec("wpe.weight", WeightRole::PositionEmbedding, {64, 64}), 0, 0.5},
      {makeSpec("lm_head.weight", WeightRole::LMHead, {256, 64}), 0, 0.5},
      // nn.Linear [out, in]: fan_in is the second dimension.
      {makeSpec("q", WeightRole::QueryWeight, {128, 64}), 0, 0.125},
      {makeSpec("down", WeightRole::DownWeight, {64, 256}), 0, 1.0 / 16},
      // Conv1D [in, out]: fan_in is the first.
      {makeSpec("c_fc", WeightRole::UpWeight, {64, 256}, true), 0, 0.125},
      {makeSpec("c_proj", WeightRole::DownWeight, {256, 64}, true), 0,
       1.0 / 16},
      {makeSpec("model.norm.weight", WeightRole::FinalNormWeight, {4096}), 1,
       0.1},
      {makeSpec("ln_1.weight", WeightRole::AttentionNormWeight, {4096}), 1,
       0.1},
      // Gemma's norms scale by (1 + w).
      {plusOne(makeSpec("model.layers.0.self_attn.q_norm.weight",
                        WeightRole::QueryNormWeight, {4096})),
       0, 0.1},
      {plusOne(makeSpec("model.layers.0.input_layernorm.weight",
                        WeightRole::AttentionNormWeight, {4096})),
       0, 0.1},
      {plusOne(makeSpec("model.layers.0.post_feedforward_layernorm.weight",
                        WeightRole::PostMlpNormWeight, {4096})),
       0, 0.1},
      {makeSpec("q_proj.bias", WeightRole::QueryBias, {4096}), 0, 0.02},
      {makeSpec("ln_f.bias", WeightRole::FinalNormBias, {4096}), 0, 0.02},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.spec.name);
    std::vector<float> values = makeRandomWeights(c.spec, 7);
    Moments moments = getMoments(values);
    EXPECT_NEAR(moments.stddev, c.stddev, 0.1 * c.stddev);
    // Five standard errors of the mean.
    EXPECT_NEAR(moments.mean, c.mean, 5 * c.stddev / std::sqrt(values.size()));
  }
}

} // namespace
