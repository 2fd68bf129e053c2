//===- ModelWeights.cpp - Weights of a model, packed per graph argument ---===//

#include "streamtensor/Frontend/ModelWeights.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>

using namespace streamtensor;
using namespace streamtensor::frontend;
using model::TensorSpec;
using model::WeightRole;

WeightSource::WeightSource(const model::ModelConfig &config,
                           std::optional<model::WeightStore> store,
                           uint64_t seed)
    : config(config), store(std::move(store)), seed(seed),
      specs(model::getExpectedTensors(config)) {}

namespace {

/// The stored tensor of `spec`, under its name or one of its aliases.
const model::StoredTensor *findStored(const model::WeightStore &store,
                                      const TensorSpec &spec) {
  if (const model::StoredTensor *found = store.find(spec.name))
    return found;
  for (const std::string &alias : spec.aliases)
    if (const model::StoredTensor *found = store.find(alias))
      return found;
  return nullptr;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t index = 0; index < shape.size(); ++index)
    text += (index ? ", " : "") + std::to_string(shape[index]);
  return text + "]";
}

} // namespace

llvm::Error WeightSource::checkTensors() const {
  if (!store)
    return llvm::Error::success();
  for (const TensorSpec &spec : specs) {
    const model::StoredTensor *stored = findStored(*store, spec);
    if (!stored)
      return llvm::createStringError(
          "%s: missing tensor '%s' (expected shape %s)", config.path.c_str(),
          spec.name.c_str(), formatShape(spec.shape).c_str());
    if (stored->shape != spec.shape)
      return llvm::createStringError(
          "%s: tensor '%s' has shape %s, expected %s", stored->file.c_str(),
          stored->name.c_str(), formatShape(stored->shape).c_str(),
          formatShape(spec.shape).c_str());
    if (stored->dtype != "F32" && stored->dtype != "F16" &&
        stored->dtype != "BF16")
      return llvm::createStringError(
          "%s: tensor '%s' has dtype %s; only F32, F16 and BF16 weights are "
          "read",
          stored->file.c_str(), stored->name.c_str(), stored->dtype.c_str());
  }
  return llvm::Error::success();
}

const TensorSpec *WeightSource::findSpec(WeightRole role, int64_t layer) const {
  for (const TensorSpec &spec : specs)
    if (spec.role == role && spec.layer == layer)
      return &spec;
  return nullptr;
}

llvm::Expected<std::vector<float>> WeightSource::read(const TensorSpec &spec) {
  if (!store)
    return model::makeRandomWeights(spec, seed);
  const model::StoredTensor *stored = findStored(*store, spec);
  return store->readFloat32(stored ? stored->name : spec.name, spec.shape);
}

llvm::Expected<std::vector<float>>
WeightSource::readOutIn(const TensorSpec &spec) {
  if (cachedName == spec.name)
    return cachedValues;
  llvm::Expected<std::vector<float>> values = read(spec);
  if (!values)
    return values.takeError();
  if (spec.transposed && spec.shape.size() == 2) {
    int64_t in = spec.shape[0], out = spec.shape[1];
    std::vector<float> transposed(values->size());
    for (int64_t row = 0; row < in; ++row)
      for (int64_t column = 0; column < out; ++column)
        transposed[column * in + row] = (*values)[row * out + column];
    *values = std::move(transposed);
  }
  cachedName = spec.name;
  cachedValues = *values;
  return values;
}

void streamtensor::frontend::quantizeRows(const std::vector<float> &values,
                                          int64_t columns, int qmax,
                                          std::vector<int8_t> &quantized,
                                          std::vector<float> &scales) {
  int64_t rows = columns ? int64_t(values.size()) / columns : 0;
  quantized.resize(values.size());
  scales.resize(rows);
  for (int64_t row = 0; row < rows; ++row) {
    float largest = 0;
    for (int64_t column = 0; column < columns; ++column)
      largest = std::max(largest, std::fabs(values[row * columns + column]));
    float scale = largest > 0 ? largest / float(qmax) : 1.0f;
    scales[row] = scale;
    for (int64_t column = 0; column < columns; ++column) {
      float value = std::nearbyint(values[row * columns + column] / scale);
      value = std::min(std::max(value, -float(qmax)), float(qmax));
      quantized[row * columns + column] = int8_t(value);
    }
  }
}

namespace {

std::string getBytes(const void *data, size_t bytes) {
  return std::string(static_cast<const char *>(data), bytes);
}

} // namespace

