//===- ModelWeightsTest.cpp - Weight packing, quantisation and RoPE -------===//
//
// GoogleTest for lib/Frontend/ModelWeights.cpp: the per-row quantisation,
// the packing of a weight argument (row selection, float values, int8 and
// int4 values, scales) and the RoPE inverse frequencies.
// Expected values are worked out here by hand or from the definitions in
// the header, never with the code under test; the random weights of a
// preset (makeRandomWeights) are the source of truth for the values that
// packing rearranges.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Frontend/ModelWeights.h"
#include "streamtensor/Frontend/TransformerGraph.h"
#include "streamtensor/Model/ModelConfig.h"
#include "streamtensor/Model/ModelTensors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

using namespace streamtensor;
using namespace streamtensor::frontend;
using model::ModelConfig;
using model::TensorSpec;
using model::WeightRole;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// A shipped preset, or a failure (and nullopt) when it cannot be read.
std::optional<ModelConfig> loadPreset(llvm::StringRef name) {
  std::string path = model::findPreset(name);
  if (path.empty()) {
    ADD_FAILURE() << "no preset " << name.str();
    return std::nullopt;
  }
  llvm::Expected<ModelConfig> config = model::readModelConfig(path);
  if (!config) {
    ADD_FAILURE() << llvm::toString(config.takeError());
    return std::nullopt;
  }
  return std::move(*config);
}

/// The expected tensor of `role` in `layer`, looked up in the model's list
/// (not through WeightSource, which is under test).
std::optional<TensorSpec> findTensor(const ModelConfig &config, WeightRole role,
                                     int64_t layer) {
  for (const TensorSpec &spec : model::getExpectedTensors(config))
    if (spec.role == role && spec.layer == layer)
      return spec;
  return std::nullopt;
}

