//===- TransformerGraph.cpp - A decoder block as linalg-on-tensors --------===//
//
// Dimension names used below:
//   i  query tokens          j  keys (tokens in prefill, cache in decode)
//   k  hidden (reduced)      n  hidden (produced)
//   g  key/value heads       r  query heads per key/value head
//   e  head_dim part         d  head_dim (values)
//   f  MLP hidden            v  vocabulary
//   o  the LM head's rows: the vocabulary padded (getHeadRows)
// Query head h is (g, r) with h = g * r_count + r, which is how grouped-query
// attention shares key head g without a division in an indexing map. With
// RoPE, q and k are kept as two halves of head_dim (parts a and b): the
// rotation pairs element e of one half with element e of the other, and the
// score sums over both parts.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Frontend/TransformerGraph.h"
#include "streamtensor/Frontend/TensorGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::frontend;
using model::ModelConfig;
using model::WeightRole;
using Dims = std::vector<std::string>;

int streamtensor::frontend::getWeightQuantMax(Precision precision) {
  return precision == Precision::W4A8 ? 7 : 127;
}

int64_t streamtensor::frontend::getHeadRows(int64_t vocabulary) {
  constexpr int64_t multiple = 128;
  return (vocabulary + multiple - 1) / multiple * multiple;
}

std::string
streamtensor::frontend::getLinearName(const model::TensorSpec &spec) {
  if (spec.role == WeightRole::LMHead ||
      spec.role == WeightRole::TokenEmbedding)
    return "lm_head.weight";
  return spec.name;
}

StringRef streamtensor::frontend::getGraphName(GraphKind kind) {
  switch (kind) {
  case GraphKind::Prefill:
    return "block_prefill";
  case GraphKind::Decode:
    return "block_decode";
  case GraphKind::LMHead:
    return "lm_head";
  case GraphKind::EmbedPrefill:
    return "embed_prefill";
  case GraphKind::EmbedDecode:
    return "embed_decode";
  }
  return "";
}

