//===- TransformerGraphTest.cpp - Block and LM-head graphs of the presets -===//
//
// GoogleTest for lib/Frontend/TransformerGraph.cpp and TensorGraph.cpp: the
// functions built for the tiny presets verify, and their signatures (what
// the host program and the weight packing rely on) agree with the function
// and with shapes worked out by hand from the presets' config.json:
//
//   llama-tiny   hidden 64, 4 heads of 16, 2 kv heads, MLP 128, RoPE
//   gpt2-tiny    hidden 64, 4 heads of 16, learned positions, fused c_attn
//   gemma3-tiny  hidden 64, 4 heads of 32, 1 kv head, tied embeddings
//   vocabulary 256 for all.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Frontend/TransformerGraph.h"
#include "streamtensor/Frontend/TensorGraph.h"
#include "streamtensor/Model/ModelConfig.h"
#include "streamtensor/Model/ModelTensors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include "gtest/gtest.h"

#include <optional>
#include <string>
#include <vector>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::frontend;
using model::ModelConfig;
using model::WeightRole;
using Shape = std::vector<int64_t>;

namespace {

class TransformerGraphTest : public ::testing::Test {
protected:
  TransformerGraphTest() {
    context.loadDialect<func::FuncDialect, linalg::LinalgDialect,
                        arith::ArithDialect, math::MathDialect,
                        tensor::TensorDialect>();
  }

  /// A shipped preset; fails the test (and gives nullopt) when unreadable.
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

  /// Builds the graph of `kind` into a fresh module, and checks what every
  /// graph must satisfy: the module verifies, and the function's arguments
  /// and results are, one for one, those of the signature (shape, and i8
  /// exactly for the quantised weights and nibble shifts).
  func::FuncOp build(const ModelConfig &config, GraphKind kind, int64_t tokens,
                     int64_t maxLen, Precision precision) {
    module = ModuleOp::create(UnknownLoc::get(&context));
    func::FuncOp function = buildTransformerGraph(
        *module, config, kind, tokens, maxLen, precision, /*groupSize=*/0,
        signature);
    EXPECT_TRUE(succeeded(verify(*module)));
    EXPECT_EQ(function.getName(), getGraphName(kind));
    EXPECT_EQ(signature.function, getGraphName(kind).str());
    EXPECT_EQ(signature.kind, kind);

    FunctionType type = function.getFunctionType();
    EXPECT_EQ(type.getNumInputs(), signature.arguments.size());
    for (unsigned index = 0;
         index <
         std::min<size_t>(type.getNumInputs(), signature.arguments.size());
         ++index) {
      const GraphArgument &argument = signature.arguments[index];
      if (argument.isScalar()) {
        EXPECT_TRUE(type.getInput(index).isSignlessInteger(32))
            << argument.name;
        EXPECT_TRUE(argument.shape.empty()) << argument.name;
        continue;
      }
      auto tensor = dyn_cast<RankedTensorType>(type.getInput(index));
      if (!tensor) {
        ADD_FAILURE() << argument.name << " is no ranked tensor";
        continue;
      }
      EXPECT_EQ(Shape(tensor.getShape()), argument.shape) << argument.name;
      bool bytes = argument.kind == ArgumentKind::Weight &&
                   argument.form == WeightForm::Quantized;
      if (bytes)
        EXPECT_TRUE(tensor.getElementType().isInteger(8)) << argument.name;
      else if (argument.kind == ArgumentKind::Tokens)
        EXPECT_TRUE(tensor.getElementType().isSignlessInteger(32))
            << argument.name;
      else
        EXPECT_TRUE(tensor.getElementType().isF32()) << argument.name;
      EXPECT_EQ(argument.getElementBytes(), bytes ? 1 : 4) << argument.name;
    }
    EXPECT_EQ(type.getNumResults(), signature.results.size());
    for (unsigned index = 0; index < std::min<size_t>(type.getNumResults(),
                                                      signature.results.size());
         ++index) {
      auto tensor = dyn_cast<RankedTensorType>(type.getResult(index));
      if (!tensor) {
        ADD_FAILURE() << signature.results[index].name
                      << " is no ranked tensor";
        continue;
      }
      EXPECT_EQ(Shape(tensor.getShape()), signature.results[index].shape)
          << signature.results[index].name;
      EXPECT_TRUE(tensor.getElementType().isF32())
          << signature.results[index].name;
    }
    return function;
  }