std::vector<float> asFloats(const std::string &bytes) {
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

std::vector<int8_t> asInt8s(const std::string &bytes) {
  return std::vector<int8_t>(bytes.begin(), bytes.end());
}

/// Rows `rows` of a row-major [*, columns] matrix, in that order.
std::vector<float> pickRows(const std::vector<float> &matrix, int64_t columns,
                            const std::vector<int64_t> &rows) {
  std::vector<float> picked;
  for (int64_t row : rows)
    for (int64_t column = 0; column < columns; ++column)
      picked.push_back(matrix[row * columns + column]);
  return picked;
}

/// The header's definition of the per-row quantisation, written out again:
/// float32 scale max|w| / qmax (1 for a zero row), then round half to even
/// (spelled out rather than left to the rounding mode) and clamp.
struct Reference {
  std::vector<int> values;
  std::vector<float> scales;
};

int roundHalfEven(float value) {
  float down = std::floor(value);
  float fraction = value - down;
  int result = int(down);
  if (fraction > 0.5f || (fraction == 0.5f && result % 2 != 0))
    ++result;
  return result;
}

Reference quantizeReference(const std::vector<float> &matrix, int64_t columns,
                            int qmax) {
  Reference reference;
  for (size_t start = 0; start < matrix.size(); start += columns) {
    float largest = 0;
    for (int64_t column = 0; column < columns; ++column)
      largest = std::max(largest, std::fabs(matrix[start + column]));
    float scale = largest == 0 ? 1.0f : largest / float(qmax);
    reference.scales.push_back(scale);
    for (int64_t column = 0; column < columns; ++column) {
      int value = roundHalfEven(matrix[start + column] / scale);
      reference.values.push_back(std::min(std::max(value, -qmax), qmax));
    }
  }
  return reference;
}

/// A nibble read as a two's complement int4.
int signExtendNibble(unsigned nibble) {
  return nibble >= 8 ? int(nibble) - 16 : int(nibble);
}

GraphArgument makeWeightArgument(WeightRole role, std::vector<int64_t> shape,
                                 std::vector<int64_t> rows, WeightForm form) {
  GraphArgument argument;
  argument.kind = ArgumentKind::Weight;
  argument.name = "test_argument";
  argument.shape = std::move(shape);
  argument.role = role;
  argument.rows = std::move(rows);
  argument.form = form;
  return argument;
}

constexpr uint64_t kSeed = 3;
constexpr const char *kQueryLayer0 = "model.layers.0.self_attn.q_proj.weight";

//===----------------------------------------------------------------------===//
// quantizeRows
//===----------------------------------------------------------------------===//

TEST(QuantizeRows, Int4RowsByHand) {
  // Row 0: max 7, so scale 1 and the quotients are the values: 2.5 and -2.5
  // go to the even 2 and -2, 3.5 and -3.5 to 4 and -4, 0.5 to 0, 1.5 to 2.
  // Row 1: max |-14| = 14 (a negative maximum), scale 2: 5 / 2 = 2.5 -> 2,
  // -3 / 2 = -1.5 -> -2, 7 / 2 = 3.5 -> 4, 1 / 2 = 0.5 -> 0.
  std::vector<float> values = {7, 2.5, 3.5, -2.5, -3.5, 0.5, 1.5,
                               5, -3,  7,   1,    -14,  0,   14};
  std::vector<int8_t> quantized;
  std::vector<float> scales;
  quantizeRows(values, 7, 7, quantized, scales);
  EXPECT_EQ(scales, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_EQ(quantized, (std::vector<int8_t>{7, 2, 4, -2, -4, 0, 2, //
                                            2, -2, 4, 0, -7, 0, 7}));
}

TEST(QuantizeRows, Int8RowsByHand) {
  // Scale 254 / 127 = 2: 1 / 2 = 0.5 -> 0, -3 / 2 = -1.5 -> -2,
  // 5 / 2 = 2.5 -> 2, 100 / 2 = 50, -254 / 2 = -127.
  std::vector<float> values = {254, 1, -3, 5, 100, -254};
  std::vector<int8_t> quantized;
  std::vector<float> scales;
  quantizeRows(values, 6, 127, quantized, scales);
  EXPECT_EQ(scales, (std::vector<float>{2.0f}));
  EXPECT_EQ(quantized, (std::vector<int8_t>{127, 0, -2, 2, 50, -127}));
}

TEST(QuantizeRows, ZeroRowHasScaleOneAndZeros) {
  // A zero row must not divide by zero: scale 1, all values 0 (-0 too).
  std::vector<float> values = {0, -0.0f, 0, 0, 1, -2, 3, 8};
  std::vector<int8_t> quantized;
  std::vector<float> scales;
  quantizeRows(values, 4, 7, quantized, scales);
  ASSERT_EQ(scales.size(), 2u);
  EXPECT_EQ(scales[0], 1.0f);
  EXPECT_EQ(scales[1], 8.0f / 7.0f);
  // 1 / (8/7) = 0.875 -> 1, -2 / (8/7) = -1.75 -> -2, 3 / (8/7) = 2.625 -> 3
  // (no ties here: 8/7 is inexact in float32).
  EXPECT_EQ(quantized, (std::vector<int8_t>{0, 0, 0, 0, 1, -2, 3, 7}));
}

TEST(QuantizeRows, LargestMagnitudeLandsExactlyOnTheClamp) {
  // With scale max / qmax the quotient of the largest element is qmax up to
  // a rounding error (127.00001 or 126.99999 for awkward maxima): it must
  // come out as exactly +-qmax and nothing may leave [-qmax, qmax]. (For
  // finite input the clamp is only ever reached at this boundary.)
  for (int qmax : {7, 127}) {
    for (float largest : {0.1f, 0.3f, 1e-7f, 3.14159f, 12345.678f, 1e30f}) {
      std::vector<float> values = {largest, -largest, largest * 0.999999f,
                                   -largest * 0.5f};
      std::vector<int8_t> quantized;
      std::vector<float> scales;
      quantizeRows(values, 4, qmax, quantized, scales);
      ASSERT_EQ(quantized.size(), 4u);
      EXPECT_EQ(int(quantized[0]), qmax) << largest;
      EXPECT_EQ(int(quantized[1]), -qmax) << largest;
      EXPECT_EQ(int(quantized[2]), qmax) << largest;
      EXPECT_LE(std::abs(int(quantized[3])), qmax) << largest;
      EXPECT_FLOAT_EQ(scales[0], largest / float(qmax));
    }
  }
}

TEST(QuantizeRows, NoRowsWithoutColumns) {
  std::vector<int8_t> quantized = {1, 2};
  std::vector<float> scales = {5};
  quantizeRows({}, 0, 7, quantized, scales);
  EXPECT_TRUE(quantized.empty());
  EXPECT_TRUE(scales.empty());
}

//===----------------------------------------------------------------------===//
// packArgument
//===----------------------------------------------------------------------===//

class PackArgumentTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::optional<ModelConfig> loaded = loadPreset("llama-tiny");
    ASSERT_TRUE(loaded);
    config = std::move(*loaded);
    // llama-tiny: hidden 64, 4 heads of 16, 2 key/value heads.
    ASSERT_EQ(config.hiddenSize, 64);
    std::optional<TensorSpec> spec =
        findTensor(config, WeightRole::QueryWeight, 0);
    ASSERT_TRUE(spec);
    ASSERT_EQ(spec->name, kQueryLayer0);
    ASSERT_EQ(spec->shape, (std::vector<int64_t>{64, 64}));
    query = model::makeRandomWeights(*spec, kSeed);
    ASSERT_EQ(query.size(), 64u * 64u);
    // Rows 1 then 0, as packed below.
    selected = pickRows(query, 64, {1, 0});
  }

  llvm::Expected<std::string> pack(const GraphArgument &argument, int64_t layer,
                                   const QuantizationScheme &scheme) {
    WeightSource source(config, std::nullopt, kSeed);
    return packArgument(source, argument, layer, scheme);
  }

  /// Packs or fails the test, returning "" then.
  std::string packOrFail(const GraphArgument &argument, int64_t layer,
                         const QuantizationScheme &scheme) {
    llvm::Expected<std::string> bytes = pack(argument, layer, scheme);
    if (!bytes) {
      ADD_FAILURE() << llvm::toString(bytes.takeError());
      return "";
    }
    return std::move(*bytes);
  }

  ModelConfig config;
  std::vector<float> query;
  std::vector<float> selected;
};