namespace {

// Scalar arithmetic for the bodies.
Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddFOp::create(b, loc, x, y);
}
Value sub(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::SubFOp::create(b, loc, x, y);
}
Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MulFOp::create(b, loc, x, y);
}
Value div(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::DivFOp::create(b, loc, x, y);
}
Value constant(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

class BlockBuilder {
public:
  BlockBuilder(TensorGraph &graph, const ModelConfig &config,
               Precision precision, int64_t groupSize,
               GraphSignature &signature)
      : graph(graph), config(config), precision(precision),
        groupSize(groupSize), signature(signature) {}

  /// The same tensor seen with other dimension names (equal sizes).
  GraphTensor as(const GraphTensor &tensor, const Dims &dims) {
    Dims kept;
    for (const std::string &dim : dims)
      if (!graph.isDropped(dim))
        kept.push_back(dim);
    return {tensor.value, kept};
  }

  GraphTensor argument(ArgumentKind kind, const std::string &name,
                       const Dims &dims, int part = 0) {
    GraphTensor tensor = graph.addArgument(dims);
    GraphArgument entry{kind, name, getShape(tensor), WeightRole{}, {}, part};
    signature.arguments.push_back(entry);
    return tensor;
  }

  GraphTensor scalarArgument(ArgumentKind kind, const std::string &name) {
    GraphTensor scalar = graph.addScalarArgument(
        IntegerType::get(graph.getBuilder().getContext(), 32));
    signature.arguments.push_back({kind, name, {}, WeightRole{}, {}, 0});
    return scalar;
  }

  /// The position of the current query (int32): decode's scalar, or
  /// prefill's token index.
  Value queryPosition(OpBuilder &b, Location loc, Value position) {
    if (position)
      return position;
    return arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                      graph.getIndex(b, loc, "i"));
  }

  GraphTensor weight(WeightRole role, const std::string &name, const Dims &dims,
                     std::vector<int64_t> rows = {},
                     WeightForm form = WeightForm::Values) {
    Type type;
    if (form == WeightForm::Quantized)
      type = IntegerType::get(graph.getBuilder().getContext(), 8);
    GraphTensor tensor = graph.addArgument(dims, type);
    GraphArgument entry{ArgumentKind::Weight, name, getShape(tensor), role,
                        std::move(rows),      0};
    entry.form = form;
    signature.arguments.push_back(entry);
    return tensor;
  }

  void result(ResultKind kind, const std::string &name,
              const GraphTensor &tensor, int part = 0) {
    signature.results.push_back({kind, name, getShape(tensor), part});
    results.push_back(tensor);
  }

  std::vector<int64_t> getShape(const GraphTensor &tensor) {
    std::vector<int64_t> shape;
    for (const std::string &dim : tensor.dims)
      shape.push_back(graph.getDim(dim));
    return shape;
  }

  // Elementwise helpers over tensors with the output's dimensions.
  GraphTensor map(const Dims &dims, ArrayRef<GraphTensor> inputs,
                  const TensorGraph::Body &body) {
    return graph.compute(dims, inputs, Combine::None, body);
  }

  GraphTensor addTensors(const Dims &dims, const GraphTensor &x,
                         const GraphTensor &y) {
    return map(dims, {x, y}, [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
      return add(b, loc, v[0], v[1]);
    });
  }

  /// clamp(round_half_even(x / scale), -127, 127) as int8.
  GraphTensor quantize(const GraphTensor &x, const Dims &dims,
                       const GraphTensor &scale) {
    Type i8 = IntegerType::get(graph.getBuilder().getContext(), 8);
    return graph.compute(
        dims, {x, scale}, Combine::None,
        [&](OpBuilder &b, Location loc, ArrayRef<Value> v) -> Value {
          Value rounded =
              math::RoundEvenOp::create(b, loc, div(b, loc, v[0], v[1]));
          Value low = arith::MaximumFOp::create(b, loc, rounded,
                                                constant(b, loc, -127.0));
          Value clamped =
              arith::MinimumFOp::create(b, loc, low, constant(b, loc, 127.0));
          return arith::FPToSIOp::create(b, loc, i8, clamped);
        },
        i8);
  }

  /// y[i, out...] = sum over `reduced` of x[i, reduced...] *
  /// w[out..., reduced...] (+ bias[out...]): float32, or quantised per the
  /// precision.
  GraphTensor project(const GraphTensor &input, const Dims &reduced,
                      WeightRole role, const std::string &name,
                      const Dims &outDims, std::vector<int64_t> rows,
                      bool hasBias, WeightRole biasRole) {
    Dims inputDims{"i"};
    inputDims.insert(inputDims.end(), reduced.begin(), reduced.end());
    GraphTensor x = as(input, inputDims);
    Dims weightDims = outDims;
    weightDims.insert(weightDims.end(), reduced.begin(), reduced.end());
    Dims resultDims{"i"};
    resultDims.insert(resultDims.end(), outDims.begin(), outDims.end());
    GraphTensor y;
    if (precision == Precision::FP32) {
      GraphTensor w = weight(role, name, weightDims, rows);
      y = graph.compute(resultDims, {x, w}, Combine::Sum,
                        [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                          return mul(b, loc, v[0], v[1]);
                        });
    } else {
      MLIRContext *context = graph.getBuilder().getContext();
      Type i8 = IntegerType::get(context, 8);
      Type i32 = IntegerType::get(context, 32);
      // The linears of one input share its quantization: the calibration
      // gives each the absmax of what it reads (Calibration.cpp), the same
      // for all of them. A block's q, k and v (and gate and up) quantize
      // the norm's output once, as the first of them names it: GPT-2
      // Medium's blocks had three quantizers of it, 8K LUTs each in decode.
      std::pair<void *, Dims> key{x.value.getAsOpaquePointer(), inputDims};
      auto shared = quantizedInputs.find(key);
      GraphTensor quantized;
      if (shared != quantizedInputs.end())
        quantized = shared->second;
      else
        quantized = quantizedInputs[key] =
            quantize(x, inputDims,
                     weight(role, name + ".input_scale", reduced, {},
                            WeightForm::InputScale));
      // int4: the last reduced dimension is the pair within a byte, and its
      // index picks the nibble: (w << shift) >> 4 as int8 sign-extends the
      // low nibble (pair 0, shift 4) or the high one (pair 1, shift 0). The
      // shift is computed from the index, wiring in hardware, rather than
      // read from memory.
      bool pairs = precision == Precision::W4A8;
      std::vector<GraphTensor> operands{quantized};
      if (pairs) {
        Dims bytes(weightDims.begin(), weightDims.end() - 1);
        operands.push_back(
            weight(role, name, bytes, rows, WeightForm::Quantized));
      } else {
        operands.push_back(
            weight(role, name, weightDims, rows, WeightForm::Quantized));
      }
      // With groups, the sum runs within a group: the dimensions before the
      // last two reduced ones (within group, pair) index the groups.
      Dims groupDims, sumDims = resultDims, scaleDims = outDims;
      if (groupSize > 0)
        groupDims.assign(reduced.begin(), reduced.end() - 2);
      sumDims.insert(sumDims.end(), groupDims.begin(), groupDims.end());
      scaleDims.insert(scaleDims.end(), groupDims.begin(), groupDims.end());
      GraphTensor sum = graph.compute(
          sumDims, operands, Combine::Sum,
          [&](OpBuilder &b, Location loc, ArrayRef<Value> v) -> Value {
            Value weightValue = v[1];
            if (pairs) {
              // shift = (pair xor 1) << 2: 4 for pair 0, 0 for pair 1.
              Value pair = arith::IndexCastOp::create(
                  b, loc, i8, graph.getIndex(b, loc, reduced.back()));
              Value one =
                  arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, 1));
              Value two =
                  arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, 2));
              Value shift = arith::ShLIOp::create(
                  b, loc, arith::XOrIOp::create(b, loc, pair, one), two);
              Value shifted = arith::ShLIOp::create(b, loc, v[1], shift);
              Value four =
                  arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, 4));
              weightValue = arith::ShRSIOp::create(b, loc, shifted, four);
            }
            Value left = arith::ExtSIOp::create(b, loc, i32, v[0]);
            Value right = arith::ExtSIOp::create(b, loc, i32, weightValue);
            return arith::MulIOp::create(b, loc, left, right);
          },
          i32);
      GraphTensor outputScale = weight(role, name + ".output_scale", scaleDims,
                                       rows, WeightForm::OutputScale);
      // Group-wise: the int32 sums of the groups, each times its scale,
      // added in float32.
      y = graph.compute(resultDims, {sum, outputScale},
                        groupDims.empty() ? Combine::None : Combine::Sum,
                        [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                          Value value = arith::SIToFPOp::create(
                              b, loc, b.getF32Type(), v[0]);
                          return mul(b, loc, value, v[1]);
                        });
    }
    if (!hasBias)
      return y;
    GraphTensor bias = weight(biasRole, name + ".bias", outDims, rows);
    return addTensors(resultDims, y, bias);
  }

  GraphTensor linear(const GraphTensor &input, WeightRole role,
                     const std::string &name, const Dims &outDims,
                     std::vector<int64_t> rows, bool hasBias,
                     WeightRole biasRole) {
    return project(input, reducedHidden, role, name, outDims, std::move(rows),
                   hasBias, biasRole);
  }

  /// The norm of `config` over the last dimensions `over` of x.
  GraphTensor norm(const GraphTensor &x, const Dims &dims, const Dims &over,
                   WeightRole weightRole, WeightRole biasRole,
                   const std::string &name, std::vector<int64_t> rows = {}) {
    Dims rowDims(dims.begin(), dims.end() - over.size());
    double count = 1;
    for (const std::string &dim : over)
      count *= double(graph.getDim(dim));
    double eps = config.normEps;
    GraphTensor w = weight(weightRole, name, over, rows);
    auto sumOfSquares = [&] {
      return graph.compute(rowDims, {x}, Combine::Sum,
                           [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                             return mul(b, loc, v[0], v[0]);
                           });
    };
    if (config.norm == model::NormKind::LayerNorm) {
      // Both statistics in one pass over x, side by side: the variance as
      // E[x^2] - mean^2 instead of a second pass over x - mean, which had
      // to wait for the mean and kept x - mean on chip meanwhile (GPT-2
      // Medium's prefill: a 14K-cycle pass before each of its two norms
      // and 112 KiB of FIFO). Activations whose mean dwarfs their spread
      // would lose digits to the subtraction; clamping at zero keeps the
      // square root real when rounding makes it negative.
      GraphTensor sum = graph.compute(
          rowDims, {x}, Combine::Sum,
          [](OpBuilder &, Location, ArrayRef<Value> v) { return v[0]; });
      GraphTensor squares = sumOfSquares();
      GraphTensor bias = weight(biasRole, name + ".bias", over, rows);
      return map(dims, {x, sum, squares, w, bias},
                 [&](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                   Value n = constant(b, loc, count);
                   Value mean = div(b, loc, v[1], n);
                   Value variance = arith::MaximumFOp::create(
                       b, loc,
                       sub(b, loc, div(b, loc, v[2], n),
                           mul(b, loc, mean, mean)),
                       constant(b, loc, 0.0));
                   Value scale = math::RsqrtOp::create(
                       b, loc, add(b, loc, variance, constant(b, loc, eps)));
                   return add(b, loc,
                              mul(b, loc,
                                  mul(b, loc, sub(b, loc, v[0], mean), scale),
                                  v[3]),
                              v[4]);
                 });
    }
    return applyRms(x, dims, sumOfSquares(), count, w);
  }

  /// x * rsqrt(squares / count + eps) * w (or * (1 + w)).
  GraphTensor applyRms(const GraphTensor &x, const Dims &dims,
                       const GraphTensor &squares, double count,
                       const GraphTensor &w) {
    bool plusOne = config.norm == model::NormKind::RMSNormPlusOne;
    double eps = config.normEps;
    return map(dims, {x, squares, w},
               [&](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                 Value mean = div(b, loc, v[1], constant(b, loc, count));
                 Value scale = math::RsqrtOp::create(
                     b, loc, add(b, loc, mean, constant(b, loc, eps)));
                 Value gain =
                     plusOne ? add(b, loc, constant(b, loc, 1.0), v[2]) : v[2];
                 return mul(b, loc, mul(b, loc, v[0], scale), gain);
               });
  }

  Value activation(OpBuilder &b, Location loc, Value x) {
    if (config.activation == model::Activation::Silu) {
      Value negated = arith::NegFOp::create(b, loc, x);
      Value denominator = add(b, loc, constant(b, loc, 1.0),
                              math::ExpOp::create(b, loc, negated));
      return div(b, loc, x, denominator);
    }
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value cube = mul(b, loc, mul(b, loc, x, x), x);
    Value inner = add(b, loc, x, mul(b, loc, constant(b, loc, 0.044715), cube));
    Value tanh = math::TanhOp::create(
        b, loc, mul(b, loc, constant(b, loc, std::sqrt(2.0 / M_PI)), inner));
    return mul(b, loc, mul(b, loc, constant(b, loc, 0.5), x),
               add(b, loc, constant(b, loc, 1.0), tanh));
  }

  /// q, k or v, head by head, the `part` of each head (of `partSize`
  /// elements): its tensors and the rows of its [out, in] weight.
  GraphTensor projectHeads(const GraphTensor &h, model::Projection which,
                           const std::string &name, const Dims &outDims,
                           int64_t heads, int part, int64_t partSize) {
    model::ProjectionTensors tensors =
        model::getProjectionTensors(config, which);
    std::vector<int64_t> rows;
    for (int64_t head = 0; head < heads; ++head)
      for (int64_t e = 0; e < partSize; ++e)
        rows.push_back(tensors.firstRow + head * config.headDim +
                       part * partSize + e);
    return linear(h, tensors.weight, name, outDims, std::move(rows),
                  config.qkvBias, tensors.bias);
  }

  void buildBlock(bool decode);
  void buildLMHead();
  /// The token embedding of `tokens` ids (at positions 0.. for prefill, at
  /// the position for decode): a gather from the tables in device memory.
  void buildEmbedding(bool decode, int64_t maxLen);

  std::vector<GraphTensor> results;

