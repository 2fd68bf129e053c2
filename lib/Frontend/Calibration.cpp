//===- Calibration.cpp - Static activation scales of a model --------------===//

#include "streamtensor/Frontend/Calibration.h"

#include <algorithm>
#include <cmath>

using namespace streamtensor;
using namespace streamtensor::frontend;
using model::ModelConfig;
using model::WeightRole;

namespace {

/// Row-major [rows, columns] float matrix.
struct Matrix {
  int64_t rows = 0, columns = 0;
  std::vector<float> values;
  Matrix() = default;
  Matrix(int64_t rows, int64_t columns)
      : rows(rows), columns(columns), values(rows * columns, 0.0f) {}
  float &at(int64_t row, int64_t column) {
    return values[row * columns + column];
  }
  float at(int64_t row, int64_t column) const {
    return values[row * columns + column];
  }
};

class Calibrator {
public:
  Calibrator(const ModelConfig &config, WeightSource &source)
      : config(config), source(source) {}

  llvm::Error run(const std::vector<int64_t> &prompt);
  std::map<std::string, float> getScales() const;

private:
  /// A tensor of the model in [out, in] orientation.
  llvm::Expected<std::vector<float>> get(WeightRole role, int64_t layer) {
    const model::TensorSpec *spec = source.findSpec(role, layer);
    if (!spec)
      return llvm::createStringError("calibration: the model has no tensor "
                                     "of role %d in layer %lld",
                                     int(role), (long long)layer);
    return source.readOutIn(*spec);
  }

  void record(WeightRole role, int64_t layer, const Matrix &input) {
    const model::TensorSpec *spec = source.findSpec(role, layer);
    if (!spec)
      return;
    float &largest = absmax[getLinearName(*spec)];
    for (float value : input.values)
      largest = std::max(largest, std::fabs(value));
  }

  /// x [tokens, in] times the [out, in] weight, plus an optional bias.
  llvm::Expected<Matrix> linear(const Matrix &x, WeightRole role, int64_t layer,
                                int64_t firstRow, int64_t rows, bool bias,
                                WeightRole biasRole) {
    record(role, layer, x);
    llvm::Expected<std::vector<float>> weights = get(role, layer);
    if (!weights)
      return weights.takeError();
    std::vector<float> biases;
    if (bias) {
      llvm::Expected<std::vector<float>> values = get(biasRole, layer);
      if (!values)
        return values.takeError();
      biases = std::move(*values);
    }
    Matrix y(x.rows, rows);
    for (int64_t token = 0; token < x.rows; ++token)
      for (int64_t out = 0; out < rows; ++out) {
        const float *w = weights->data() + (firstRow + out) * x.columns;
        float sum = 0;
        for (int64_t in = 0; in < x.columns; ++in)
          sum += x.at(token, in) * w[in];
        y.at(token, out) = sum + (bias ? biases[firstRow + out] : 0.0f);
      }
    return y;
  }

  llvm::Expected<Matrix> norm(const Matrix &x, WeightRole weightRole,
                              WeightRole biasRole, int64_t layer) {
    llvm::Expected<std::vector<float>> weight = get(weightRole, layer);
    if (!weight)
      return weight.takeError();
    std::vector<float> bias;
    if (config.norm == model::NormKind::LayerNorm) {
      llvm::Expected<std::vector<float>> values = get(biasRole, layer);
      if (!values)
        return values.takeError();
      bias = std::move(*values);
    }
    Matrix y(x.rows, x.columns);
    for (int64_t token = 0; token < x.rows; ++token)
      normalizeRow(&x.values[token * x.columns], &y.values[token * x.columns],
                   x.columns, *weight, bias);
    return y;
  }

  void normalizeRow(const float *x, float *y, int64_t size,
                    const std::vector<float> &weight,
                    const std::vector<float> &bias) const {
    float mean = 0;
    if (config.norm == model::NormKind::LayerNorm) {
      for (int64_t index = 0; index < size; ++index)
        mean += x[index];
      mean /= float(size);
    }
    float squares = 0;
    for (int64_t index = 0; index < size; ++index)
      squares += (x[index] - mean) * (x[index] - mean);
    float scale =
        1.0f / std::sqrt(squares / float(size) + float(config.normEps));
    for (int64_t index = 0; index < size; ++index) {
      float gain = config.norm == model::NormKind::RMSNormPlusOne
                       ? 1.0f + weight[index]
                       : weight[index];
      y[index] = (x[index] - mean) * scale * gain +
                 (bias.empty() ? 0.0f : bias[index]);
    }
  }