llvm::Expected<std::string> streamtensor::frontend::packArgument(
    WeightSource &source, const GraphArgument &argument, int64_t layer,
    const QuantizationScheme &scheme) {
  // Embeddings and the LM head are global tensors whatever the graph.
  bool global = argument.role == WeightRole::TokenEmbedding ||
                argument.role == WeightRole::PositionEmbedding ||
                argument.role == WeightRole::LMHead ||
                argument.role == WeightRole::FinalNormWeight ||
                argument.role == WeightRole::FinalNormBias;
  const TensorSpec *spec = source.findSpec(argument.role, global ? -1 : layer);
  if (!spec)
    return llvm::createStringError("no tensor of the model provides graph "
                                   "argument '%s'",
                                   argument.name.c_str());
  int64_t elements = model::getNumElements(argument.shape);
  float inputScale = 1.0f;
  if (argument.form != WeightForm::Values) {
    auto found = scheme.inputScales.find(getLinearName(*spec));
    if (found == scheme.inputScales.end())
      return llvm::createStringError("no calibrated input scale for '%s'",
                                     getLinearName(*spec).c_str());
    inputScale = found->second;
  }
  if (argument.form == WeightForm::InputScale) {
    std::vector<float> repeated(elements, inputScale);
    return getBytes(repeated.data(), repeated.size() * sizeof(float));
  }

  llvm::Expected<std::vector<float>> values = source.readOutIn(*spec);
  if (!values)
    return values.takeError();
  int64_t rows = spec->transposed ? spec->shape.back() : spec->shape.front();
  int64_t columns = int64_t(values->size()) / rows;
  std::vector<float> selected;
  if (argument.rows.empty()) {
    selected = std::move(*values);
  } else {
    selected.reserve(argument.rows.size() * columns);
    for (int64_t row : argument.rows)
      selected.insert(selected.end(), values->begin() + row * columns,
                      values->begin() + (row + 1) * columns);
  }
  selected.resize(selected.size() + argument.paddingRows * columns, 0.0f);
  if (argument.form == WeightForm::Values)
    return getBytes(selected.data(), selected.size() * sizeof(float));

  // Group-wise scales quantise each group of a row as a row of its own;
  // the scales come out row by row, group by group, as the argument wants.
  int64_t group = scheme.groupSize > 0 ? scheme.groupSize : columns;
  if (columns % group)
    return llvm::createStringError("group size %lld does not divide the %lld "
                                   "inputs of '%s'",
                                   (long long)group, (long long)columns,
                                   argument.name.c_str());
  std::vector<int8_t> quantized;
  std::vector<float> scales;
  quantizeRows(selected, group, getWeightQuantMax(scheme.precision), quantized,
               scales);
  if (argument.form == WeightForm::Quantized &&
      scheme.precision == Precision::W4A8) {
    // Two per byte along the row: element 2k low, 2k + 1 high. The high
    // one is shifted as a byte: shifting a negative int left is undefined
    // (before C++20).
    std::vector<uint8_t> packed(quantized.size() / 2);
    for (size_t index = 0; index < packed.size(); ++index)
      packed[index] = uint8_t(quantized[2 * index] & 0xF) |
                      uint8_t(uint8_t(quantized[2 * index + 1]) << 4);
    return getBytes(packed.data(), packed.size());
  }
  if (argument.form == WeightForm::Quantized)
    return getBytes(quantized.data(), quantized.size());
  for (float &scale : scales)
    scale = inputScale * scale;
  return getBytes(scales.data(), scales.size() * sizeof(float));
}

std::vector<float> streamtensor::frontend::getRopeInverseFrequencies(
    const model::ModelConfig &config, double theta, bool scaled) {
  int64_t dim = config.headDim;
  std::vector<float> inverse;
  for (int64_t index = 0; index < dim / 2; ++index)
    inverse.push_back(1.0f /
                      std::pow(float(theta), float(2 * index) / float(dim)));
  const model::RopeScaling &scaling = config.ropeScaling;
  if (!scaled || scaling.type.empty())
    return inverse;
  float factor = float(scaling.factor);
  if (scaling.type == "linear") {
    for (float &value : inverse)
      value /= factor;
    return inverse;
  }
  // llama3: long wavelengths slowed by `factor`, short ones kept, the band
  // between them interpolated.
  float original = float(scaling.originalMaxPositions);
  float low = float(scaling.lowFreqFactor),
        high = float(scaling.highFreqFactor);
  float lowWavelength = original / low, highWavelength = original / high;
  for (float &value : inverse) {
    float wavelength = 2.0f * float(M_PI) / value;
    if (wavelength > lowWavelength) {
      value /= factor;
    } else if (wavelength >= highWavelength) {
      float smooth = (original / wavelength - low) / (high - low);
      value = (1.0f - smooth) * value / factor + smooth * value;
    }
  }
  return inverse;
}

std::string streamtensor::frontend::packTiles(llvm::StringRef bytes,
                                              int elementBytes,
                                              llvm::ArrayRef<int64_t> shape,
                                              llvm::ArrayRef<int64_t> tile,
                                              llvm::ArrayRef<int64_t> order) {
  size_t rank = shape.size();
  // Row-major strides of the tensor, in elements.
  std::vector<int64_t> strides(rank, 1);
  for (size_t dim = rank; dim-- > 1;)
    strides[dim - 1] = strides[dim] * shape[dim];
  // The packed tensor is [tiles along order..., tile...]: walk it in its
  // row-major order with an odometer, and copy from where each element is.
  std::vector<int64_t> extents, steps;
  for (int64_t dim : order) {
    extents.push_back(shape[dim] / tile[dim]);
    steps.push_back(strides[dim] * tile[dim]);
  }
  for (size_t dim = 0; dim < rank; ++dim) {
    extents.push_back(tile[dim]);
    steps.push_back(strides[dim]);
  }
  std::string packed;
  packed.reserve(bytes.size());
  std::vector<int64_t> counter(extents.size(), 0);
  int64_t source = 0;
  for (size_t done = 0; done * elementBytes < bytes.size(); ++done) {
    packed.append(bytes.data() + source * elementBytes, elementBytes);
    for (size_t digit = extents.size(); digit-- > 0;) {
      source += steps[digit];
      if (++counter[digit] < extents[digit])
        break;
      source -= steps[digit] * extents[digit];
      counter[digit] = 0;
    }
  }
  return packed;
}

std::string streamtensor::frontend::extractStripe(llvm::StringRef packed,
                                                  int64_t stripe,
                                                  int64_t count,
                                                  int64_t chunkBytes) {
  std::string bytes;
  int64_t round = chunkBytes * count;
  if (chunkBytes <= 0 || round <= 0 || packed.size() % round)
    return bytes;
  bytes.reserve(packed.size() / count);
  for (size_t start = stripe * chunkBytes; start < packed.size();
       start += round)
    bytes.append(packed.data() + start, chunkBytes);
  return bytes;
}
