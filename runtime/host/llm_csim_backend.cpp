// The C-simulation backend: each graph is its generated run_<graph>
// function, which calls the kernels' C++ on host memory.
#ifndef STREAMTENSOR_XRT

#include "llm_accelerator.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

namespace {

using llm::BindingKind;
using llm::BufferRef;

class CSimAccelerator : public llm::Accelerator {
public:
  CSimAccelerator(const llm::Model &model, const llm::Params &params)
      : model(model), params(params) {
    // Zeroed like the device's: rows past the position are masked, and a
    // masked row must not hold NaN (0 x NaN is NaN).
    for (const auto &[key, planned] : llm::planBuffers(model))
      if (planned.first.kind != BufferRef::Weight &&
          planned.first.kind != BufferRef::RopeGlobal &&
          planned.first.kind != BufferRef::RopeLocal)
        memory[key].assign(planned.second, 0);
  }

  void embed(llm::Stage stage, const std::vector<int32_t> &tokens,
             int32_t position) override {
    std::vector<char> &ids =
        memory.at(BufferRef{BufferRef::Tokens, -1, 0, ""}.key());
    if (tokens.size() * sizeof(int32_t) > ids.size())
      throw std::runtime_error("more tokens than the embedding takes");
    std::memcpy(ids.data(), tokens.data(), tokens.size() * sizeof(int32_t));
    run(llm::getEmbeddingGraph(model, stage), -1, position, 0);
  }

  void runLayer(llm::Stage stage, int layer, int32_t position,
                int32_t window) override {
    run(llm::getBlockGraph(model, stage), layer, position, window);
  }

  std::vector<float> runHead(int row) override {
    const char *last = memory.at(llm::getLastActivation(model).key()).data() +
                       size_t(row) * model.hidden * sizeof(float);
    std::vector<char> &input =
        memory.at(BufferRef{BufferRef::HeadInput, -1, 0, ""}.key());
    std::memcpy(input.data(), last, size_t(model.hidden) * sizeof(float));
    run(model.lmHead, -1, 0, 0);
    const std::vector<char> &logits =
        memory.at(BufferRef{BufferRef::Logits, -1, 0, ""}.key());
    std::vector<float> values(model.vocab);
    std::memcpy(values.data(), logits.data(), values.size() * sizeof(float));
    return values;
  }

private:
  void *getAddress(const BufferRef &buffer) {
    switch (buffer.kind) {
    case BufferRef::Weight:
      // The generated function takes non-const pointers; weights are only
      // read through them.
      return const_cast<char *>(
          llm::getWeights(params, buffer.layer).at(buffer.name).data());
    case BufferRef::RopeGlobal:
      return const_cast<float *>(params.invFreqGlobal.data());
    case BufferRef::RopeLocal:
      return const_cast<float *>(params.invFreqLocal.data());
    default:
      return memory.at(buffer.key()).data();
    }
  }

  void run(const llm::Graph &graph, int layer, int32_t position,
           int32_t window) {
    std::vector<const void *> args;
    for (int index = 0; index < graph.numArgs; ++index) {
      BufferRef buffer =
          llm::locate(model, graph, layer, BindingKind::Argument, index);
      if (buffer.kind == BufferRef::Position)
        args.push_back(&position);
      else if (buffer.kind == BufferRef::Window)
        args.push_back(&window);
      else
        args.push_back(getAddress(buffer));
    }
    std::vector<void *> results;
    for (int index = 0; index < graph.numResults; ++index)
      results.push_back(getAddress(
          llm::locate(model, graph, layer, BindingKind::Result, index)));
    graph.run(args.data(), results.data());
  }

  const llm::Model &model;
  const llm::Params &params;
  std::map<std::string, std::vector<char>> memory;
};

} // namespace

const char *llm::getBackendName() { return "C simulation"; }

const char *llm::getTimingNote() {
  return "csim wall time, not device performance";
}

std::unique_ptr<llm::Accelerator>
llm::createAccelerator(const Model &model, const Params &params,
                       const BackendOptions &options) {
  if (!options.xclbin.empty())
    throw std::runtime_error("--xclbin needs the XRT host program (make host)");
  return std::make_unique<CSimAccelerator>(model, params);
}

#endif
