// The XRT backend: the kernels of the .xclbin on the FPGA. Weights, KV
// caches and activations live in device memory for the whole run; the host
// writes the token ids and reads back only the logits.
//
// A device buffer lives in one memory bank, and XRT requires the bank of a
// kernel port's connectivity. So every memory buffer (llm::planMemory: a
// model buffer, or with --layer-loop device an all-layer buffer) gets one
// xrt::bo per bank it is bound in (usually one); after a kernel writes one
// of them, it is copied on the device to the others, which keeps them equal
// between kernel runs (a partial write, such as a KV-cache row, is then
// correct).
#ifdef STREAMTENSOR_XRT

#include "llm_accelerator.h"

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace {

using llm::BindingKind;
using llm::BufferRef;

/// One step of a graph for one layer (or, with --layer-loop device, for
/// all of them), ready to start.
struct Invocation {
  xrt::run run;
  /// The scalar ports (XRT argument index) and what each takes.
  std::vector<std::pair<int, BufferRef::Kind>> scalars;
  /// Memory buffers the kernel stores to, and the bank of the port.
  std::vector<std::pair<std::string, xrt::memory_group>> written;
  /// Sub-buffers bound to ports, kept for as long as the run.
  std::vector<xrt::bo> slices;
  /// A copy step instead: from one model buffer to another.
  bool isCopy = false;
  llm::Placement copyFrom, copyTo;
  size_t copyBytes = 0;
};

bool isSamePlace(const llm::Placement &one, const llm::Placement &other) {
  return one.key == other.key && one.offset == other.offset;
}

class XrtAccelerator : public llm::Accelerator {
public:
  XrtAccelerator(const llm::Model &model, const llm::Params &params,
                 const llm::BackendOptions &options)
      : model(model), params(params), device(options.device),
        plan(llm::planMemory(model)) {
    xrt::uuid uuid = device.load_xclbin(options.xclbin);
    // One xrt::run per step and layer (or per stage, when the kernel walks
    // the layers), its buffers bound once: a call then only sets the
    // position (and the window of the layer).
    bool layered = llm::hasDeviceLayerLoop(model);
    for (llm::Stage stage : {llm::Stage::Prefill, llm::Stage::Decode}) {
      if (layered) {
        invocations[{int(stage), allLayers}] = prepareLayers(uuid, stage);
        continue;
      }
      for (int layer = 0; layer < model.layers; ++layer)
        invocations[{int(stage), layer}] =
            prepare(uuid, llm::getBlockGraph(model, stage), layer);
    }
    invocations[{-1, -1}] = prepare(uuid, model.lmHead, -1);
    for (llm::Stage stage : {llm::Stage::Prefill, llm::Stage::Decode})
      invocations[{int(stage), embeddingStep}] =
          prepare(uuid, llm::getEmbeddingGraph(model, stage), -1);
  }

  void embed(llm::Stage stage, const std::vector<int32_t> &tokens,
             int32_t position) override {
    size_t bytes = tokens.size() * sizeof(int32_t);
    const llm::Placement &ids =
        plan.place(BufferRef{BufferRef::Tokens, -1, 0, ""});
    if (bytes > ids.bytes)
      throw std::runtime_error("more tokens than the embedding takes");
    for (auto &[group, bo] : getBanks(ids.key)) {
      (void)group;
      bo.write(tokens.data(), bytes, ids.offset);
      bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, bytes, ids.offset);
    }
    for (Invocation &step : invocations.at({int(stage), embeddingStep}))
      start(step, position, 0);
  }

  void runLayer(llm::Stage stage, int layer, int32_t position,
                int32_t window) override {
    for (Invocation &step : invocations.at({int(stage), layer}))
      start(step, position, window);
  }

  void runLayers(llm::Stage stage, int32_t position) override {
    // The window port is set, but the kernel takes each layer's window from
    // the table.
    for (Invocation &step : invocations.at({int(stage), allLayers}))
      start(step, position, 0);
  }

  std::vector<float> runHead(int row) override {
    size_t rowBytes = size_t(model.hidden) * sizeof(float);
    const llm::Placement &last = plan.place(llm::getLastActivation(model));
    const llm::Placement &input =
        plan.place(BufferRef{BufferRef::HeadInput, -1, 0, ""});
    xrt::bo &from = getBanks(last.key).begin()->second;
    for (auto &[group, to] : getBanks(input.key)) {
      (void)group;
      to.copy(from, rowBytes, last.offset + size_t(row) * rowBytes,
              input.offset);
    }
    for (Invocation &step : invocations.at({-1, -1}))
      start(step, 0, 0);
    const llm::Placement &logits =
        plan.place(BufferRef{BufferRef::Logits, -1, 0, ""});
    xrt::bo &bo = getBanks(logits.key).begin()->second;
    std::vector<float> values(model.vocab);
    bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, values.size() * sizeof(float),
            logits.offset);
    bo.read(values.data(), values.size() * sizeof(float), logits.offset);
    return values;
  }

