//===- ModelConfig.cpp - Reading HuggingFace config.json ------------------===//
//
// Fields follow the transformers config classes: an absent (or null)
// optional field takes the default of GPT2Config, LlamaConfig, Qwen2Config or
// Gemma3TextConfig. Sizes are required nonetheless, since a checkpoint whose
// config.json lacks one is more likely broken than meant to use the default.
//
// HF configs carry many fields that do not change the forward pass (dropout,
// token ids, dtype...), so unknown fields are ignored. The few fields that do
// change it and that we do not implement are refused by name: ignoring them
// would compile a model that disagrees with its checkpoint without a word.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Model/ModelConfig.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <optional>

#ifndef STREAMTENSOR_MODELS_DIR
#error "the build must define STREAMTENSOR_MODELS_DIR"
#endif

using namespace streamtensor::model;
using llvm::StringRef;
using llvm::Twine;
namespace json = llvm::json;

//===----------------------------------------------------------------------===//
// ModelConfig
//===----------------------------------------------------------------------===//

StringRef streamtensor::model::getModelType(ModelFamily family) {
  switch (family) {
  case ModelFamily::GPT2:
    return "gpt2";
  case ModelFamily::Llama:
    return "llama";
  case ModelFamily::Qwen2:
    return "qwen2";
  case ModelFamily::Gemma3Text:
    return "gemma3_text";
  }
  return "";
}

bool ModelConfig::isGlobalLayer(int64_t layer) const {
  return slidingWindowPattern <= 0 || (layer + 1) % slidingWindowPattern == 0;
}

double ModelConfig::getAttentionScale() const {
  double scaledBy = family == ModelFamily::Gemma3Text
                        ? queryPreAttnScalar
                        : static_cast<double>(headDim);
  // Only a default-constructed config has no positive value here; the parser
  // guarantees one.
  if (scaledBy <= 0)
    return 1.0;
  return 1.0 / std::sqrt(scaledBy);
}