TEST_F(PackArgumentTest, ValuesAreTheSelectedRowsInOrder) {
  GraphArgument argument = makeWeightArgument(WeightRole::QueryWeight, {2, 64},
                                              {1, 0}, WeightForm::Values);
  std::string bytes = packOrFail(argument, 0, {});
  ASSERT_EQ(bytes.size(), 2u * 64u * sizeof(float));
  // Bit for bit: packing only moves values.
  EXPECT_EQ(std::memcmp(bytes.data(), selected.data(), bytes.size()), 0);
}

TEST_F(PackArgumentTest, EmptyRowsMeansTheWholeTensor) {
  GraphArgument argument = makeWeightArgument(WeightRole::QueryWeight, {64, 64},
                                              {}, WeightForm::Values);
  std::string bytes = packOrFail(argument, 0, {});
  ASSERT_EQ(bytes.size(), query.size() * sizeof(float));
  EXPECT_EQ(std::memcmp(bytes.data(), query.data(), bytes.size()), 0);
}

TEST_F(PackArgumentTest, LayerPicksTheLayersTensor) {
  // Layer 1 has its own q_proj (seeded by its name), so its bytes differ
  // from layer 0's.
  std::optional<TensorSpec> spec =
      findTensor(config, WeightRole::QueryWeight, 1);
  ASSERT_TRUE(spec);
  std::vector<float> expected =
      pickRows(model::makeRandomWeights(*spec, kSeed), 64, {1, 0});
  GraphArgument argument = makeWeightArgument(WeightRole::QueryWeight, {2, 64},
                                              {1, 0}, WeightForm::Values);
  std::string bytes = packOrFail(argument, 1, {});
  ASSERT_EQ(bytes.size(), expected.size() * sizeof(float));
  EXPECT_EQ(std::memcmp(bytes.data(), expected.data(), bytes.size()), 0);
  EXPECT_NE(expected, selected);
}