  std::vector<const GraphArgument *> argumentsOf(ArgumentKind kind) const {
    std::vector<const GraphArgument *> found;
    for (const GraphArgument &argument : signature.arguments)
      if (argument.kind == kind)
        found.push_back(&argument);
    return found;
  }

  std::vector<const GraphResult *> resultsOf(ResultKind kind) const {
    std::vector<const GraphResult *> found;
    for (const GraphResult &result : signature.results)
      if (result.kind == kind)
        found.push_back(&result);
    return found;
  }

  const GraphArgument *findArgument(llvm::StringRef name) const {
    for (const GraphArgument &argument : signature.arguments)
      if (argument.name == name)
        return &argument;
    return nullptr;
  }

  std::vector<const GraphArgument *> weightsOf(WeightRole role) const {
    std::vector<const GraphArgument *> found;
    for (const GraphArgument &argument : signature.arguments)
      if (argument.kind == ArgumentKind::Weight && argument.role == role)
        found.push_back(&argument);
    return found;
  }

  /// The shape of the only argument of `kind`, or a failure.
  Shape onlyShape(ArgumentKind kind) const {
    std::vector<const GraphArgument *> found = argumentsOf(kind);
    if (found.size() != 1) {
      ADD_FAILURE() << found.size() << " arguments of kind " << int(kind);
      return {};
    }
    return found.front()->shape;
  }

  /// Rows of head part `part` of a q/k/v weight: head-major, `partSize`
  /// consecutive rows per head starting at part * partSize, after `offset`.
  static std::vector<int64_t> headRows(int64_t heads, int64_t headDim,
                                       int64_t partSize, int part,
                                       int64_t offset) {
    std::vector<int64_t> rows;
    for (int64_t head = 0; head < heads; ++head)
      for (int64_t e = 0; e < partSize; ++e)
        rows.push_back(offset + head * headDim + part * partSize + e);
    return rows;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  GraphSignature signature;
};

//===----------------------------------------------------------------------===//
// Decode and prefill blocks
//===----------------------------------------------------------------------===//

TEST_F(TransformerGraphTest, LlamaDecodeFp32Signature) {
  std::optional<ModelConfig> config = loadPreset("llama-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Decode, /*tokens=*/1, /*maxLen=*/16,
        Precision::FP32);
  EXPECT_EQ(signature.tokens, 1);
  EXPECT_EQ(signature.keys, 16);
  EXPECT_EQ(signature.parts, 2);

  EXPECT_EQ(onlyShape(ArgumentKind::Hidden), (Shape{1, 64}));
  // The position is a runtime scalar; the kernel computes the RoPE angles
  // from it and the head_dim / 2 = 8 inverse frequencies, and the mask.
  EXPECT_EQ(onlyShape(ArgumentKind::Position), (Shape{}));
  EXPECT_TRUE(findArgument("position")->isScalar());
  EXPECT_EQ(onlyShape(ArgumentKind::RopeInverseFrequencies), (Shape{8}));
  EXPECT_TRUE(argumentsOf(ArgumentKind::Window).empty());
  // The function takes the position as an i32 value.
  auto function = module->lookupSymbol<func::FuncOp>("block_decode");
  ASSERT_TRUE(function);
  unsigned positionIndex =
      unsigned(findArgument("position") - signature.arguments.data());
  EXPECT_TRUE(function.getArgumentTypes()[positionIndex].isSignlessInteger(32));
  // The cache in two halves of head_dim, [max_len, kv_heads, 8] each: one
  // argument per part.
  std::vector<const GraphArgument *> keys = argumentsOf(ArgumentKind::KeyCache);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_NE(keys[0]->part, keys[1]->part);
  for (const GraphArgument *key : keys) {
    EXPECT_TRUE(key->part == 0 || key->part == 1) << key->part;
    EXPECT_EQ(key->shape, (Shape{16, 2, 8})) << key->name;
  }
  EXPECT_EQ(onlyShape(ArgumentKind::ValueCache), (Shape{16, 2, 16}));

  std::vector<const GraphResult *> hidden = resultsOf(ResultKind::Hidden);
  ASSERT_EQ(hidden.size(), 1u);
  EXPECT_EQ(hidden[0]->shape, (Shape{1, 64}));
  // Decode's new key and value rows are written into the caches in place:
  // the results are the whole caches.
  std::vector<const GraphResult *> newKeys = resultsOf(ResultKind::NewKey);
  ASSERT_EQ(newKeys.size(), 2u);
  EXPECT_NE(newKeys[0]->part, newKeys[1]->part);
  for (const GraphResult *key : newKeys)
    EXPECT_EQ(key->shape, (Shape{16, 2, 8})) << key->name;
  std::vector<const GraphResult *> values = resultsOf(ResultKind::NewValue);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0]->shape, (Shape{16, 2, 16}));
  EXPECT_TRUE(resultsOf(ResultKind::Logits).empty());