private:
  // The hidden size as reduced and as produced, and the MLP's inner size,
  // each with its int4 pairing dimension.
  const Dims reducedHidden{"kg", "k", "kp"};
  const Dims producedHidden{"ng", "n", "np"};
  const Dims mlpInner{"fg", "f", "fp"};

  TensorGraph &graph;
  /// Each quantized input by its tensor and dimensions (project).
  std::map<std::pair<void *, Dims>, GraphTensor> quantizedInputs;
  const ModelConfig &config;
  Precision precision;
  /// Inputs per int4 weight scale; 0 for one scale per output channel.
  int64_t groupSize;
  GraphSignature &signature;
};

void BlockBuilder::buildBlock(bool decode) {
  bool rope = !config.learnedPositions;
  int parts = rope ? 2 : 1;
  int64_t headDim = config.headDim;
  int64_t partSize = headDim / parts;
  int64_t heads = config.numHeads, kvHeads = config.numKeyValueHeads;
  signature.parts = parts;
  const char *partNames[] = {"a", "b"};
  auto partName = [&](const std::string &base, int part) {
    return parts == 1 ? base : base + "." + partNames[part];
  };

  Dims rowDims{"i", "ng", "n", "np"};
  GraphTensor x = argument(ArgumentKind::Hidden, "hidden", rowDims);
  GraphTensor h =
      norm(x, rowDims, producedHidden, WeightRole::AttentionNormWeight,
           WeightRole::AttentionNormBias, "attention_norm");

  // Projections, head by head in parts.
  std::vector<GraphTensor> q, k;
  for (int part = 0; part < parts; ++part) {
    q.push_back(projectHeads(h, model::Projection::Query,
                             partName("q_proj", part), {"g", "r", "e"}, heads,
                             part, partSize));
    k.push_back(projectHeads(h, model::Projection::Key,
                             partName("k_proj", part), {"g", "e"}, kvHeads,
                             part, partSize));
  }
  GraphTensor v = projectHeads(h, model::Projection::Value, "v_proj",
                               {"g", "dg", "d", "dp"}, kvHeads, 0, headDim);
  Dims qDims{"i", "g", "r", "e"}, kDims{"i", "g", "e"};

  if (config.qkNorm) {
    auto headNorm = [&](std::vector<GraphTensor> &vectors, const Dims &dims,
                        WeightRole role, const std::string &name) {
      Dims rows(dims.begin(), dims.end() - 1);
      GraphTensor squares =
          graph.compute(rows, vectors, Combine::Sum,
                        [](OpBuilder &b, Location loc, ArrayRef<Value> values) {
                          Value sum = mul(b, loc, values[0], values[0]);
                          for (Value value : values.drop_front())
                            sum = add(b, loc, sum, mul(b, loc, value, value));
                          return sum;
                        });
      for (int part = 0; part < parts; ++part) {
        std::vector<int64_t> select;
        for (int64_t e = 0; e < partSize; ++e)
          select.push_back(part * partSize + e);
        GraphTensor w = weight(role, partName(name, part), {"e"}, select);
        vectors[part] =
            applyRms(vectors[part], dims, squares, double(headDim), w);
      }
    };
    headNorm(q, qDims, WeightRole::QueryNormWeight, "q_norm");
    headNorm(k, kDims, WeightRole::KeyNormWeight, "k_norm");
  }

  // Decode's position and the sliding window are runtime scalars; the
  // angles and the mask are computed from them in the kernel.
  GraphTensor position, window;
  if (decode)
    position = scalarArgument(ArgumentKind::Position, "position");
  if (config.slidingWindow > 0)
    window = scalarArgument(ArgumentKind::Window, "window");
  auto withScalars = [&](std::vector<GraphTensor> inputs) {
    for (const GraphTensor &scalar : {position, window})
      if (scalar.value)
        inputs.push_back(scalar);
    return inputs;
  };

  if (rope) {
    GraphTensor inverse = argument(ArgumentKind::RopeInverseFrequencies,
                                   "rope_inv_freq", {"e"});
    auto angles = [&](bool sine) {
      return map({"i", "e"}, withScalars({inverse}),
                 [&, sine](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                   Value at = queryPosition(b, loc, position.value);
                   Value angle = mul(
                       b, loc, arith::SIToFPOp::create(b, loc, b.getF32Type(), at),
                       v[0]);
                   if (sine)
                     return math::SinOp::create(b, loc, angle).getResult();
                   return math::CosOp::create(b, loc, angle).getResult();
                 });
    };
    GraphTensor cos = angles(false);
    GraphTensor sin = angles(true);
    auto rotate = [&](std::vector<GraphTensor> &halves, const Dims &dims) {
      GraphTensor first =
          map(dims, {halves[0], halves[1], cos, sin},
              [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                return sub(b, loc, mul(b, loc, v[0], v[2]),
                           mul(b, loc, v[1], v[3]));
              });
      GraphTensor second =
          map(dims, {halves[0], halves[1], cos, sin},
              [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                return add(b, loc, mul(b, loc, v[1], v[2]),
                           mul(b, loc, v[0], v[3]));
              });
      halves = {first, second};
    };
    rotate(q, qDims);
    rotate(k, kDims);
  }

  // Scores of the queries against keys `keys` (dims [j, g, e] per part).
  double scale = config.getAttentionScale();
  auto scores = [&](const std::vector<GraphTensor> &keys, const Dims &out) {
    std::vector<GraphTensor> inputs;
    for (int part = 0; part < parts; ++part) {
      inputs.push_back(q[part]);
      inputs.push_back(keys[part]);
    }
    GraphTensor dot = graph.compute(
        out, inputs, Combine::Sum,
        [](OpBuilder &b, Location loc, ArrayRef<Value> values) {
          Value sum = mul(b, loc, values[0], values[1]);
          for (size_t index = 2; index < values.size(); index += 2)
            sum =
                add(b, loc, sum, mul(b, loc, values[index], values[index + 1]));
          return sum;
        });
    return dot;
  };

  std::vector<GraphTensor> keys;
  GraphTensor values;
  if (!decode) {
    for (int part = 0; part < parts; ++part)
      keys.push_back(as(k[part], {"j", "g", "e"}));
    values = as(v, {"j", "g", "dg", "d", "dp"});
  } else {
    for (int part = 0; part < parts; ++part)
      keys.push_back(argument(ArgumentKind::KeyCache, partName("k_cache", part),
                              {"j", "g", "e"}, part));
    values = argument(ArgumentKind::ValueCache, "v_cache",
                      {"j", "g", "dg", "d", "dp"});
  }
  Dims scoreDims{"g", "r", "i", "j"}, rowScoreDims{"g", "r", "i"};
  GraphTensor raw = scores(keys, scoreDims);
  // A query sees the keys at or before it (decode: the cache rows before
  // it; its own key is added below), within the window if there is one.
  // Hidden scores get a large negative value rather than -inf, so that a
  // row with none visible still has a finite maximum.
  GraphTensor masked = map(
      scoreDims, withScalars({raw}),
      [&](OpBuilder &b, Location loc, ArrayRef<Value> v) {
        Value query = queryPosition(b, loc, position.value);
        Value key = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                               graph.getIndex(b, loc, "j"));
        Value visible = arith::CmpIOp::create(
            b, loc,
            decode ? arith::CmpIPredicate::slt : arith::CmpIPredicate::sle,
            key, query);
        if (window.value) {
          Value distance = arith::SubIOp::create(b, loc, query, key);
          Value inWindow = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::slt, distance, window.value);
          visible = arith::AndIOp::create(b, loc, visible, inWindow);
        }
        return arith::SelectOp::create(
                   b, loc, visible, mul(b, loc, v[0], constant(b, loc, scale)),
                   constant(b, loc, -1e30))
            .getResult();
      });
  GraphTensor maximum = graph.compute(
      rowScoreDims, {masked}, Combine::Max,
      [](OpBuilder &, Location, ArrayRef<Value> v) { return v[0]; });
  // Decode: the new token's own key joins the cached ones.
  GraphTensor self;
  if (decode) {
    GraphTensor selfRaw = scores(k, rowScoreDims);
    self = map(rowScoreDims, {selfRaw},
               [&](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                 return mul(b, loc, v[0], constant(b, loc, scale));
               });
    maximum =
        map(rowScoreDims, {maximum, self},
            [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
              return arith::MaximumFOp::create(b, loc, v[0], v[1]).getResult();
            });
  }
  GraphTensor weights = map(
      scoreDims, {masked, maximum},
      [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
        return math::ExpOp::create(b, loc, sub(b, loc, v[0], v[1])).getResult();
      });
  GraphTensor total = graph.compute(
      rowScoreDims, {weights}, Combine::Sum,
      [](OpBuilder &, Location, ArrayRef<Value> v) { return v[0]; });
  Dims headOut{"i", "g", "r", "dg", "d", "dp"};
  GraphTensor mixed =
      graph.compute(headOut, {weights, values}, Combine::Sum,
                    [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                      return mul(b, loc, v[0], v[1]);
                    });
  GraphTensor attention;
  if (decode) {
    GraphTensor selfWeight =
        map(rowScoreDims, {self, maximum},
            [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
              return math::ExpOp::create(b, loc, sub(b, loc, v[0], v[1]))
                  .getResult();
            });
    attention = map(headOut, {mixed, selfWeight, v, total},
                    [](OpBuilder &b, Location loc, ArrayRef<Value> a) {
                      Value numerator =
                          add(b, loc, a[0], mul(b, loc, a[1], a[2]));
                      return div(b, loc, numerator, add(b, loc, a[3], a[1]));
                    });
  } else {
    attention = map(headOut, {mixed, total},
                    [](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                      return div(b, loc, v[0], v[1]);
                    });
  }

  // Output projection: o[i, n] = sum over (g, r, d) of attention * w_o.
  GraphTensor projected =
      project(attention, {"g", "r", "dg", "d", "dp"}, WeightRole::OutputWeight,
              "o_proj", producedHidden, {}, config.outputBiases,
              WeightRole::OutputBias);
  if (config.postNorms)
    projected = norm(projected, rowDims, producedHidden,
                     WeightRole::PostAttentionNormWeight, WeightRole{},
                     "post_attention_norm");
  GraphTensor residual = addTensors(rowDims, x, projected);

  // MLP.
  GraphTensor m =
      norm(residual, rowDims, producedHidden, WeightRole::MlpNormWeight,
           WeightRole::MlpNormBias, "mlp_norm");
  GraphTensor hidden;
  if (config.gatedMlp) {
    GraphTensor gate = linear(m, WeightRole::GateWeight, "gate_proj", mlpInner,
                              {}, false, WeightRole{});
    GraphTensor up = linear(m, WeightRole::UpWeight, "up_proj", mlpInner, {},
                            false, WeightRole{});
    hidden = map({"i", "fg", "f", "fp"}, {gate, up},
                 [&](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                   return mul(b, loc, activation(b, loc, v[0]), v[1]);
                 });
  } else {
    GraphTensor up = linear(m, WeightRole::UpWeight, "up_proj", mlpInner, {},
                            config.outputBiases, WeightRole::UpBias);
    hidden = map({"i", "fg", "f", "fp"}, {up},
                 [&](OpBuilder &b, Location loc, ArrayRef<Value> v) {
                   return activation(b, loc, v[0]);
                 });
  }
  GraphTensor down =
      project(hidden, mlpInner, WeightRole::DownWeight, "down_proj",
              producedHidden, {}, config.outputBiases, WeightRole::DownBias);
  if (config.postNorms)
    down = norm(down, rowDims, producedHidden, WeightRole::PostMlpNormWeight,
                WeightRole{}, "post_mlp_norm");
  GraphTensor output = addTensors(rowDims, residual, down);

  result(ResultKind::Hidden, "hidden", output);
  if (!decode) {
    for (int part = 0; part < parts; ++part)
      result(ResultKind::NewKey, partName("new_key", part), k[part], part);
    result(ResultKind::NewValue, "new_value", v);
    return;
  }
  // Decode writes its row of the cache in place, at the position.
  auto writeRow = [&](const GraphTensor &row, const GraphTensor &cache) {
    OpBuilder &b = graph.getBuilder();
    Location loc = graph.getLoc();
    auto cacheType = cast<RankedTensorType>(cache.value.getType());
    auto rowType = cast<RankedTensorType>(row.value.getType());
    SmallVector<OpFoldResult> offsets(cacheType.getRank(), b.getIndexAttr(0));
    offsets[0] = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                            position.value)
                     .getResult();
    SmallVector<OpFoldResult> sizes, strides(cacheType.getRank(),
                                             b.getIndexAttr(1));
    for (int64_t size : rowType.getShape())
      sizes.push_back(b.getIndexAttr(size));
    Value written = tensor::InsertSliceOp::create(b, loc, row.value,
                                                  cache.value, offsets, sizes,
                                                  strides);
    return GraphTensor{written, cache.dims};
  };
  for (int part = 0; part < parts; ++part)
    result(ResultKind::NewKey, partName("new_key", part),
           writeRow(k[part], keys[part]), part);
  result(ResultKind::NewValue, "new_value", writeRow(v, values));
}

