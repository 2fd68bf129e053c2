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

/// The values of a weight argument of a graph for `layer` (-1 outside the
/// layers), in the argument's row-major layout.
llvm::Expected<std::vector<float>> packArgument(WeightSource &source,
                                                const GraphArgument &argument,
                                                int64_t layer);

/// RoPE inverse frequencies of head_dim / 2 pairs for base `theta`, with the
/// config's rope_scaling when `scaled` (as HuggingFace computes them, in
/// float32).
std::vector<float> getRopeInverseFrequencies(const model::ModelConfig &config,
                                             double theta, bool scaled);

} // namespace streamtensor::frontend

#endif // STREAMTENSOR_FRONTEND_MODELWEIGHTS_H