TEST_F(PackArgumentTest, GlobalTensorsIgnoreTheLayer) {
  // The embedding lives outside the layers (layer -1) whichever layer's
  // graph asks for it.
  std::optional<TensorSpec> spec =
      findTensor(config, WeightRole::TokenEmbedding, -1);
  ASSERT_TRUE(spec);
  std::vector<float> expected =
      pickRows(model::makeRandomWeights(*spec, kSeed), 64, {5, 255});
  GraphArgument argument = makeWeightArgument(
      WeightRole::TokenEmbedding, {2, 64}, {5, 255}, WeightForm::Values);
  std::string bytes = packOrFail(argument, 1, {});
  ASSERT_EQ(bytes.size(), expected.size() * sizeof(float));
  EXPECT_EQ(std::memcmp(bytes.data(), expected.data(), bytes.size()), 0);
}

TEST_F(PackArgumentTest, Int8ValuesFollowThePerRowQuantisation) {
  QuantizationScheme scheme;
  scheme.precision = Precision::W8A8;
  scheme.inputScales[kQueryLayer0] = 0.5f;
  GraphArgument argument = makeWeightArgument(WeightRole::QueryWeight, {2, 64},
                                              {1, 0}, WeightForm::Quantized);
  std::vector<int8_t> bytes = asInt8s(packOrFail(argument, 0, scheme));
  Reference reference = quantizeReference(selected, 64, 127);
  ASSERT_EQ(bytes.size(), reference.values.size());
  for (size_t index = 0; index < bytes.size(); ++index)
    EXPECT_EQ(int(bytes[index]), reference.values[index]) << index;
}

TEST_F(PackArgumentTest, Int4ValuesArePackedTwoPerByteLowNibbleFirst) {
  QuantizationScheme scheme;
  scheme.precision = Precision::W4A8;
  scheme.inputScales[kQueryLayer0] = 0.5f;
  GraphArgument argument = makeWeightArgument(WeightRole::QueryWeight, {2, 32},
                                              {1, 0}, WeightForm::Quantized);
  std::string bytes = packOrFail(argument, 0, scheme);
  Reference reference = quantizeReference(selected, 64, 7);
  // Half a byte per weight.
  ASSERT_EQ(bytes.size(), 64u);
  bool sawMaximum = false, sawNegative = false;
  for (size_t index = 0; index < bytes.size(); ++index) {
    unsigned byte = uint8_t(bytes[index]);
    int low = signExtendNibble(byte & 0xF);
    int high = signExtendNibble(byte >> 4);
    EXPECT_EQ(low, reference.values[2 * index]) << "byte " << index;
    EXPECT_EQ(high, reference.values[2 * index + 1]) << "byte " << index;
    sawMaximum |= std::abs(low) == 7 || std::abs(high) == 7;
    sawNegative |= low < 0 || high < 0;
  }
  // The row maxima reach +-7 and random weights have negative values: both
  // nibble signs and the full range are exercised.
  EXPECT_TRUE(sawMaximum);
  EXPECT_TRUE(sawNegative);
}

TEST_F(PackArgumentTest, InputScaleIsRepeatedOverTheInput) {
  QuantizationScheme scheme;
  scheme.precision = Precision::W4A8;
  scheme.inputScales[kQueryLayer0] = 0.375f;
  // [32, 2]: hidden split into byte pairs, as a w4a8 graph declares it.
  GraphArgument argument = makeWeightArgument(WeightRole::QueryWeight, {32, 2},
                                              {}, WeightForm::InputScale);
  std::vector<float> scales = asFloats(packOrFail(argument, 0, scheme));
  EXPECT_EQ(scales, std::vector<float>(64, 0.375f));
}

TEST_F(PackArgumentTest, OutputScaleIsInputScaleTimesRowScale) {
  for (Precision precision : {Precision::W8A8, Precision::W4A8}) {
    int qmax = precision == Precision::W4A8 ? 7 : 127;
    QuantizationScheme scheme;
    scheme.precision = precision;
    scheme.inputScales[kQueryLayer0] = 0.25f;
    GraphArgument argument = makeWeightArgument(
        WeightRole::QueryWeight, {2}, {1, 0}, WeightForm::OutputScale);
    std::vector<float> scales = asFloats(packOrFail(argument, 0, scheme));
    ASSERT_EQ(scales.size(), 2u);
    for (int row = 0; row < 2; ++row) {
      float largest = 0;
      for (int column = 0; column < 64; ++column)
        largest = std::max(largest, std::fabs(selected[row * 64 + column]));
      EXPECT_FLOAT_EQ(scales[row], 0.25f * (largest / float(qmax)))
          << "row " << row << " qmax " << qmax;
    }
  }
}