void BlockBuilder::buildEmbedding(bool decode, int64_t maxLen) {
  OpBuilder &b = graph.getBuilder();
  GraphTensor tokens = graph.addArgument({"i"}, b.getI32Type());
  signature.arguments.push_back(
      {ArgumentKind::Tokens, "tokens", getShape(tokens), WeightRole{}, {}, 0});
  // Only learned positions need decode's position (RoPE applies it in the
  // block).
  bool positioned = decode && config.learnedPositions;
  GraphTensor position;
  if (positioned)
    position = scalarArgument(ArgumentKind::Position, "position");
  // The tables stay in device memory, row-major: the kernel reads the rows
  // the ids (and positions) select, not the whole table.
  GraphTensor table =
      weight(WeightRole::TokenEmbedding, "embed_tokens", {"v", "x"});
  GraphTensor positions;
  if (config.learnedPositions) {
    std::vector<int64_t> rows(maxLen);
    std::iota(rows.begin(), rows.end(), 0);
    positions = weight(WeightRole::PositionEmbedding, "embed_positions",
                       {"t", "x"}, rows);
  }
  // gemma: the embeddings times sqrt(hidden), rounded to float32 first.
  float scale = config.scaleEmbeddings ? std::sqrt(float(config.hiddenSize))
                                       : 1.0f;
  std::vector<GraphTensor> inputs = {tokens};
  if (positioned)
    inputs.push_back(position);
  GraphTensor hidden = graph.compute(
      {"i", "x"}, inputs, Combine::None,
      [&](OpBuilder &b, Location loc, ArrayRef<Value> v) -> Value {
        Value column = graph.getIndex(b, loc, "x");
        Value row = arith::IndexCastOp::create(b, loc, b.getIndexType(), v[0]);
        Value value = tensor::ExtractOp::create(b, loc, table.value,
                                                ValueRange{row, column});
        if (positions.value) {
          Value at = decode ? arith::IndexCastOp::create(
                                  b, loc, b.getIndexType(), v[1])
                                  .getResult()
                            : graph.getIndex(b, loc, "i");
          value = add(b, loc, value,
                      tensor::ExtractOp::create(b, loc, positions.value,
                                                ValueRange{at, column}));
        }
        if (scale != 1.0f)
          value = mul(b, loc, value, constant(b, loc, scale));
        return value;
      });
  result(ResultKind::Hidden, "hidden", hidden);
}