double ModelConfig::getRopeTheta(int64_t layer) const {
  return isGlobalLayer(layer) ? ropeTheta : ropeLocalTheta;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {

/// Keeps sizes small enough that the product of two (a weight's element
/// count) fits in int64_t.
constexpr int64_t kMaxSize = (int64_t(1) << 31) - 1;

llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// llvm::json reports "[line:col, byte=N]: message"; we say it in words, and
/// keep the original if its format ever changes.
std::string describeParseError(llvm::Error error) {
  std::string text = llvm::toString(std::move(error));
  StringRef rest(text);
  unsigned line = 0, column = 0;
  if (!rest.consume_front("[") || rest.consumeInteger(10, line) ||
      !rest.consume_front(":") || rest.consumeInteger(10, column))
    return text;
  size_t end = rest.find("]: ");
  if (end == StringRef::npos)
    return text;
  return llvm::formatv("line {0}, column {1}: {2}", line, column,
                       rest.drop_front(end + 3))
      .str();
}

/// A JSON value as it appears in the file, short enough for a one-line
/// message.
std::string describe(const json::Value &value) {
  switch (value.kind()) {
  case json::Value::Array:
    return "an array";
  case json::Value::Object:
    return "an object";
  default:
    return llvm::formatv("{0}", value).str();
  }
}

/// A string from the file, quoted, as it goes into a message: escaped, so
/// that the message stays on one line whatever bytes the string holds.
std::string quote(StringRef text) {
  std::string quoted;
  llvm::raw_string_ostream os(quoted);
  os << '\'';
  llvm::printEscapedString(text, os);
  os << '\'';
  return quoted;
}

/// Keeps the first problem found. Readers become no-ops once it is set, so
/// the parsing code reads as a plain list of fields, checked once at the end.
class Diagnostics {
public:
  explicit Diagnostics(StringRef path) : path(path.str()) {}

  void fail(StringRef field, const Twine &message) {
    if (!error)
      error = (path + ": field '" + field + "': " + message).str();
  }
  bool failed() const { return error.has_value(); }
  llvm::Error takeError() { return makeError(*error); }

private:
  std::string path;
  std::optional<std::string> error;
};

/// Reads the fields of one JSON object; `prefix` names nested objects in
/// messages ("rope_scaling.factor").
class FieldReader {
public:
  FieldReader(Diagnostics &diag, const json::Object &object,
              std::string prefix = "")
      : diag(diag), object(object), prefix(std::move(prefix)) {}

  std::string getName(StringRef field) const { return prefix + field.str(); }

  void fail(StringRef field, const Twine &message) {
    diag.fail(getName(field), message);
  }
  bool failed() const { return diag.failed(); }

  /// The value of a field, or null when it is absent or JSON null: HF writes
  /// null for "use the default" (n_inner, rope_scaling, head_dim...).
  const json::Value *find(StringRef field) const {
    const json::Value *value = object.get(field);
    if (!value || value->kind() == json::Value::Null)
      return nullptr;
    return value;
  }

  /// A positive integer that must be given.
  int64_t getSize(StringRef field) {
    if (failed())
      return 1;
    const json::Value *value = object.get(field);
    if (!value) {
      fail(field, "missing");
      return 1;
    }
    return checkSize(field, *value);
  }

  /// A positive integer, or `defaultValue` when absent or null.
  int64_t getSize(StringRef field, int64_t defaultValue) {
    if (failed())
      return 1;
    const json::Value *value = find(field);
    return value ? checkSize(field, *value) : defaultValue;
  }

  /// A positive number, or `defaultValue` when absent or null.
  double getPositiveNumber(StringRef field, double defaultValue) {
    if (failed())
      return 1.0;
    const json::Value *value = find(field);
    return value ? checkPositiveNumber(field, *value) : defaultValue;
  }

  /// A positive number that must be given.
  double getPositiveNumber(StringRef field) {
    if (failed())
      return 1.0;
    const json::Value *value = object.get(field);
    if (!value) {
      fail(field, "missing");
      return 1.0;
    }
    return checkPositiveNumber(field, *value);
  }

  bool getBool(StringRef field, bool defaultValue) {
    if (failed())
      return defaultValue;
    const json::Value *value = find(field);
    if (!value)
      return defaultValue;
    std::optional<bool> flag = value->getAsBoolean();
    if (!flag) {
      fail(field, "expected true or false, got " + describe(*value));
      return defaultValue;
    }
    return *flag;
  }

  /// A string, or std::nullopt when absent or null.
  std::optional<std::string> getString(StringRef field) {
    if (failed())
      return std::nullopt;
    const json::Value *value = find(field);
    if (!value)
      return std::nullopt;
    std::optional<StringRef> text = value->getAsString();
    if (!text) {
      fail(field, "expected a string, got " + describe(*value));
      return std::nullopt;
    }
    return text->str();
  }

  /// Refuses a boolean option that we do not implement when it is set to
  /// `refused`.
  void refuseBool(StringRef field, bool refused, const Twine &why) {
    bool defaultValue = !refused;
    if (getBool(field, defaultValue) == refused && !failed())
      fail(field, llvm::formatv("{0} is not supported ({1})",
                                refused ? "true" : "false", why.str()));
  }

  /// Refuses any non-null value of a field that we do not implement.
  void refuseValue(StringRef field, const Twine &why) {
    if (failed())
      return;
    if (const json::Value *value = find(field))
      fail(field,
           describe(*value) + " is not supported (" + why + "); only null is");
  }

private:
  int64_t checkSize(StringRef field, const json::Value &value) {
    std::optional<int64_t> size = value.getAsInteger();
    if (!size || *size <= 0 || *size > kMaxSize) {
      fail(field,
           "expected a positive integer below 2^31, got " + describe(value));
      return 1;
    }
    return *size;
  }

  double checkPositiveNumber(StringRef field, const json::Value &value) {
    std::optional<double> number = value.getAsNumber();
    if (!number || !std::isfinite(*number) || *number <= 0) {
      fail(field, "expected a positive number, got " + describe(value));
      return 1.0;
    }
    return *number;
  }

  Diagnostics &diag;
  const json::Object &object;
  std::string prefix;
};

/// Reads a string field that must be one of `supported`; `fallback` is the
/// value of an absent field.
std::optional<std::string> readChoice(FieldReader &reader, StringRef field,
                                      StringRef what,
                                      llvm::ArrayRef<StringRef> supported,
                                      StringRef fallback) {
  std::optional<std::string> value = reader.getString(field);
  if (reader.failed())
    return std::nullopt;
  if (!value)
    return fallback.str();
  if (!llvm::is_contained(supported, StringRef(*value))) {
    reader.fail(field,
                llvm::formatv("unsupported {0} {1} (supported: {2})", what,
                              quote(*value), llvm::join(supported, ", ")));
    return std::nullopt;
  }
  return value;
}

//===----------------------------------------------------------------------===//
// gpt2
//===----------------------------------------------------------------------===//

void readGpt2(FieldReader &reader, ModelConfig &config) {
  config.hiddenSize = reader.getSize("n_embd");
  config.numLayers = reader.getSize("n_layer");
  config.numHeads = reader.getSize("n_head");
  // n_inner: null means 4 * n_embd (GPT2MLP).
  config.intermediateSize = reader.getSize("n_inner", 4 * config.hiddenSize);
  config.maxPositions = reader.getSize("n_positions");
  config.vocabSize = reader.getSize("vocab_size");
  // Both names are the tanh approximation in transformers' ACT2FN.
  readChoice(reader, "activation_function", "activation",
             {"gelu_new", "gelu_pytorch_tanh"}, "gelu_new");
  config.normEps = reader.getPositiveNumber("layer_norm_epsilon", 1e-5);
  config.tiedEmbeddings = reader.getBool("tie_word_embeddings", true);

  // Options of GPT2Attention that change the computed values.
  reader.refuseBool("scale_attn_weights", false,
                    "attention scores are always scaled by head_dim^-0.5");
  reader.refuseBool("scale_attn_by_inverse_layer_idx", true,
                    "attention scores are not scaled by the layer index");
  reader.refuseBool("reorder_and_upcast_attn", true,
                    "the upcast attention variant is not implemented");
  reader.refuseBool("add_cross_attention", true,
                    "decoder-only models have no cross-attention");
  if (reader.failed())
    return;

  if (config.hiddenSize % config.numHeads != 0)
    return reader.fail("n_head",
                       llvm::formatv("n_embd ({0}) is not a multiple "
                                     "of n_head ({1})",
                                     config.hiddenSize, config.numHeads));
  config.numKeyValueHeads = config.numHeads;
  config.headDim = config.hiddenSize / config.numHeads;
  config.norm = NormKind::LayerNorm;
  config.activation = Activation::GeluTanh;
  config.gatedMlp = false;
  config.qkvBias = true;
  config.outputBiases = true;
  config.learnedPositions = true;
}

//===----------------------------------------------------------------------===//
// llama, qwen2 and gemma3_text
//===----------------------------------------------------------------------===//

/// rope_scaling: null, or an object naming its type by "rope_type" (newer
/// transformers) or "type" (older).
void readRopeScaling(FieldReader &reader, Diagnostics &diag,
                     const json::Object &object, ModelConfig &config) {
  if (reader.failed() || !reader.find("rope_scaling"))
    return;
  const json::Object *scaling = object.getObject("rope_scaling");
  if (!scaling)
    return reader.fail("rope_scaling",
                       "expected null or an object, got " +
                           describe(*object.get("rope_scaling")));

  FieldReader nested(diag, *scaling, "rope_scaling.");
  StringRef typeField = nested.find("rope_type") ? "rope_type" : "type";
  std::optional<std::string> type = nested.getString(typeField);
  if (nested.failed())
    return;
  if (!type)
    return nested.fail("rope_type", "missing");

  RopeScaling &rope = config.ropeScaling;
  // transformers writes {"rope_type": "default"} for no scaling at all.
  if (*type == "default")
    return;
  if (*type == "linear") {
    rope.type = "linear";
    rope.factor = nested.getPositiveNumber("factor");
    return;
  }
  if (*type == "llama3") {
    rope.type = "llama3";
    rope.factor = nested.getPositiveNumber("factor");
    rope.lowFreqFactor = nested.getPositiveNumber("low_freq_factor");
    rope.highFreqFactor = nested.getPositiveNumber("high_freq_factor");
    rope.originalMaxPositions =
        nested.getSize("original_max_position_embeddings");
    // The llama3 rule interpolates between the two wavelengths they give and
    // divides by their difference.
    if (!nested.failed() && rope.highFreqFactor <= rope.lowFreqFactor)
      nested.fail("high_freq_factor",
                  "must exceed low_freq_factor (" +
                      describe(rope.highFreqFactor) +
                      " <= " + describe(rope.lowFreqFactor) + ")");
    return;
  }
  nested.fail(typeField,
              llvm::formatv("unsupported rope_scaling type {0} (supported: "
                            "linear, llama3)",
                            quote(*type)));
}

/// The fields llama, qwen2 and gemma3_text share.
void readDecoder(FieldReader &reader, Diagnostics &diag,
                 const json::Object &object, ModelConfig &config,
                 double defaultRopeTheta) {
  config.hiddenSize = reader.getSize("hidden_size");
  config.intermediateSize = reader.getSize("intermediate_size");
  config.numLayers = reader.getSize("num_hidden_layers");
  config.numHeads = reader.getSize("num_attention_heads");
  config.numKeyValueHeads =
      reader.getSize("num_key_value_heads", config.numHeads);
  config.vocabSize = reader.getSize("vocab_size");
  config.maxPositions = reader.getSize("max_position_embeddings");
  config.normEps = reader.getPositiveNumber("rms_norm_eps", 1e-6);
  config.ropeTheta = reader.getPositiveNumber("rope_theta", defaultRopeTheta);
  config.ropeLocalTheta = config.ropeTheta;
  readRopeScaling(reader, diag, object, config);
  // transformers 5 moves rope_theta and rope_scaling into this object (per
  // layer type for gemma); reading the old fields alone would silently pick
  // the defaults.
  reader.refuseValue("rope_parameters",
                     "give rope_theta and rope_scaling instead");
  if (reader.failed())
    return;

  if (config.numHeads % config.numKeyValueHeads != 0)
    return reader.fail("num_key_value_heads",
                       llvm::formatv("num_attention_heads ({0}) is not a "
                                     "multiple of num_key_value_heads ({1})",
                                     config.numHeads, config.numKeyValueHeads));
  config.norm = NormKind::RMSNorm;
  config.gatedMlp = true;
  config.learnedPositions = false;
  config.outputBiases = false;
}

/// head_dim of llama and qwen2: given, or hidden_size / num_attention_heads.
void readHeadDim(FieldReader &reader, ModelConfig &config) {
  if (reader.failed())
    return;
  if (reader.find("head_dim")) {
    config.headDim = reader.getSize("head_dim");
    return;
  }
  if (config.hiddenSize % config.numHeads != 0)
    return reader.fail("num_attention_heads",
                       llvm::formatv("hidden_size ({0}) is not a multiple of "
                                     "num_attention_heads ({1}) and no "
                                     "head_dim is given",
                                     config.hiddenSize, config.numHeads));
  config.headDim = config.hiddenSize / config.numHeads;
}

void readLlama(FieldReader &reader, Diagnostics &diag,
               const json::Object &object, ModelConfig &config) {
  readDecoder(reader, diag, object, config, /*defaultRopeTheta=*/10000.0);
  readHeadDim(reader, config);
  readChoice(reader, "hidden_act", "activation", {"silu"}, "silu");
  config.tiedEmbeddings = reader.getBool("tie_word_embeddings", false);
  // attention_bias also puts a bias on o_proj, which ModelConfig does not
  // describe.
  reader.refuseBool("attention_bias", true,
                    "llama attention projections have no biases here");
  reader.refuseBool("mlp_bias", true,
                    "llama MLP projections have no biases here");
  config.activation = Activation::Silu;
  config.qkvBias = false;
}

void readQwen2(FieldReader &reader, Diagnostics &diag,
               const json::Object &object, ModelConfig &config) {
  readDecoder(reader, diag, object, config, /*defaultRopeTheta=*/10000.0);
  readHeadDim(reader, config);
  readChoice(reader, "hidden_act", "activation", {"silu"}, "silu");
  config.tiedEmbeddings = reader.getBool("tie_word_embeddings", false);
  reader.refuseBool("use_sliding_window", true,
                    "qwen2 sliding-window attention is not implemented");
  config.activation = Activation::Silu;
  // Qwen2Attention always has q, k and v biases (and none on o_proj).
  config.qkvBias = true;
}

/// layer_types (newer transformers) lists "sliding_attention" or
/// "full_attention" per layer. We model one global layer every
/// sliding_window_pattern layers, so the list must follow that rule.
void readLayerTypes(FieldReader &reader, const json::Object &object,
                    bool patternGiven, ModelConfig &config) {
  if (reader.failed() || !reader.find("layer_types"))
    return;
  const json::Array *types = object.getArray("layer_types");
  if (!types)
    return reader.fail("layer_types", "expected an array, got " +
                                          describe(*object.get("layer_types")));
  if (static_cast<int64_t>(types->size()) != config.numLayers)
    return reader.fail("layer_types",
                       llvm::formatv("has {0} entries but num_hidden_layers "
                                     "is {1}",
                                     types->size(), config.numLayers));

  std::vector<bool> isGlobal;
  for (auto [index, entry] : llvm::enumerate(*types)) {
    std::optional<StringRef> type = entry.getAsString();
    if (!type || (*type != "sliding_attention" && *type != "full_attention"))
      return reader.fail("layer_types",
                         llvm::formatv("entry {0} is {1}; expected "
                                       "\"sliding_attention\" or "
                                       "\"full_attention\"",
                                       index, describe(entry)));
    isGlobal.push_back(*type == "full_attention");
  }

  // Without sliding_window_pattern, the list decides: the first full layer
  // gives the period (or none is global at all).
  if (!patternGiven) {
    auto firstGlobal = llvm::find(isGlobal, true);
    config.slidingWindowPattern =
        firstGlobal == isGlobal.end()
            ? config.numLayers + 1
            : std::distance(isGlobal.begin(), firstGlobal) + 1;
  }
  for (auto [layer, global] : llvm::enumerate(isGlobal)) {
    if (global == config.isGlobalLayer(layer))
      continue;
    return reader.fail(
        "layer_types",
        llvm::formatv("layer {0} is {1}, but one global layer every {2} "
                      "(layer i global iff (i + 1) % {2} == 0) makes it {3}; "
                      "other layouts are not supported",
                      layer, global ? "full_attention" : "sliding_attention",
                      config.slidingWindowPattern,
                      global ? "sliding_attention" : "full_attention"));
  }
}

void readGemma3Text(FieldReader &reader, Diagnostics &diag,
                    const json::Object &object, ModelConfig &config) {
  readDecoder(reader, diag, object, config, /*defaultRopeTheta=*/1000000.0);
  config.headDim = reader.getSize("head_dim", 256);
  // Gemma3TextConfig names it hidden_activation; older Gemma configs used
  // hidden_act.
  StringRef activationField =
      reader.find("hidden_activation") ? "hidden_activation" : "hidden_act";
  readChoice(reader, activationField, "activation", {"gelu_pytorch_tanh"},
             "gelu_pytorch_tanh");
  config.queryPreAttnScalar =
      reader.getPositiveNumber("query_pre_attn_scalar", 256);
  config.ropeLocalTheta =
      reader.getPositiveNumber("rope_local_base_freq", 10000.0);
  config.slidingWindow = reader.getSize("sliding_window", 4096);
  bool patternGiven = reader.find("sliding_window_pattern") != nullptr;
  config.slidingWindowPattern = reader.getSize("sliding_window_pattern", 6);
  config.tiedEmbeddings = reader.getBool("tie_word_embeddings", true);
  reader.refuseValue("attn_logit_softcapping",
                     "attention logit soft-capping is not implemented");
  reader.refuseValue("final_logit_softcapping",
                     "final logit soft-capping is not implemented");
  reader.refuseBool("attention_bias", true,
                    "gemma attention projections have no biases here");
  // EmbeddingGemma: every layer sees the whole sequence both ways.
  reader.refuseBool("use_bidirectional_attention", true,
                    "attention is causal here");
  readLayerTypes(reader, object, patternGiven, config);

  config.norm = NormKind::RMSNormPlusOne;
  config.activation = Activation::GeluTanh;
  config.qkvBias = false;
  config.qkNorm = true;
  config.postNorms = true;
  config.scaleEmbeddings = true;
}

} // namespace

llvm::Expected<ModelConfig>
streamtensor::model::parseModelConfig(StringRef text, StringRef path) {
  llvm::Expected<json::Value> value = json::parse(text);
  if (!value)
    return makeError(
        path + ": invalid JSON: " + describeParseError(value.takeError()));
  const json::Object *object = value->getAsObject();
  if (!object)
    return makeError(path + ": expected a JSON object at the top level");

  Diagnostics diag(path);
  FieldReader reader(diag, *object);
  ModelConfig config;
  config.path = path.str();

  std::optional<std::string> modelType = reader.getString("model_type");
  if (!reader.failed() && !modelType)
    reader.fail("model_type", "missing");
  if (reader.failed())
    return diag.takeError();

  if (*modelType == "gpt2") {
    config.family = ModelFamily::GPT2;
    readGpt2(reader, config);
  } else if (*modelType == "llama") {
    config.family = ModelFamily::Llama;
    readLlama(reader, diag, *object, config);
  } else if (*modelType == "qwen2") {
    config.family = ModelFamily::Qwen2;
    readQwen2(reader, diag, *object, config);
  } else if (*modelType == "gemma3_text") {
    config.family = ModelFamily::Gemma3Text;
    readGemma3Text(reader, diag, *object, config);
  } else {
    reader.fail("model_type",
                llvm::formatv("unsupported model family {0} (supported: "
                              "gpt2, llama, qwen2, gemma3_text)",
                              quote(*modelType)));
  }
  if (diag.failed())
    return diag.takeError();
  return config;
}

llvm::Expected<ModelConfig>
streamtensor::model::readModelConfig(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return makeError(path + ": cannot read: " + buffer.getError().message());
  return parseModelConfig((*buffer)->getBuffer(), path);
}

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

namespace {
std::string getModelsDir() {
  if (const char *dir = std::getenv("STREAMTENSOR_MODELS_DIR"); dir && *dir)
    return dir;
  return STREAMTENSOR_MODELS_DIR;
}

std::string getConfigPath(StringRef dir, StringRef name) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name, "config.json");
  return path.str().str();
}
} // namespace

std::string streamtensor::model::findPreset(StringRef name) {
  // A name with a separator (or "..") would reach outside the folder; it is
  // no preset name.
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of("/\\") != StringRef::npos)
    return "";
  std::string path = getConfigPath(getModelsDir(), name);
  return llvm::sys::fs::is_regular_file(path) ? path : "";
}

std::vector<std::string> streamtensor::model::listPresets() {
  std::string dir = getModelsDir();
  std::vector<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    StringRef name = llvm::sys::path::filename(it->path());
    if (name.starts_with(".") ||
        !llvm::sys::fs::is_regular_file(getConfigPath(dir, name)))
      continue;
    names.push_back(name.str());
  }
  llvm::sort(names);
  return names;
}