TEST_F(PackArgumentTest, PaddingRowsAreZeroWeightsAfterTheSelected) {
  // The LM head's rows past the vocabulary: zeros in every form, quantised
  // to 0 with a unit row scale.
  GraphArgument values = makeWeightArgument(WeightRole::QueryWeight, {5, 64},
                                            {1, 0}, WeightForm::Values);
  values.paddingRows = 3;
  std::vector<float> floats = asFloats(packOrFail(values, 0, {}));
  ASSERT_EQ(floats.size(), 5u * 64u);
  EXPECT_EQ(std::vector<float>(floats.begin(), floats.begin() + 128), selected);
  EXPECT_EQ(std::vector<float>(floats.begin() + 128, floats.end()),
            std::vector<float>(3 * 64, 0.0f));

  QuantizationScheme scheme;
  scheme.precision = Precision::W4A8;
  scheme.inputScales[kQueryLayer0] = 0.5f;
  GraphArgument quantized = makeWeightArgument(
      WeightRole::QueryWeight, {5, 32}, {1, 0}, WeightForm::Quantized);
  quantized.paddingRows = 3;
  std::string bytes = packOrFail(quantized, 0, scheme);
  ASSERT_EQ(bytes.size(), 5u * 32u);
  EXPECT_EQ(bytes.substr(64), std::string(3 * 32, '\0'));
  GraphArgument scales = makeWeightArgument(
      WeightRole::QueryWeight, {5}, {1, 0}, WeightForm::OutputScale);
  scales.paddingRows = 3;
  std::vector<float> rowScales = asFloats(packOrFail(scales, 0, scheme));
  ASSERT_EQ(rowScales.size(), 5u);
  for (int row = 2; row < 5; ++row)
    EXPECT_EQ(rowScales[row], 0.5f) << "row " << row;
}

TEST_F(PackArgumentTest, MissingInputScaleNamesTheLayer) {
  QuantizationScheme scheme;
  scheme.precision = Precision::W8A8;
  // A scale for another layer does not count.
  scheme.inputScales["model.layers.0.self_attn.k_proj.weight"] = 1.0f;
  for (WeightForm form : {WeightForm::Quantized, WeightForm::InputScale,
                          WeightForm::OutputScale}) {
    GraphArgument argument =
        makeWeightArgument(WeightRole::QueryWeight, {2, 64}, {1, 0}, form);
    llvm::Expected<std::string> bytes = pack(argument, 1, scheme);
    ASSERT_FALSE(bytes);
    std::string message = llvm::toString(bytes.takeError());
    EXPECT_NE(message.find("model.layers.1.self_attn.q_proj.weight"),
              std::string::npos)
        << message;
  }
}

TEST_F(PackArgumentTest, FloatValuesNeedNoScale) {
  // Values are float32 whatever the scheme: no calibration is looked up.
  QuantizationScheme scheme;
  scheme.precision = Precision::W4A8;
  GraphArgument argument = makeWeightArgument(WeightRole::QueryWeight, {2, 64},
                                              {1, 0}, WeightForm::Values);
  llvm::Expected<std::string> bytes = pack(argument, 0, scheme);
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
}

TEST_F(PackArgumentTest, RoleTheModelLacksIsAnError) {
  // llama has RoPE, no learned positions.
  GraphArgument argument = makeWeightArgument(WeightRole::PositionEmbedding,
                                              {64, 64}, {}, WeightForm::Values);
  argument.name = "positions";
  llvm::Expected<std::string> bytes = pack(argument, 0, {});
  ASSERT_FALSE(bytes);
  std::string message = llvm::toString(bytes.takeError());
  EXPECT_NE(message.find("'positions'"), std::string::npos) << message;
}