  float activation(float x) const {
    if (config.activation == model::Activation::Silu)
      return x / (1.0f + std::exp(-x));
    float inner = std::sqrt(2.0f / float(M_PI)) * (x + 0.044715f * x * x * x);
    return 0.5f * x * (1.0f + std::tanh(inner));
  }

  llvm::Expected<Matrix> attention(const Matrix &h, int64_t layer);

  const ModelConfig &config;
  WeightSource &source;
  std::map<std::string, float> absmax;
};

llvm::Expected<Matrix> Calibrator::attention(const Matrix &h, int64_t layer) {
  int64_t heads = config.numHeads, kvHeads = config.numKeyValueHeads;
  int64_t headDim = config.headDim, hidden = config.hiddenSize;
  int64_t tokens = h.rows;
  auto project = [&](model::Projection which, int64_t rows) {
    model::ProjectionTensors tensors =
        model::getProjectionTensors(config, which);
    return linear(h, tensors.weight, layer, tensors.firstRow, rows,
                  config.qkvBias, tensors.bias);
  };
  llvm::Expected<Matrix> q = project(model::Projection::Query, heads * headDim);
  if (!q)
    return q.takeError();
  llvm::Expected<Matrix> k = project(model::Projection::Key, kvHeads * headDim);
  if (!k)
    return k.takeError();
  llvm::Expected<Matrix> v =
      project(model::Projection::Value, kvHeads * headDim);
  if (!v)
    return v.takeError();

  if (config.qkNorm) {
    for (auto [matrix, role] : {std::pair{&*q, WeightRole::QueryNormWeight},
                                std::pair{&*k, WeightRole::KeyNormWeight}}) {
      llvm::Expected<std::vector<float>> weight = get(role, layer);
      if (!weight)
        return weight.takeError();
      for (int64_t offset = 0; offset < int64_t(matrix->values.size());
           offset += headDim) {
        std::vector<float> row(matrix->values.begin() + offset,
                               matrix->values.begin() + offset + headDim);
        normalizeRow(row.data(), &matrix->values[offset], headDim, *weight, {});
      }
    }
  }
  if (!config.learnedPositions) {
    bool global = config.isGlobalLayer(layer);
    std::vector<float> inverse = getRopeInverseFrequencies(
        config, config.getRopeTheta(layer), /*scaled=*/global);
    int64_t half = headDim / 2;
    for (Matrix *matrix : {&*q, &*k})
      for (int64_t token = 0; token < tokens; ++token)
        for (int64_t offset = 0; offset < matrix->columns; offset += headDim)
          for (int64_t e = 0; e < half; ++e) {
            float angle = float(token) * inverse[e];
            float c = std::cos(angle), s = std::sin(angle);
            float &a = matrix->at(token, offset + e);
            float &b = matrix->at(token, offset + half + e);
            float first = a * c - b * s, second = b * c + a * s;
            a = first;
            b = second;
          }
  }
  bool local = config.slidingWindow > 0 && !config.isGlobalLayer(layer);
  float scale = float(config.getAttentionScale());
  Matrix out(tokens, heads * headDim);
  int64_t group = heads / kvHeads;
  for (int64_t head = 0; head < heads; ++head) {
    int64_t kvHead = head / group;
    for (int64_t query = 0; query < tokens; ++query) {
      std::vector<float> scores;
      float largest = -INFINITY;
      for (int64_t key = 0; key <= query; ++key) {
        float dot = 0;
        if (local && query - key >= config.slidingWindow) {
          scores.push_back(-INFINITY);
          continue;
        }
        for (int64_t d = 0; d < headDim; ++d)
          dot += q->at(query, head * headDim + d) *
                 k->at(key, kvHead * headDim + d);
        scores.push_back(dot * scale);
        largest = std::max(largest, dot * scale);
      }
      float total = 0;
      for (float &score : scores)
        total += score = std::exp(score - largest);
      for (int64_t key = 0; key <= query; ++key)
        for (int64_t d = 0; d < headDim; ++d)
          out.at(query, head * headDim + d) +=
              scores[key] / total * v->at(key, kvHead * headDim + d);
    }
  }
  return linear(out, WeightRole::OutputWeight, layer, 0, hidden,
                config.outputBiases, WeightRole::OutputBias);
}

llvm::Error Calibrator::run(const std::vector<int64_t> &prompt) {
  int64_t hidden = config.hiddenSize;
  int64_t tokens = int64_t(prompt.size());
  llvm::Expected<std::vector<float>> embedding =
      get(WeightRole::TokenEmbedding, -1);
  if (!embedding)
    return embedding.takeError();
  std::vector<float> positions;
  if (config.learnedPositions) {
    llvm::Expected<std::vector<float>> values =
        get(WeightRole::PositionEmbedding, -1);
    if (!values)
      return values.takeError();
    positions = std::move(*values);
  }
  float embedScale = config.scaleEmbeddings ? std::sqrt(float(hidden)) : 1.0f;
  Matrix x(tokens, hidden);
  for (int64_t token = 0; token < tokens; ++token)
    for (int64_t column = 0; column < hidden; ++column)
      x.at(token, column) =
          ((*embedding)[prompt[token] * hidden + column] +
           (positions.empty() ? 0.0f : positions[token * hidden + column])) *
          embedScale;

  for (int64_t layer = 0; layer < config.numLayers; ++layer) {
    llvm::Expected<Matrix> h = norm(x, WeightRole::AttentionNormWeight,
                                    WeightRole::AttentionNormBias, layer);
    if (!h)
      return h.takeError();
    llvm::Expected<Matrix> attended = attention(*h, layer);
    if (!attended)
      return attended.takeError();
    if (config.postNorms) {
      attended = norm(*attended, WeightRole::PostAttentionNormWeight,
                      WeightRole{}, layer);
      if (!attended)
        return attended.takeError();
    }
    for (size_t index = 0; index < x.values.size(); ++index)
      x.values[index] += attended->values[index];

    llvm::Expected<Matrix> m =
        norm(x, WeightRole::MlpNormWeight, WeightRole::MlpNormBias, layer);
    if (!m)
      return m.takeError();
    int64_t inner = config.intermediateSize;
    llvm::Expected<Matrix> up =
        linear(*m, WeightRole::UpWeight, layer, 0, inner, config.outputBiases,
               WeightRole::UpBias);
    if (!up)
      return up.takeError();
    Matrix activated(tokens, inner);
    if (config.gatedMlp) {
      llvm::Expected<Matrix> gate = linear(*m, WeightRole::GateWeight, layer, 0,
                                           inner, false, WeightRole{});
      if (!gate)
        return gate.takeError();
      for (size_t index = 0; index < activated.values.size(); ++index)
        activated.values[index] =
            activation(gate->values[index]) * up->values[index];
    } else {
      for (size_t index = 0; index < activated.values.size(); ++index)
        activated.values[index] = activation(up->values[index]);
    }
    llvm::Expected<Matrix> down =
        linear(activated, WeightRole::DownWeight, layer, 0, hidden,
               config.outputBiases, WeightRole::DownBias);
    if (!down)
      return down.takeError();
    if (config.postNorms) {
      down = norm(*down, WeightRole::PostMlpNormWeight, WeightRole{}, layer);
      if (!down)
        return down.takeError();
    }
    for (size_t index = 0; index < x.values.size(); ++index)
      x.values[index] += down->values[index];
  }
  llvm::Expected<Matrix> final =
      norm(x, WeightRole::FinalNormWeight, WeightRole::FinalNormBias, -1);
  if (!final)
    return final.takeError();
  absmax["lm_head.weight"] = 0;
  for (float value : final->values)
    absmax["lm_head.weight"] =
        std::max(absmax["lm_head.weight"], std::fabs(value));
  return llvm::Error::success();
}

std::map<std::string, float> Calibrator::getScales() const {
  std::map<std::string, float> scales;
  for (const auto &[name, largest] : absmax)
    scales[name] = largest > 0 ? largest / 127.0f : 1.0f;
  return scales;
}

} // namespace

llvm::Expected<std::map<std::string, float>>
streamtensor::frontend::calibrateInputScales(
    const ModelConfig &config, WeightSource &source,
    const std::vector<int64_t> &prompt) {
  Calibrator calibrator(config, source);
  if (llvm::Error error = calibrator.run(prompt))
    return std::move(error);
  return calibrator.getScales();
}