  // fp32: every weight is float values.
  for (const GraphArgument &argument : signature.arguments) {
    if (argument.kind == ArgumentKind::Weight) {
      EXPECT_EQ(argument.form, WeightForm::Values) << argument.name;
    }
  }
}

TEST_F(TransformerGraphTest, LlamaDecodeWeightRowsAndShapes) {
  std::optional<ModelConfig> config = loadPreset("llama-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Decode, 1, 16, Precision::FP32);

  // q_proj in halves: [kv heads 2, query heads per kv head 2, 8, hidden 64],
  // rows h * 16 + part * 8 + e of the [64, 64] weight.
  struct Expected {
    const char *name;
    WeightRole role;
    Shape shape;
    std::vector<int64_t> rows;
  };
  std::vector<Expected> expected = {
      {"q_proj.a",
       WeightRole::QueryWeight,
       {2, 2, 8, 64},
       headRows(4, 16, 8, 0, 0)},
      {"q_proj.b",
       WeightRole::QueryWeight,
       {2, 2, 8, 64},
       headRows(4, 16, 8, 1, 0)},
      {"k_proj.a", WeightRole::KeyWeight, {2, 8, 64}, headRows(2, 16, 8, 0, 0)},
      {"k_proj.b", WeightRole::KeyWeight, {2, 8, 64}, headRows(2, 16, 8, 1, 0)},
      {"v_proj",
       WeightRole::ValueWeight,
       {2, 16, 64},
       headRows(2, 16, 16, 0, 0)},
      {"o_proj", WeightRole::OutputWeight, {64, 2, 2, 16}, {}},
      {"gate_proj", WeightRole::GateWeight, {128, 64}, {}},
      {"up_proj", WeightRole::UpWeight, {128, 64}, {}},
      {"down_proj", WeightRole::DownWeight, {64, 128}, {}},
      {"attention_norm", WeightRole::AttentionNormWeight, {64}, {}},
      {"mlp_norm", WeightRole::MlpNormWeight, {64}, {}},
  };
  for (const Expected &weight : expected) {
    const GraphArgument *argument = findArgument(weight.name);
    ASSERT_TRUE(argument) << weight.name;
    EXPECT_EQ(argument->kind, ArgumentKind::Weight) << weight.name;
    EXPECT_EQ(argument->role, weight.role) << weight.name;
    EXPECT_EQ(argument->shape, weight.shape) << weight.name;
    EXPECT_EQ(argument->rows, weight.rows) << weight.name;
  }
  // 11 weights (no biases in llama), the hidden state, the position, the
  // RoPE inverse frequencies and three caches.
  EXPECT_EQ(signature.arguments.size(), 17u);
}

TEST_F(TransformerGraphTest, LlamaPrefillAttendsAmongItsTokens) {
  std::optional<ModelConfig> config = loadPreset("llama-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Prefill, /*tokens=*/4, /*maxLen=*/16,
        Precision::FP32);
  EXPECT_EQ(signature.tokens, 4);
  EXPECT_EQ(signature.keys, 4);
  EXPECT_EQ(onlyShape(ArgumentKind::Hidden), (Shape{4, 64}));
  // Positions 0 to 3: no position argument, the causal mask and the RoPE
  // angles come from the token index.
  EXPECT_TRUE(argumentsOf(ArgumentKind::Position).empty());
  EXPECT_EQ(onlyShape(ArgumentKind::RopeInverseFrequencies), (Shape{8}));
  // No cache: keys and values come from the tokens themselves.
  EXPECT_TRUE(argumentsOf(ArgumentKind::KeyCache).empty());
  EXPECT_TRUE(argumentsOf(ArgumentKind::ValueCache).empty());
  for (const GraphResult *key : resultsOf(ResultKind::NewKey))
    EXPECT_EQ(key->shape, (Shape{4, 2, 8})) << key->name;
  EXPECT_EQ(resultsOf(ResultKind::NewKey).size(), 2u);
  ASSERT_EQ(resultsOf(ResultKind::NewValue).size(), 1u);
  EXPECT_EQ(resultsOf(ResultKind::NewValue)[0]->shape, (Shape{4, 2, 16}));
}

TEST_F(TransformerGraphTest, Gpt2DecodeHasNoRopeAndOneKeyPart) {
  std::optional<ModelConfig> config = loadPreset("gpt2-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Decode, 1, 16, Precision::FP32);
  EXPECT_EQ(signature.parts, 1);
  EXPECT_TRUE(argumentsOf(ArgumentKind::RopeInverseFrequencies).empty());
  EXPECT_EQ(onlyShape(ArgumentKind::Position), (Shape{}));
  // Whole head_dim keys: [16, 4 heads, 16].
  std::vector<const GraphArgument *> keys = argumentsOf(ArgumentKind::KeyCache);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]->part, 0);
  EXPECT_EQ(keys[0]->shape, (Shape{16, 4, 16}));
  EXPECT_EQ(onlyShape(ArgumentKind::ValueCache), (Shape{16, 4, 16}));
  std::vector<const GraphResult *> newKeys = resultsOf(ResultKind::NewKey);
  ASSERT_EQ(newKeys.size(), 1u);
  EXPECT_EQ(newKeys[0]->shape, (Shape{16, 4, 16}));
  // Positions are added to the embedding on the host, not in the block.
  EXPECT_TRUE(weightsOf(WeightRole::PositionEmbedding).empty());

  // q, k and v are rows of the one c_attn (out = 3 * 64), at offsets 0, 64
  // and 128, with their biases selected alike.
  struct Expected {
    const char *name;
    int64_t offset;
  };
  for (Expected projection : {Expected{"q_proj", 0}, Expected{"k_proj", 64},
                              Expected{"v_proj", 128}}) {
    std::vector<int64_t> rows = headRows(4, 16, 16, 0, projection.offset);
    const GraphArgument *weight = findArgument(projection.name);
    ASSERT_TRUE(weight) << projection.name;
    EXPECT_EQ(weight->role, WeightRole::FusedQKVWeight);
    EXPECT_EQ(weight->rows, rows) << projection.name;
    std::string biasName = std::string(projection.name) + ".bias";
    const GraphArgument *bias = findArgument(biasName);
    ASSERT_TRUE(bias) << biasName;
    EXPECT_EQ(bias->role, WeightRole::FusedQKVBias);
    EXPECT_EQ(bias->rows, rows) << biasName;
  }
  // LayerNorm biases and gpt2's output biases are there.
  EXPECT_EQ(weightsOf(WeightRole::AttentionNormBias).size(), 1u);
  EXPECT_EQ(weightsOf(WeightRole::OutputBias).size(), 1u);
  EXPECT_EQ(weightsOf(WeightRole::UpBias).size(), 1u);
  EXPECT_EQ(weightsOf(WeightRole::DownBias).size(), 1u);
}