TEST(PackArgumentGpt2, FusedQkvRowsAreColumnsOfTheStoredTensor) {
  std::optional<ModelConfig> config = loadPreset("gpt2-tiny");
  ASSERT_TRUE(config);
  ASSERT_EQ(config->hiddenSize, 64);
  std::optional<TensorSpec> spec =
      findTensor(*config, WeightRole::FusedQKVWeight, 0);
  ASSERT_TRUE(spec);
  // Conv1D: stored [in, out] = [64, 3 * 64].
  ASSERT_TRUE(spec->transposed);
  ASSERT_EQ(spec->shape, (std::vector<int64_t>{64, 192}));
  std::vector<float> stored = model::makeRandomWeights(*spec, kSeed);

  // A q row, a k row (offset 64) and the last v row, out of order.
  std::vector<int64_t> rows = {69, 0, 191};
  std::vector<float> expected;
  for (int64_t row : rows)
    for (int64_t in = 0; in < 64; ++in)
      expected.push_back(stored[in * 192 + row]);

  WeightSource source(*config, std::nullopt, kSeed);
  GraphArgument argument = makeWeightArgument(
      WeightRole::FusedQKVWeight, {3, 64}, rows, WeightForm::Values);
  llvm::Expected<std::string> bytes = packArgument(source, argument, 0, {});
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  EXPECT_EQ(asFloats(*bytes), expected);

  // q, k and v are three arguments over one stored tensor, packed one after
  // the other from one source: the second read must give the same matrix.
  GraphArgument key = makeWeightArgument(WeightRole::FusedQKVWeight, {1, 64},
                                         {64}, WeightForm::Values);
  llvm::Expected<std::string> keyBytes = packArgument(source, key, 0, {});
  ASSERT_TRUE(bool(keyBytes)) << llvm::toString(keyBytes.takeError());
  std::vector<float> keyRow;
  for (int64_t in = 0; in < 64; ++in)
    keyRow.push_back(stored[in * 192 + 64]);
  EXPECT_EQ(asFloats(*keyBytes), keyRow);

  // The quantised form quantises the [out, in] rows, not the stored ones:
  // the output scale of row r comes from column r.
  QuantizationScheme scheme;
  scheme.precision = Precision::W8A8;
  scheme.inputScales[spec->name] = 1.0f;
  GraphArgument scaleArgument = makeWeightArgument(
      WeightRole::FusedQKVWeight, {3}, rows, WeightForm::OutputScale);
  llvm::Expected<std::string> scaleBytes =
      packArgument(source, scaleArgument, 0, scheme);
  ASSERT_TRUE(bool(scaleBytes)) << llvm::toString(scaleBytes.takeError());
  std::vector<float> scales = asFloats(*scaleBytes);
  ASSERT_EQ(scales.size(), 3u);
  for (size_t index = 0; index < rows.size(); ++index) {
    float largest = 0;
    for (int64_t in = 0; in < 64; ++in)
      largest = std::max(largest, std::fabs(stored[in * 192 + rows[index]]));
    EXPECT_FLOAT_EQ(scales[index], largest / 127.0f) << "row " << rows[index];
  }
}

//===----------------------------------------------------------------------===//
// packArgument over whole graph signatures
//===----------------------------------------------------------------------===//

