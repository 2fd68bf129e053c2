//===- Calibration.h - Static activation scales of a model -----*- C++ -*-===//
//
// Quantised linear layers read int8 activations with one static scale per
// tensor (absmax / 127). The scales come from running the float32 model on
// a calibration prompt and recording the largest magnitude at the input of
// every linear layer: this is that run, a plain CPU evaluation of the
// families (prefill, causal attention), used for nothing else.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_FRONTEND_CALIBRATION_H
#define STREAMTENSOR_FRONTEND_CALIBRATION_H

#include "streamtensor/Frontend/ModelWeights.h"

#include <map>
#include <string>
#include <vector>

namespace streamtensor::frontend {

/// Input scale (absmax / 127, or 1 when the input was all zeros) of every
/// linear layer, keyed by getLinearName of its weight.
llvm::Expected<std::map<std::string, float>>
calibrateInputScales(const model::ModelConfig &config, WeightSource &source,
                     const std::vector<int64_t> &prompt);

} // namespace streamtensor::frontend

#endif // STREAMTENSOR_FRONTEND_CALIBRATION_H