// A LayerNorm's sum and sum of squares both read the row itself, so that
// they run side by side: the squares of x - mean would wait for the mean.
TEST_F(TransformerGraphTest, LayerNormTakesBothStatisticsFromTheRow) {
  std::optional<ModelConfig> config = loadPreset("gpt2-tiny");
  ASSERT_TRUE(config);
  func::FuncOp function =
      build(*config, GraphKind::Decode, 1, 16, Precision::FP32);
  std::vector<const GraphArgument *> hidden = argumentsOf(ArgumentKind::Hidden);
  ASSERT_EQ(hidden.size(), 1u);
  unsigned index = unsigned(hidden[0] - signature.arguments.data());
  // The block's input and its reshapes.
  SmallVector<Value> rows{function.getArgument(index)};
  for (size_t next = 0; next < rows.size(); ++next)
    for (Operation *user : rows[next].getUsers())
      if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(user))
        rows.push_back(user->getResult(0));
  int reductionsOfTheRow = 0;
  function.walk([&](linalg::GenericOp op) {
    bool reduces = op.getNumReductionLoops() > 0;
    bool readsTheRow = llvm::any_of(op.getDpsInputs(), [&](Value input) {
      return llvm::is_contained(rows, input);
    });
    if (reduces && readsTheRow)
      ++reductionsOfTheRow;
  });
  EXPECT_EQ(reductionsOfTheRow, 2);
}