/// Every weight argument of every graph of the tiny presets packs to exactly
/// the bytes its shape and element type take: what the DMAs will read.
TEST(PackArgumentSignatures, EveryWeightArgumentFillsItsShape) {
  mlir::MLIRContext context;
  context.loadDialect<mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                      mlir::arith::ArithDialect, mlir::math::MathDialect,
                      mlir::tensor::TensorDialect>();
  for (const char *preset :
       {"gpt2-tiny", "llama-tiny", "qwen2-tiny", "gemma3-tiny"}) {
    std::optional<ModelConfig> config = loadPreset(preset);
    ASSERT_TRUE(config);
    QuantizationScheme scales;
    for (const TensorSpec &spec : model::getExpectedTensors(*config))
      scales.inputScales[spec.name] = 0.5f;
    scales.inputScales["lm_head.weight"] = 0.5f;
    for (Precision precision :
         {Precision::FP32, Precision::W8A8, Precision::W4A8}) {
      QuantizationScheme scheme = scales;
      scheme.precision = precision;
      for (GraphKind kind :
           {GraphKind::Prefill, GraphKind::Decode, GraphKind::LMHead}) {
        mlir::OwningOpRef<mlir::ModuleOp> module =
            mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
        GraphSignature signature;
        buildTransformerGraph(*module, *config, kind, 4, 16, precision,
                              /*groupSize=*/0, signature);
        WeightSource source(*config, std::nullopt, kSeed);
        for (const GraphArgument &argument : signature.arguments) {
          if (argument.kind != ArgumentKind::Weight)
            continue;
          int64_t elements = 1;
          for (int64_t size : argument.shape)
            elements *= size;
          int64_t layer = config->numLayers - 1;
          llvm::Expected<std::string> bytes =
              packArgument(source, argument, layer, scheme);
          ASSERT_TRUE(bool(bytes))
              << preset << " " << signature.function << " " << argument.name
              << ": " << llvm::toString(bytes.takeError());
          EXPECT_EQ(int64_t(bytes->size()),
                    elements * argument.getElementBytes())
              << preset << " " << signature.function << " " << argument.name;
        }
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// getRopeInverseFrequencies
//===----------------------------------------------------------------------===//

void expectRelativelyNear(const std::vector<float> &actual,
                          const std::vector<double> &expected,
                          double tolerance) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t index = 0; index < actual.size(); ++index)
    EXPECT_NEAR(double(actual[index]), expected[index],
                tolerance * std::fabs(expected[index]))
        << "pair " << index;
}

ModelConfig makeRopeConfig(int64_t headDim) {
  ModelConfig config;
  config.family = model::ModelFamily::Llama;
  config.headDim = headDim;
  return config;
}

TEST(RopeInverseFrequencies, PlainThetaTenThousand) {
  ModelConfig config = makeRopeConfig(8);
  // 1 / 10000^(2i / 8): 1, 0.1, 0.01, 0.001.
  std::vector<double> expected;
  for (int i = 0; i < 4; ++i)
    expected.push_back(1.0 / std::pow(10000.0, 2.0 * i / 8.0));
  EXPECT_DOUBLE_EQ(expected[1], 0.1);
  expectRelativelyNear(getRopeInverseFrequencies(config, 10000.0, true),
                       expected, 1e-6);
  // The theta passed in, not the config's, is the base (gemma's local
  // layers use another).
  config.ropeTheta = 500000.0;
  expectRelativelyNear(getRopeInverseFrequencies(config, 10000.0, false),
                       expected, 1e-6);
}

TEST(RopeInverseFrequencies, LinearScalingDividesAll) {
  ModelConfig config = makeRopeConfig(8);
  config.ropeScaling.type = "linear";
  config.ropeScaling.factor = 4.0;
  std::vector<double> plain, scaled;
  for (int i = 0; i < 4; ++i) {
    plain.push_back(1.0 / std::pow(10000.0, 2.0 * i / 8.0));
    scaled.push_back(plain.back() / 4.0);
  }
  expectRelativelyNear(getRopeInverseFrequencies(config, 10000.0, true), scaled,
                       1e-6);
  // Unscaled on request (the scaling does not apply to every layer).
  expectRelativelyNear(getRopeInverseFrequencies(config, 10000.0, false), plain,
                       1e-6);
}

TEST(RopeInverseFrequencies, Llama3ScalingHasThreeRegimes) {
  ModelConfig config = makeRopeConfig(64);
  config.ropeScaling.type = "llama3";
  config.ropeScaling.factor = 8.0;
  config.ropeScaling.lowFreqFactor = 1.0;
  config.ropeScaling.highFreqFactor = 4.0;
  config.ropeScaling.originalMaxPositions = 8192;
  double theta = 500000.0;

  // HuggingFace _compute_llama3_parameters: wavelengths below
  // 8192 / 4 = 2048 keep their frequency, those above 8192 / 1 = 8192 are
  // divided by 8, and in between the frequency is interpolated with
  // smooth = (8192 / wavelength - 1) / (4 - 1).
  const double pi = 3.14159265358979323846;
  std::vector<double> expected;
  int kept = 0, slowed = 0, interpolated = 0;
  for (int i = 0; i < 32; ++i) {
    double frequency = 1.0 / std::pow(theta, 2.0 * i / 64.0);
    double wavelength = 2 * pi / frequency;
    if (wavelength < 2048.0) {
      expected.push_back(frequency);
      ++kept;
    } else if (wavelength > 8192.0) {
      expected.push_back(frequency / 8.0);
      ++slowed;
    } else {
      double smooth = (8192.0 / wavelength - 1.0) / (4.0 - 1.0);
      expected.push_back((1 - smooth) * frequency / 8.0 + smooth * frequency);
      ++interpolated;
    }
  }
  // Pairs 0-14 are kept, 15-17 interpolated, 18-31 slowed: all three
  // regimes are exercised.
  EXPECT_EQ(kept, 15);
  EXPECT_EQ(interpolated, 3);
  EXPECT_EQ(slowed, 14);
  expectRelativelyNear(getRopeInverseFrequencies(config, theta, true), expected,
                       1e-6);

  // Unscaled, the same pairs without the rope_scaling.
  std::vector<double> plain;
  for (int i = 0; i < 32; ++i)
    plain.push_back(1.0 / std::pow(theta, 2.0 * i / 64.0));
  expectRelativelyNear(getRopeInverseFrequencies(config, theta, false), plain,
                       1e-6);
}

} // namespace

//===----------------------------------------------------------------------===//
// Tile packing
//===----------------------------------------------------------------------===//

namespace {

/// A [4, 6] tensor of bytes 0..23 (row-major), packed into [2, 3] tiles.
std::vector<int> packIota(llvm::ArrayRef<int64_t> order) {
  std::string bytes;
  for (int value = 0; value < 24; ++value)
    bytes.push_back(char(value));
  std::string packed = streamtensor::frontend::packTiles(bytes, 1, {4, 6},
                                                         {2, 3}, order);
  return std::vector<int>(packed.begin(), packed.end());
}

} // namespace

TEST(PackTiles, TilesInRowOrder) {
  // Tiles (0,0) (0,1) (1,0) (1,1), each row-major, written out by hand.
  EXPECT_EQ(packIota({0, 1}),
            (std::vector<int>{0,  1,  2,  6,  7,  8,  3,  4,  5,  9,  10, 11,
                              12, 13, 14, 18, 19, 20, 15, 16, 17, 21, 22, 23}));
}

TEST(PackTiles, TilesInColumnOrder) {
  // The column of tiles varies slowest: (0,0) (1,0) (0,1) (1,1).
  EXPECT_EQ(packIota({1, 0}),
            (std::vector<int>{0, 1,  2,  6,  7,  8,  12, 13, 14, 18, 19, 20,
                              3, 4,  5,  9,  10, 11, 15, 16, 17, 21, 22, 23}));
}

TEST(PackTiles, WholeTensorTileIsTheIdentity) {
  EXPECT_EQ(streamtensor::frontend::packTiles("abcdef", 1, {2, 3}, {2, 3},
                                              {0, 1}),
            "abcdef");
}

TEST(PackTiles, MovesWholeElements) {
  // Four-byte elements of a [2, 2] tensor in [1, 2] tiles, columns first:
  // the same rows, since each tile is a whole row.
  std::string bytes = "AAAABBBBCCCCDDDD";
  EXPECT_EQ(streamtensor::frontend::packTiles(bytes, 4, {2, 2}, {1, 2},
                                              {1, 0}),
            bytes);
  // [2, 1] tiles: the columns, one after the other.
  EXPECT_EQ(streamtensor::frontend::packTiles(bytes, 4, {2, 2}, {2, 1},
                                              {1, 0}),
            "AAAACCCCBBBBDDDD");
}

TEST(ExtractStripe, TakesEveryCountthChunk) {
  // Chunks ab cd ef gh ij kl over three stripes, written out by hand.
  EXPECT_EQ(streamtensor::frontend::extractStripe("abcdefghijkl", 0, 3, 2),
            "abgh");
  EXPECT_EQ(streamtensor::frontend::extractStripe("abcdefghijkl", 1, 3, 2),
            "cdij");
  EXPECT_EQ(streamtensor::frontend::extractStripe("abcdefghijkl", 2, 3, 2),
            "efkl");
}

TEST(ExtractStripe, RefusesPartRounds) {
  // 10 bytes are not whole rounds of 3 chunks of 2.
  EXPECT_EQ(streamtensor::frontend::extractStripe("abcdefghij", 0, 3, 2), "");
}
