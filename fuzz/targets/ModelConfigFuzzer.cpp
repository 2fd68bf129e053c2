//===- ModelConfigFuzzer.cpp - Fuzz the config.json reader ----------------===//
//
// The input is the text of a config.json. A config the reader accepts must
// hold what the compiler relies on without checking again: positive sizes,
// heads that group evenly, a finite attention scale.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "streamtensor/Model/ModelConfig.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace streamtensor;
using namespace streamtensor::model;
using fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<ModelConfig> config = parseModelConfig(text, "config.json");
  if (!config) {
    fuzz::checkErrorMessage(config.takeError(), "config.json: ");
    return 0;
  }

  for (int64_t value :
       {config->hiddenSize, config->intermediateSize, config->numLayers,
        config->numHeads, config->numKeyValueHeads, config->headDim,
        config->vocabSize, config->maxPositions})
    check(value > 0, "accepted a config with a size of " + llvm::Twine(value));
  check(config->numHeads % config->numKeyValueHeads == 0,
        "accepted heads that do not group evenly");
  check(!getModelType(config->family).empty(), "family without a model_type");

  double scale = config->getAttentionScale();
  check(std::isfinite(scale) && scale > 0, "attention scale not positive");
  check(std::isfinite(config->normEps) && config->normEps > 0,
        "norm epsilon not positive");
  for (int64_t layer = 0; layer < std::min<int64_t>(config->numLayers, 64);
       ++layer) {
    double theta = config->getRopeTheta(layer);
    check(std::isfinite(theta) && theta > 0, "RoPE base not positive");
  }
  return 0;
}
