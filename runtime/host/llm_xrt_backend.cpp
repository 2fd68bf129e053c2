// The XRT backend: the kernels of the .xclbin on the FPGA. Weights, KV
// caches and activations live in device memory for the whole run; the host
// writes the token ids and reads back only the logits.
//
// A device buffer lives in one memory bank, and XRT requires the bank of a
// kernel port's connectivity. So every model buffer gets one xrt::bo per
// bank it is bound in (usually one); after a kernel writes one of them, it
// is copied on the device to the others, which keeps them equal between
// kernel runs (a partial write, such as a KV-cache row, is then correct).
#ifdef STREAMTENSOR_XRT

#include "llm_accelerator.h"

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <map>
#include <stdexcept>

namespace {

using llm::BindingKind;
using llm::BufferRef;

/// One step of a graph for one layer, ready to start.
struct Invocation {
  xrt::run run;
  /// The scalar ports (XRT argument index) and what each takes.
  std::vector<std::pair<int, BufferRef::Kind>> scalars;
  /// Buffers the kernel stores to, and the bank of the port.
  std::vector<std::pair<std::string, xrt::memory_group>> written;
  /// A copy step instead: from one model buffer to another.
  std::string copyFrom, copyTo;
  size_t copyBytes = 0;
};

class XrtAccelerator : public llm::Accelerator {
public:
  XrtAccelerator(const llm::Model &model, const llm::Params &params,
                 const llm::BackendOptions &options)
      : model(model), params(params), device(options.device),
        plan(llm::planBuffers(model)) {
    xrt::uuid uuid = device.load_xclbin(options.xclbin);
    // One xrt::run per step and layer, its buffers bound once: a layer's
    // call then only sets the position and the window.
    for (llm::Stage stage : {llm::Stage::Prefill, llm::Stage::Decode})
      for (int layer = 0; layer < model.layers; ++layer)
        invocations[{int(stage), layer}] =
            prepare(uuid, llm::getBlockGraph(model, stage), layer);
    invocations[{-1, -1}] = prepare(uuid, model.lmHead, -1);
    for (llm::Stage stage : {llm::Stage::Prefill, llm::Stage::Decode})
      invocations[{int(stage), embeddingStep}] =
          prepare(uuid, llm::getEmbeddingGraph(model, stage), -1);
  }

  void embed(llm::Stage stage, const std::vector<int32_t> &tokens,
             int32_t position) override {
    size_t bytes = tokens.size() * sizeof(int32_t);
    for (auto &[group, bo] :
         getBanks(BufferRef{BufferRef::Tokens, -1, 0, ""}.key())) {
      (void)group;
      if (bytes > bo.size())
        throw std::runtime_error("more tokens than the embedding takes");
      bo.write(tokens.data(), bytes, 0);
      bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, bytes, 0);
    }
    for (Invocation &step : invocations.at({int(stage), embeddingStep}))
      start(step, position, 0);
  }

  void runLayer(llm::Stage stage, int layer, int32_t position,
                int32_t window) override {
    for (Invocation &step : invocations.at({int(stage), layer}))
      start(step, position, window);
  }

  std::vector<float> runHead(int row) override {
    size_t rowBytes = size_t(model.hidden) * sizeof(float);
    xrt::bo &last =
        getBanks(llm::getLastActivation(model).key()).begin()->second;
    for (auto &[group, input] :
         getBanks(BufferRef{BufferRef::HeadInput, -1, 0, ""}.key())) {
      (void)group;
      input.copy(last, rowBytes, size_t(row) * rowBytes, 0);
    }
    for (Invocation &step : invocations.at({-1, -1}))
      start(step, 0, 0);
    xrt::bo &logits =
        getBanks(BufferRef{BufferRef::Logits, -1, 0, ""}.key()).begin()->second;
    std::vector<float> values(model.vocab);
    logits.sync(XCL_BO_SYNC_BO_FROM_DEVICE, values.size() * sizeof(float), 0);
    logits.read(values.data(), values.size() * sizeof(float), 0);
    return values;
  }

private:
  std::map<xrt::memory_group, xrt::bo> &getBanks(const std::string &key) {
    auto found = buffers.find(key);
    if (found == buffers.end() || found->second.empty())
      throw std::runtime_error("no kernel port is bound to " + key);
    return found->second;
  }