void BlockBuilder::buildLMHead() {
  Dims rowDims{"i", "ng", "n", "np"};
  GraphTensor x = argument(ArgumentKind::Hidden, "hidden", rowDims);
  GraphTensor h = norm(x, rowDims, producedHidden, WeightRole::FinalNormWeight,
                       WeightRole::FinalNormBias, "final_norm");
  WeightRole head =
      config.tiedEmbeddings ? WeightRole::TokenEmbedding : WeightRole::LMHead;
  GraphTensor logits = project(h, reducedHidden, head, "lm_head", {"o"}, {},
                               false, WeightRole{});
  int64_t padding = getHeadRows(config.vocabSize) - config.vocabSize;
  for (GraphArgument &argument : signature.arguments)
    if (argument.kind == ArgumentKind::Weight && argument.role == head &&
        argument.form != WeightForm::InputScale)
      argument.paddingRows = padding;
  result(ResultKind::Logits, "logits", logits);
}

} // namespace

func::FuncOp streamtensor::frontend::buildTransformerGraph(
    ModuleOp module, const ModelConfig &config, GraphKind kind, int64_t tokens,
    int64_t maxLen, Precision precision, int64_t groupSize,
    GraphSignature &signature) {
  signature = GraphSignature();
  signature.kind = kind;
  signature.function = getGraphName(kind).str();
  bool prefill = kind == GraphKind::Prefill || kind == GraphKind::EmbedPrefill;
  signature.tokens = prefill ? tokens : 1;
  signature.keys = kind == GraphKind::Decode ? maxLen : signature.tokens;

  TensorGraph graph(module, signature.function);
  bool rope = !config.learnedPositions;
  graph.setDim("i", signature.tokens, /*keepUnit=*/true);
  // Prefill's keys are its tokens, kept like them when there is one.
  graph.setDim("j", signature.keys, /*keepUnit=*/prefill);
  // int4 weights come two per byte, paired along the dimension a layer
  // reduces: each such dimension is split into (half, 2) for w4a8. Row-major
  // [half, 2] is the same memory as the whole, so float tensors do not
  // change.
  int64_t pair = precision == Precision::W4A8 ? 2 : 1;
  graph.setDim("kp", pair);
  graph.setDim("np", pair);
  graph.setDim("dp", pair);
  graph.setDim("fp", pair);
  // Group-wise int4 scales: each reduced dimension is also split into
  // (group, within group), again the same memory.
  int64_t group = groupSize > 0 ? groupSize : 0;
  auto split = [&](const char *groupDim, const char *dim, int64_t size) {
    graph.setDim(groupDim, group ? size / group : 1);
    graph.setDim(dim, (group ? group : size) / pair);
  };
  split("kg", "k", config.hiddenSize);
  split("ng", "n", config.hiddenSize);
  split("dg", "d", config.headDim);
  split("fg", "f", config.intermediateSize);
  graph.setDim("g", config.numKeyValueHeads);
  graph.setDim("r", config.numHeads / config.numKeyValueHeads);
  graph.setDim("e", rope ? config.headDim / 2 : config.headDim);
  graph.setDim("v", config.vocabSize);
  graph.setDim("o", getHeadRows(config.vocabSize));

  graph.setDim("x", config.hiddenSize);
  graph.setDim("t", maxLen);

  BlockBuilder builder(graph, config, precision, groupSize, signature);
  if (kind == GraphKind::LMHead)
    builder.buildLMHead();
  else if (kind == GraphKind::EmbedPrefill || kind == GraphKind::EmbedDecode)
    builder.buildEmbedding(kind == GraphKind::EmbedDecode, maxLen);
  else
    builder.buildBlock(kind == GraphKind::Decode);
  func::FuncOp function = graph.finish(builder.results);
  // Weights are packed offline: the compiler may store each in the order
  // its DMA reads it (see dataflow-lower-kernel-to-func).
  // The embedding tables are read by rows at the ids, in place.
  bool gathers = kind == GraphKind::EmbedPrefill || kind == GraphKind::EmbedDecode;
  for (auto [index, argument] : llvm::enumerate(signature.arguments))
    if (argument.kind == ArgumentKind::Weight && !gathers)
      function.setArgAttr(index, "dataflow.packable",
                          UnitAttr::get(module.getContext()));
  return function;
}