TEST_F(TransformerGraphTest, GemmaDecodeDropsTheSingleKvHead) {
  std::optional<ModelConfig> config = loadPreset("gemma3-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Decode, 1, 16, Precision::FP32);
  EXPECT_EQ(signature.parts, 2);
  // One kv head: its unit dimension is dropped, [max_len, 16] per part.
  std::vector<const GraphArgument *> keys = argumentsOf(ArgumentKind::KeyCache);
  ASSERT_EQ(keys.size(), 2u);
  for (const GraphArgument *key : keys)
    EXPECT_EQ(key->shape, (Shape{16, 16})) << key->name;
  EXPECT_EQ(onlyShape(ArgumentKind::ValueCache), (Shape{16, 32}));
  EXPECT_EQ(onlyShape(ArgumentKind::RopeInverseFrequencies), (Shape{16}));
  // Sliding-window layers: the window is a runtime scalar too (the host
  // passes each layer's).
  EXPECT_EQ(onlyShape(ArgumentKind::Window), (Shape{}));
  for (const GraphResult *key : resultsOf(ResultKind::NewKey))
    EXPECT_EQ(key->shape, (Shape{16, 16})) << key->name;
  ASSERT_EQ(resultsOf(ResultKind::NewValue).size(), 1u);
  EXPECT_EQ(resultsOf(ResultKind::NewValue)[0]->shape, (Shape{16, 32}));
  // Gemma's q/k norms (per part, over 16 elements) and post norms.
  std::vector<const GraphArgument *> queryNorms =
      weightsOf(WeightRole::QueryNormWeight);
  ASSERT_EQ(queryNorms.size(), 2u);
  EXPECT_EQ(queryNorms[0]->shape, (Shape{16}));
  EXPECT_EQ(queryNorms[1]->rows,
            (std::vector<int64_t>{16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                                  27, 28, 29, 30, 31}));
  EXPECT_EQ(weightsOf(WeightRole::KeyNormWeight).size(), 2u);
  EXPECT_EQ(weightsOf(WeightRole::PostAttentionNormWeight).size(), 1u);
  EXPECT_EQ(weightsOf(WeightRole::PostMlpNormWeight).size(), 1u);
}

TEST_F(TransformerGraphTest, QwenDecodeHasQkvBiases) {
  std::optional<ModelConfig> config = loadPreset("qwen2-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Decode, 1, 16, Precision::FP32);
  // Biases of q and k come per part, selected like their weights.
  std::vector<const GraphArgument *> queryBiases =
      weightsOf(WeightRole::QueryBias);
  ASSERT_EQ(queryBiases.size(), 2u);
  EXPECT_EQ(queryBiases[0]->rows, headRows(4, 16, 8, 0, 0));
  EXPECT_EQ(queryBiases[0]->shape, (Shape{2, 2, 8}));
  EXPECT_EQ(weightsOf(WeightRole::KeyBias).size(), 2u);
  EXPECT_EQ(weightsOf(WeightRole::ValueBias).size(), 1u);
  EXPECT_TRUE(weightsOf(WeightRole::OutputBias).empty());
}

//===----------------------------------------------------------------------===//
// Quantised precisions
//===----------------------------------------------------------------------===//

TEST_F(TransformerGraphTest, W4A8PacksQuantizedWeightsTwoPerByte) {
  std::optional<ModelConfig> config = loadPreset("llama-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Decode, 1, 16, Precision::FP32);
  GraphSignature fp32 = signature;
  build(*config, GraphKind::Decode, 1, 16, Precision::W4A8);

  auto product = [](const Shape &shape) {
    int64_t elements = 1;
    for (int64_t size : shape)
      elements *= size;
    return elements;
  };
  int quantized = 0;
  for (const GraphArgument &argument : signature.arguments) {
    if (argument.kind != ArgumentKind::Weight ||
        argument.form != WeightForm::Quantized)
      continue;
    ++quantized;
    const GraphArgument *reference = nullptr;
    for (const GraphArgument &candidate : fp32.arguments)
      if (candidate.name == argument.name)
        reference = &candidate;
    ASSERT_TRUE(reference) << argument.name;
    ASSERT_FALSE(argument.shape.empty());
    // Half the last (reduced) dimension: two int4 values per byte; the same
    // rows of the same tensor.
    EXPECT_EQ(argument.shape.back() * 2, reference->shape.back())
        << argument.name;
    EXPECT_EQ(product(argument.shape) * 2, product(reference->shape))
        << argument.name;
    EXPECT_EQ(argument.role, reference->role) << argument.name;
    EXPECT_EQ(argument.rows, reference->rows) << argument.name;
    // Its companions: the scales. The nibble's shift is computed from the
    // pair index, not read from memory.
    EXPECT_FALSE(findArgument(argument.name + ".nibble_shift"))
        << argument.name;
    const GraphArgument *output = findArgument(argument.name + ".output_scale");
    ASSERT_TRUE(output) << argument.name;
    EXPECT_EQ(output->form, WeightForm::OutputScale);
    EXPECT_EQ(output->rows, reference->rows) << argument.name;
  }
  // q and k in two parts, v, o, gate, up, down.
  EXPECT_EQ(quantized, 9);
  // One input scale per input, which its linears quantize once, named by
  // the first of them: q, k and v read the attention norm's output, gate
  // and up the MLP norm's.
  std::vector<std::string> inputScales;
  for (const GraphArgument &argument : signature.arguments)
    if (argument.form == WeightForm::InputScale)
      inputScales.push_back(argument.name);
  llvm::sort(inputScales);
  EXPECT_EQ(inputScales,
            (std::vector<std::string>{
                "down_proj.input_scale", "gate_proj.input_scale",
                "o_proj.input_scale", "q_proj.a.input_scale"}));
  // Activations keep their element count (the pair split is free in
  // row-major memory).
  EXPECT_EQ(product(onlyShape(ArgumentKind::Hidden)), 64);
  ASSERT_EQ(resultsOf(ResultKind::Hidden).size(), 1u);
  EXPECT_EQ(product(resultsOf(ResultKind::Hidden)[0]->shape), 64);
}

TEST_F(TransformerGraphTest, W8A8KeepsTheFloatShapes) {
  std::optional<ModelConfig> config = loadPreset("llama-tiny");
  ASSERT_TRUE(config);
  build(*config, GraphKind::Prefill, 4, 16, Precision::FP32);
  GraphSignature fp32 = signature;
  build(*config, GraphKind::Prefill, 4, 16, Precision::W8A8);
  int quantized = 0;
  for (const GraphArgument &argument : signature.arguments) {
    if (argument.form != WeightForm::Quantized)
      continue;
    ++quantized;
    for (const GraphArgument &candidate : fp32.arguments) {
      if (candidate.name == argument.name) {
        EXPECT_EQ(argument.shape, candidate.shape) << argument.name;
      }
    }
  }
  EXPECT_EQ(quantized, 9);
}

TEST_F(TransformerGraphTest, EveryPresetPrecisionAndKindVerifies) {
  // All shipped presets, the full-size ones too: building is shape work
  // only, and they have sizes the tiny ones lack (gemma-3-1b's head_dim 256
  // over a hidden size of 1152, qwen2.5's 7 query heads per kv head,
  // tinyllama's 8).
  std::vector<std::string> presets = model::listPresets();
  EXPECT_GE(presets.size(), 4u);
  for (const std::string &preset : presets) {
    std::optional<ModelConfig> config = loadPreset(preset);
    ASSERT_TRUE(config);
    for (Precision precision :
         {Precision::FP32, Precision::W8A8, Precision::W4A8}) {
      for (GraphKind kind :
           {GraphKind::Prefill, GraphKind::Decode, GraphKind::LMHead,
            GraphKind::EmbedPrefill, GraphKind::EmbedDecode}) {
        SCOPED_TRACE(preset + " " + getGraphName(kind).str() + " precision " +
                     std::to_string(int(precision)));
        build(*config, kind, /*tokens=*/4, /*maxLen=*/16, precision);
      }
    }
  }
}

// A one-token prefill (--seq-len 1): its keys are its one token, so the key
// dimension stays like the token dimension (it once was dropped, and the
// score's operand and indexing map disagreed in rank).
TEST_F(TransformerGraphTest, OneTokenPrefillVerifies) {
  for (const char *preset : {"gpt2-tiny", "llama-tiny", "gemma3-tiny"}) {
    std::optional<ModelConfig> config = loadPreset(preset);
    ASSERT_TRUE(config);
    SCOPED_TRACE(preset);
    build(*config, GraphKind::Prefill, /*tokens=*/1, /*maxLen=*/16,
          Precision::FP32);
    EXPECT_EQ(signature.tokens, 1);
    EXPECT_EQ(signature.keys, 1);
    EXPECT_EQ(onlyShape(ArgumentKind::Hidden), (Shape{1, 64}));
  }
}

//===----------------------------------------------------------------------===//
// LM head
//===----------------------------------------------------------------------===//

TEST_F(TransformerGraphTest, GemmaLMHeadReadsTheTiedEmbedding) {
  std::optional<ModelConfig> config = loadPreset("gemma3-tiny");
  ASSERT_TRUE(config);
  ASSERT_TRUE(config->tiedEmbeddings);
  build(*config, GraphKind::LMHead, 1, 16, Precision::FP32);
  std::vector<const GraphArgument *> embedding =
      weightsOf(WeightRole::TokenEmbedding);
  ASSERT_EQ(embedding.size(), 1u);
  EXPECT_EQ(embedding[0]->shape, (Shape{256, 64}));
  EXPECT_TRUE(embedding[0]->rows.empty());
  EXPECT_TRUE(weightsOf(WeightRole::LMHead).empty());
  EXPECT_EQ(weightsOf(WeightRole::FinalNormWeight).size(), 1u);
  EXPECT_EQ(onlyShape(ArgumentKind::Hidden), (Shape{1, 64}));
  std::vector<const GraphResult *> logits = resultsOf(ResultKind::Logits);
  ASSERT_EQ(logits.size(), 1u);
  EXPECT_EQ(logits[0]->shape, (Shape{1, 256}));
  EXPECT_EQ(signature.results.size(), 1u);
}

TEST_F(TransformerGraphTest, LlamaLMHeadReadsItsOwnHead) {
  std::optional<ModelConfig> config = loadPreset("llama-tiny");
  ASSERT_TRUE(config);
  ASSERT_FALSE(config->tiedEmbeddings);
  build(*config, GraphKind::LMHead, 1, 16, Precision::FP32);
  std::vector<const GraphArgument *> head = weightsOf(WeightRole::LMHead);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_EQ(head[0]->shape, (Shape{256, 64}));
  EXPECT_TRUE(weightsOf(WeightRole::TokenEmbedding).empty());
}

TEST_F(TransformerGraphTest, LMHeadRowsArePaddedToAMultipleOf128) {
  EXPECT_EQ(getHeadRows(50257), 50304);
  EXPECT_EQ(getHeadRows(256), 256);
  EXPECT_EQ(getHeadRows(151936), 151936);
  EXPECT_EQ(getHeadRows(1), 128);
  // gpt2-tiny with GPT-2's odd vocabulary size: the head's weight, its
  // scales and the logits have 50304 rows, the 47 past the vocabulary
  // zeros; the input scale and the embedding table are not padded.
  std::optional<ModelConfig> config = loadPreset("gpt2-tiny");
  ASSERT_TRUE(config);
  config->vocabSize = 50257;
  build(*config, GraphKind::LMHead, 1, 16, Precision::W4A8);
  std::vector<const GraphArgument *> head =
      weightsOf(WeightRole::TokenEmbedding);
  ASSERT_EQ(head.size(), 3u);
  for (const GraphArgument *argument : head) {
    SCOPED_TRACE(argument->name);
    if (argument->form == WeightForm::InputScale) {
      EXPECT_EQ(argument->paddingRows, 0);
      continue;
    }
    EXPECT_EQ(argument->shape.front(), 50304);
    EXPECT_EQ(argument->paddingRows, 47);
  }
  std::vector<const GraphResult *> logits = resultsOf(ResultKind::Logits);
  ASSERT_EQ(logits.size(), 1u);
  EXPECT_EQ(logits[0]->shape, (Shape{1, 50304}));

  build(*config, GraphKind::EmbedDecode, 1, 16, Precision::W4A8);
  std::vector<const GraphArgument *> table =
      weightsOf(WeightRole::TokenEmbedding);
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0]->shape.front(), 50257);
  EXPECT_EQ(table[0]->paddingRows, 0);
}

TEST(LinearName, LMHeadIsOneNameTiedOrNot) {
  // Calibration keys the LM head's scale by "lm_head.weight" even when the
  // weight is the embedding.
  model::TensorSpec embedding;
  embedding.name = "model.embed_tokens.weight";
  embedding.role = WeightRole::TokenEmbedding;
  EXPECT_EQ(getLinearName(embedding), "lm_head.weight");
  model::TensorSpec query;
  query.name = "model.layers.1.self_attn.q_proj.weight";
  query.role = WeightRole::QueryWeight;
  EXPECT_EQ(getLinearName(query), "model.layers.1.self_attn.q_proj.weight");
}

TEST(WeightQuantMax, Int4AndInt8) {
  EXPECT_EQ(getWeightQuantMax(Precision::W4A8), 7);
  EXPECT_EQ(getWeightQuantMax(Precision::W8A8), 127);
}

//===----------------------------------------------------------------------===//
// TensorGraph
//===----------------------------------------------------------------------===//

TEST(TensorGraph, DropsUnitDimensionsExceptKeptOnes) {
  MLIRContext context;
  context.loadDialect<func::FuncDialect, linalg::LinalgDialect,
                      arith::ArithDialect, tensor::TensorDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  TensorGraph graph(*module, "sum_rows");
  graph.setDim("i", 1, /*keepUnit=*/true);
  graph.setDim("u", 1);
  graph.setDim("a", 3);
  graph.setDim("b", 5);
  EXPECT_EQ(graph.getDim("b"), 5);
  EXPECT_EQ(graph.getDim("unknown"), 0);

  // [i, u, a, b] is [1, 3, 5]: u goes, the kept i stays.
  GraphTensor x = graph.addArgument({"i", "u", "a", "b"});
  EXPECT_EQ(x.dims, (std::vector<std::string>{"i", "a", "b"}));
  GraphTensor bytes =
      graph.addArgument({"u", "b"}, IntegerType::get(&context, 8));
  EXPECT_EQ(bytes.dims, (std::vector<std::string>{"b"}));

  // Sum over b: [1, 3], b a reduction loop after the output's.
  GraphTensor sum = graph.compute(
      {"i", "u", "a"}, {x}, Combine::Sum,
      [](OpBuilder &, Location, ArrayRef<Value> v) { return v[0]; });
  EXPECT_EQ(sum.dims, (std::vector<std::string>{"i", "a"}));
  func::FuncOp function = graph.finish({sum});
  ASSERT_TRUE(succeeded(verify(*module)));

  FunctionType type = function.getFunctionType();
  ASSERT_EQ(type.getNumInputs(), 2u);
  EXPECT_EQ(type.getInput(0),
            RankedTensorType::get({1, 3, 5}, Float32Type::get(&context)));
  EXPECT_EQ(type.getInput(1),
            RankedTensorType::get({5}, IntegerType::get(&context, 8)));
  ASSERT_EQ(type.getNumResults(), 1u);
  EXPECT_EQ(type.getResult(0),
            RankedTensorType::get({1, 3}, Float32Type::get(&context)));

  int generics = 0;
  function.walk([&](linalg::GenericOp generic) {
    ++generics;
    SmallVector<utils::IteratorType> iterators =
        generic.getIteratorTypesArray();
    EXPECT_EQ(iterators,
              (SmallVector<utils::IteratorType>{
                  utils::IteratorType::parallel, utils::IteratorType::parallel,
                  utils::IteratorType::reduction}));
  });
  EXPECT_EQ(generics, 1);
}

} // namespace

