//===- ModelWeights.h - Weights packed per graph argument ------*- C++ -*-===//
//
// Where the values of a model's weights come from (its safetensors files,
// or seeded random numbers when it has none), and their packing into the
// layout of each weight argument of the block and LM-head graphs: rows of
// the [out, in] matrix picked and ordered as the graph's dimensions want
// them. The packed files are what the DMAs read at run time; nothing is
// rearranged on the device (paper section 5.5).
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_FRONTEND_MODELWEIGHTS_H
#define STREAMTENSOR_FRONTEND_MODELWEIGHTS_H

#include "streamtensor/Frontend/TransformerGraph.h"
#include "streamtensor/Model/ModelTensors.h"
#include "streamtensor/Model/SafeTensors.h"

#include <map>
#include <optional>

namespace streamtensor::frontend {

class WeightSource {
public:
  /// Values from `store` when given, else seeded random ones.
  WeightSource(const model::ModelConfig &config,
               std::optional<model::WeightStore> store, uint64_t seed);

  /// Checks that every expected tensor is stored (under its name or an
  /// alias) with its shape, without reading the data. Errors name the
  /// tensor and the file.
  llvm::Error checkTensors() const;

  const model::TensorSpec *findSpec(model::WeightRole role,
                                    int64_t layer) const;

  /// The tensor as stored, float32, row-major in its stored shape.
  llvm::Expected<std::vector<float>> read(const model::TensorSpec &spec);

  /// The tensor in [out, in] orientation (gpt2's [in, out] transposed).
  llvm::Expected<std::vector<float>> readOutIn(const model::TensorSpec &spec);

  bool isRandom() const { return !store; }
  const std::vector<model::TensorSpec> &getSpecs() const { return specs; }

private:
  const model::ModelConfig &config;
  std::optional<model::WeightStore> store;
  uint64_t seed;
  std::vector<model::TensorSpec> specs;
  /// The last tensor read in [out, in] form: q, k and v of gpt2 come from
  /// one fused tensor.
  std::string cachedName;
  std::vector<float> cachedValues;
};

/// How the linear layers are quantised: the precision and the calibrated
/// input scale of every layer (by getLinearName).
struct QuantizationScheme {
  Precision precision = Precision::FP32;
  /// Inputs per int4 weight scale (0: one scale per output channel).
  int64_t groupSize = 0;
  std::map<std::string, float> inputScales;
};

/// The bytes of a weight argument of a graph for `layer` (-1 outside the
/// layers), in the argument's row-major layout and element type: float32
/// values, or for quantised layers int8 values, the input scale repeated,
/// or the per-channel output scales.
llvm::Expected<std::string> packArgument(WeightSource &source,
                                         const GraphArgument &argument,
                                         int64_t layer,
                                         const QuantizationScheme &scheme);

/// The bytes of a row-major tensor of `shape` (elements of `elementBytes`)
/// laid out tile after tile: tiles of `tile` (which divides the shape),
/// their indices nested in `order` (data dimensions, outermost first), each
/// tile's elements row-major. The layout a DMA reads front to back.
std::string packTiles(llvm::StringRef bytes, int elementBytes,
                      llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<int64_t> tile,
                      llvm::ArrayRef<int64_t> order);

/// Stripe `stripe` of `packed`, split into `count` stripes by chunks of
/// `chunkBytes`: chunks stripe, stripe + count, ... (WeightStripe). The
/// bytes must be a whole number of rounds of `count` chunks.
std::string extractStripe(llvm::StringRef packed, int64_t stripe,
                          int64_t count, int64_t chunkBytes);

/// Symmetric per-row quantisation of a [rows, columns] matrix: per row,
/// scale = max |w| / qmax (1 when the row is zero) and
/// q = clamp(round_half_even(w / scale), -qmax, qmax).
void quantizeRows(const std::vector<float> &values, int64_t columns, int qmax,
                  std::vector<int8_t> &quantized, std::vector<float> &scales);

/// RoPE inverse frequencies of head_dim / 2 pairs for base `theta`, with the
/// config's rope_scaling when `scaled` (as HuggingFace computes them, in
/// float32).
std::vector<float> getRopeInverseFrequencies(const model::ModelConfig &config,
                                             double theta, bool scaled);

} // namespace streamtensor::frontend

#endif // STREAMTENSOR_FRONTEND_MODELWEIGHTS_H