private:
  std::map<xrt::memory_group, xrt::bo> &getBanks(const std::string &key) {
    auto found = buffers.find(key);
    if (found == buffers.end() || found->second.empty())
      throw std::runtime_error("no kernel port is bound to " + key);
    return found->second;
  }

  /// Memory buffer `key`'s bo in `group`, allocated and filled (weights and
  /// RoPE tables; caches and activations zeroed) the first time.
  xrt::bo &getBo(const std::string &key, xrt::memory_group group) {
    std::map<xrt::memory_group, xrt::bo> &banks = buffers[key];
    auto found = banks.find(group);
    if (found != banks.end())
      return found->second;
    std::vector<char> contents = llm::getInitialContents(plan, params, key);
    xrt::bo bo(device, contents.size(), xrt::bo::flags::normal, group);
    bo.write(contents.data(), contents.size(), 0);
    bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, contents.size(), 0);
    return banks.emplace(group, bo).first->second;
  }

  std::vector<Invocation> prepare(const xrt::uuid &uuid,
                                  const llm::Graph &graph, int layer) {
    std::vector<Invocation> steps;
    for (int index = 0; index < graph.numSteps; ++index)
      steps.push_back(
          prepareStep(uuid, graph, graph.steps[index], layer, false));
    return steps;
  }

  /// The one kernel call of a layered block graph: every port bound to the
  /// start of its all-layer buffer, then the layer count and the table.
  std::vector<Invocation> prepareLayers(const xrt::uuid &uuid,
                                        llm::Stage stage) {
    const llm::Graph &graph = llm::getBlockGraph(model, stage);
    // Also checks that steps[0] is a kernel whose ports keep their buffer
    // over the layers.
    std::vector<int64_t> table = llm::buildLayerTable(model, plan, graph);
    // A later step can only be a copy of a buffer onto itself (a KV cache
    // the kernel updates in place): anything else would have to happen
    // between two layers, inside the kernel's call.
    for (int index = 1; index < graph.numSteps; ++index) {
      const llm::Step &step = graph.steps[index];
      for (int layer = 0; layer < model.layers; ++layer)
        if (step.kernel ||
            !isSamePlace(plan.place(llm::locate(model, graph, layer,
                                                step.bindings[0].kind,
                                                step.bindings[0].index)),
                         plan.place(llm::locate(model, graph, layer,
                                                step.bindings[1].kind,
                                                step.bindings[1].index))))
          throw std::runtime_error(std::string(graph.name) +
                                   " runs the layers in one call but has "
                                   "steps after its kernel");
    }
    const llm::Step &step = graph.steps[0];
    Invocation invocation = prepareStep(uuid, graph, step, 0, true);
    const xrt::kernel &kernel = kernels.at(step.kernel);
    int layersPort = step.numBindings, tablePort = step.numBindings + 1;
    // The table does not depend on the position: written once.
    size_t bytes = std::max(table.size(), size_t(1)) * sizeof(int64_t);
    xrt::bo tableBo(device, bytes, xrt::bo::flags::normal,
                    xrt::memory_group(kernel.group_id(tablePort)));
    tableBo.write(table.data(), table.size() * sizeof(int64_t), 0);
    tableBo.sync(XCL_BO_SYNC_BO_TO_DEVICE, table.size() * sizeof(int64_t), 0);
    invocation.run.set_arg(layersPort, int32_t(model.layers));
    invocation.run.set_arg(tablePort, tableBo);
    layerTables[int(stage)] = tableBo;
    std::vector<Invocation> steps;
    steps.push_back(std::move(invocation));
    return steps;
  }

  /// `whole`: bind each port to the start of the memory buffer holding its
  /// buffer (a layered graph, which adds the table's offsets itself);
  /// otherwise to the buffer itself.
  Invocation prepareStep(const xrt::uuid &uuid, const llm::Graph &graph,
                         const llm::Step &step, int layer, bool whole) {
    Invocation invocation;
    if (!step.kernel) {
      invocation.isCopy = true;
      invocation.copyFrom = plan.place(llm::locate(
          model, graph, layer, step.bindings[0].kind, step.bindings[0].index));
      invocation.copyTo = plan.place(llm::locate(
          model, graph, layer, step.bindings[1].kind, step.bindings[1].index));
      invocation.copyBytes = step.copyBytes;
      return invocation;
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
      const llm::Placement &placement = plan.place(buffer);
      auto group = xrt::memory_group(kernel->second.group_id(port));
      xrt::bo &bo = getBo(placement.key, group);
      if (whole || placement.offset == 0) {
        invocation.run.set_arg(port, bo);
      } else {
        // A part of an all-layer buffer, such as an activation slot.
        invocation.slices.push_back(
            xrt::bo(bo, placement.bytes, placement.offset));
        invocation.run.set_arg(port, invocation.slices.back());
      }
      if (binding.written)
        invocation.written.push_back({placement.key, group});
    }
    return invocation;
  }

  void start(Invocation &step, int32_t position, int32_t window) {
    if (step.isCopy) {
      if (isSamePlace(step.copyFrom, step.copyTo))
        return;
      xrt::bo &from = getBanks(step.copyFrom.key).begin()->second;
      for (auto &[group, to] : getBanks(step.copyTo.key)) {
        (void)group;
        to.copy(from, step.copyBytes, step.copyFrom.offset, step.copyTo.offset);
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
  llm::MemoryPlan plan;
  std::map<std::string, xrt::kernel> kernels;
  /// Per memory buffer, its bo in each memory bank it is bound in.
  std::map<std::string, std::map<xrt::memory_group, xrt::bo>> buffers;
  /// --layer-loop device: each stage's layer table on the device.
  std::map<int, xrt::bo> layerTables;
  /// Per (stage, layer), (stage, allLayers) with --layer-loop device,
  /// (stage, embeddingStep) for the embedding, or (-1, -1) for the LM head,
  /// its steps.
  static constexpr int embeddingStep = -1, allLayers = -2;
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
