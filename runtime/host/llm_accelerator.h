// The one interface between the host logic and the accelerator. Two
// backends implement it: C simulation (the generated kernel C++ on host
// memory, llm_csim_backend.cpp) and XRT (the FPGA, llm_xrt_backend.cpp,
// built with -DSTREAMTENSOR_XRT). Exactly one is compiled into a program.
#pragma once

#include "llm_buffers.h"
#include "llm_params.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llm {

class Accelerator {
public:
  virtual ~Accelerator() = default;

  /// Embeds `tokens` (ids within the vocabulary; at positions 0.. for
  /// prefill, at `position` for decode) on the accelerator, which gathers
  /// the rows of its tables: the first layer's input.
  virtual void embed(Stage stage, const std::vector<int32_t> &tokens,
                     int32_t position) = 0;
  /// Runs one layer of `stage`: its hidden state stays on the accelerator
  /// and its KV cache is updated in place there.
  virtual void runLayer(Stage stage, int layer, int32_t position,
                        int32_t window) = 0;
  /// --layer-loop device: runs every layer of `stage` in one kernel call,
  /// which reads each layer's window and buffers from the layer table.
  virtual void runLayers(Stage stage, int32_t position) = 0;
  /// The LM head on row `row` of the last layer's output: the logits.
  virtual std::vector<float> runHead(int row) = 0;
};

struct BackendOptions {
  /// XRT: the .xclbin to load and the device's index.
  std::string xclbin;
  unsigned device = 0;
};

/// What the backend compiled in is called, for messages.
const char *getBackendName();
/// What its timings mean, printed next to them.
const char *getTimingNote();

/// Loads the parameters onto the accelerator (once), ready to run.
std::unique_ptr<Accelerator> createAccelerator(const Model &model,
                                               const Params &params,
                                               const BackendOptions &options);

} // namespace llm