// The embedding graphs gather rows of the tables the ids select: the ids
// (int32), decode's position, the token table [vocab, hidden] and, with
// learned positions, the first max_len rows of the position table; one
// result, the hidden states. The tables are not packed (read by rows).
TEST_F(TransformerGraphTest, EmbeddingGraphsGatherFromTheTables) {
  std::optional<ModelConfig> gpt2 = loadPreset("gpt2-tiny");
  ASSERT_TRUE(gpt2);
  func::FuncOp decode =
      build(*gpt2, GraphKind::EmbedDecode, 1, 16, Precision::W8A8);
  std::vector<std::string> names;
  for (const GraphArgument &argument : signature.arguments)
    names.push_back(argument.name);
  EXPECT_EQ(names, (std::vector<std::string>{"tokens", "position",
                                             "embed_tokens",
                                             "embed_positions"}));
  EXPECT_EQ(signature.arguments[2].shape,
            (Shape{gpt2->vocabSize, gpt2->hiddenSize}));
  EXPECT_EQ(signature.arguments[3].shape, (Shape{16, gpt2->hiddenSize}));
  EXPECT_EQ(signature.results.size(), 1u);
  EXPECT_EQ(signature.results[0].shape, (Shape{1, gpt2->hiddenSize}));
  EXPECT_FALSE(decode.getArgAttr(2, "dataflow.packable"));
  int extracts = 0;
  decode.walk([&](tensor::ExtractOp) { ++extracts; });
  EXPECT_EQ(extracts, 2);

  std::optional<ModelConfig> llama = loadPreset("llama-tiny");
  ASSERT_TRUE(llama);
  build(*llama, GraphKind::EmbedPrefill, 4, 16, Precision::FP32);
  EXPECT_EQ(signature.arguments.size(), 2u);
  EXPECT_EQ(signature.results[0].shape, (Shape{4, llama->hiddenSize}));
}