  /// The buffer's bo in `group`, allocated and filled the first time.
  xrt::bo &getBo(const BufferRef &buffer, xrt::memory_group group) {
    std::map<xrt::memory_group, xrt::bo> &banks = buffers[buffer.key()];
    auto found = banks.find(group);
    if (found != banks.end())
      return found->second;
    size_t bytes = plan.at(buffer.key()).second;
    xrt::bo bo(device, bytes, xrt::bo::flags::normal, group);
    std::vector<char> contents(bytes, 0);
    if (buffer.kind == BufferRef::Weight) {
      contents = llm::getWeights(params, buffer.layer).at(buffer.name);
    } else if (buffer.kind == BufferRef::RopeGlobal ||
               buffer.kind == BufferRef::RopeLocal) {
      const std::vector<float> &table = buffer.kind == BufferRef::RopeGlobal
                                            ? params.invFreqGlobal
                                            : params.invFreqLocal;
      contents.assign(
          reinterpret_cast<const char *>(table.data()),
          reinterpret_cast<const char *>(table.data() + table.size()));
    }
    // Caches start zeroed: masked rows are multiplied by 0, and 0 x NaN of
    // uninitialised memory would be NaN.
    bo.write(contents.data(), contents.size(), 0);
    bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, contents.size(), 0);
    return banks.emplace(group, bo).first->second;
  }

  std::vector<Invocation> prepare(const xrt::uuid &uuid,
                                  const llm::Graph &graph, int layer) {
    std::vector<Invocation> steps;
    for (int index = 0; index < graph.numSteps; ++index) {
      const llm::Step &step = graph.steps[index];
      Invocation invocation;
      if (!step.kernel) {
        invocation.copyFrom =
            llm::locate(model, graph, layer, step.bindings[0].kind,
                        step.bindings[0].index)
                .key();
        invocation.copyTo =
            llm::locate(model, graph, layer, step.bindings[1].kind,
                        step.bindings[1].index)
                .key();
        invocation.copyBytes = step.copyBytes;
        steps.push_back(std::move(invocation));
        continue;
      }
      auto kernel = kernels.find(step.kernel);
      if (kernel == kernels.end())
        kernel =
            kernels.emplace(step.kernel, xrt::kernel(device, uuid, step.kernel))
                .first;
      invocation.run = xrt::run(kernel->second);
      // The bindings are in the order of the kernel's parameters in
      // hls/kernels.h, which is the order of its XRT arguments.
      for (int port = 0; port < step.numBindings; ++port) {
        const llm::Binding &binding = step.bindings[port];
        BufferRef buffer =
            llm::locate(model, graph, layer, binding.kind, binding.index);
        if (binding.kind == BindingKind::Scalar) {
          if (!buffer.isScalar())
            throw std::runtime_error(std::string("port ") + binding.port +
                                     " of " + step.kernel +
                                     " is a scalar the host cannot set");
          invocation.scalars.push_back({port, buffer.kind});
          continue;
        }
        auto group = xrt::memory_group(kernel->second.group_id(port));
        invocation.run.set_arg(port, getBo(buffer, group));
        if (binding.written)
          invocation.written.push_back({buffer.key(), group});
      }
      steps.push_back(std::move(invocation));
    }
    return steps;
  }

  void start(Invocation &step, int32_t position, int32_t window) {
    if (!step.copyFrom.empty()) {
      if (step.copyFrom == step.copyTo)
        return;
      xrt::bo &from = getBanks(step.copyFrom).begin()->second;
      for (auto &[group, to] : getBanks(step.copyTo)) {
        (void)group;
        to.copy(from, step.copyBytes, 0, 0);
      }
      return;
    }
    for (auto [port, kind] : step.scalars)
      step.run.set_arg(port, kind == BufferRef::Position ? position : window);
    step.run.start();
    ert_cmd_state state = step.run.wait();
    if (state != ERT_CMD_STATE_COMPLETED)
      throw std::runtime_error("a kernel run ended in state " +
                               std::to_string(int(state)));
    for (const auto &[key, group] : step.written) {
      std::map<xrt::memory_group, xrt::bo> &banks = getBanks(key);
      xrt::bo &fresh = banks.at(group);
      for (auto &[other, bo] : banks)
        if (other != group)
          bo.copy(fresh, bo.size(), 0, 0);
    }
  }

  const llm::Model &model;
  const llm::Params &params;
  xrt::device device;
  std::map<std::string, std::pair<BufferRef, size_t>> plan;
  std::map<std::string, xrt::kernel> kernels;
  /// Per model buffer, its bo in each memory bank it is bound in.
  std::map<std::string, std::map<xrt::memory_group, xrt::bo>> buffers;
  /// Per (stage, layer), (stage, embeddingStep) for the embedding, or
  /// (-1, -1) for the LM head, its steps.
  static constexpr int embeddingStep = -1;
  std::map<std::pair<int, int>, std::vector<Invocation>> invocations;
};

} // namespace

const char *llm::getBackendName() { return "XRT"; }

const char *llm::getTimingNote() { return "host clock around the XRT calls"; }

std::unique_ptr<llm::Accelerator>
llm::createAccelerator(const Model &model, const Params &params,
                       const BackendOptions &options) {
  if (options.xclbin.empty())
    throw std::runtime_error("--xclbin FILE: the XRT host needs the design's "
                             ".xclbin (make link)");
  return std::make_unique<XrtAccelerator>(model, params, options);
}

#endif
