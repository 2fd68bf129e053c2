//===- LayerLoopEstimate.cpp - Cycles of a block kernel that walks the layers =//

#include "LayerLoopEstimate.h"

#include "streamtensor/Analysis/LayerLoop.h"
#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Performance/KernelModel.h"
#include "streamtensor/Simulation/Simulator.h"
#include "streamtensor/Target/LayerLoop.h"

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;

FailureOr<LayerLoopCycles>
driver::estimateLayerLoop(CompiledGraph &graph, int64_t layers,
                          const Platform &platform) {
  FailureOr<LayerLoopPorts> ports = getLayerLoopPorts(graph);
  if (failed(ports))
    return failure();
  FailureOr<LayerLoopPlan> plan = buildLayerLoopPlan(
      ports->kernel, layers, ports->tablePorts, ports->activationInputs,
      ports->activationOutputs);
  if (failed(plan))
    return failure();
  FailureOr<perf::ModelParameters> params =
      perf::getModelParametersFor(platform, ports->kernel);
  if (failed(params))
    return failure();
  FailureOr<perf::KernelModel> model =
      perf::buildKernelModel(ports->kernel, *params);
  if (failed(model))
    return failure();

  // The model has a process per call: find each call's by its function.
  std::vector<int> processOfCall;
  for (LayerLoopPlan::ProcessUse &use : plan->processes) {
    int found = -1;
    for (auto [index, info] : llvm::enumerate(model->processes))
      if (info.func.getName() == use.call.getCallee())
        found = int(index);
    if (found < 0)
      return use.call.emitOpError("has no process in the kernel's model");
    processOfCall.push_back(found);
  }
  perf::LayerLoopSpec spec;
  spec.tableReadLatency = params->hbmReadLatency;
  for (auto [call, use] : llvm::enumerate(plan->processes))
    if (!use.tableOperands.empty())
      spec.tableReaders.push_back(processOfCall[call]);
  for (auto [writer, reader] : plan->syncs)
    spec.layerSyncs.push_back({processOfCall[writer], processOfCall[reader]});

  // The simulated cycles of `design`, or an error naming `what`.
  auto simulateDesign = [&](const perf::Design &design,
                            const llvm::Twine &what) -> FailureOr<int64_t> {
    perf::SimulationResult result = perf::simulate(design);
    if (result.status != perf::SimulationStatus::Completed)
      return ports->kernel.emitError(what)
             << " did not complete: "
             << (result.isDeadlocked()
                     ? perf::formatDeadlockReport(design, result.deadlock)
                     : result.error);
    return result.totalCycles;
  };
  auto simulateLayers = [&](int64_t count) -> FailureOr<int64_t> {
    spec.layers = count;
    std::string error;
    std::optional<perf::Design> layered =
        perf::loopLayers(model->design, spec, &error);
    if (!layered)
      return ports->kernel.emitError("layer loop: ") << error;
    return simulateDesign(*layered, "the layer loop's simulation of " +
                                        llvm::Twine(count) + " layers");
  };
  FailureOr<int64_t> host =
      simulateDesign(model->design, "the simulation of one layer");
  if (failed(host))
    return failure();
  FailureOr<int64_t> one = simulateLayers(1);
  if (failed(one))
    return failure();
  FailureOr<int64_t> two = simulateLayers(2);
  if (failed(two))
    return failure();
  LayerLoopCycles cycles;
  cycles.hostLayer = *host;
  cycles.oneLayer = *one;
  cycles.twoLayers = *two;
  cycles.allLayers = perf::extrapolateLayers(*one, *two, layers);
  return cycles;
}

bool driver::isDeviceLoopFaster(
    const std::map<std::string, LayerLoopCycles> &blocks, int64_t layers,
    int64_t outTokens, const Platform &platform) {
  double startUs = platform.host.invocationOverheadUs;
  double hostUs = 0, deviceUs = 0;
  for (auto [name, calls] :
       {std::pair<const char *, int64_t>{"block_prefill", 1},
        {"block_decode", std::max<int64_t>(0, outTokens - 1)}}) {
    auto found = blocks.find(name);
    if (found == blocks.end())
      return false;
    const LayerLoopCycles &cycles = found->second;
    hostUs += double(calls) * double(layers) *
              (double(cycles.hostLayer) / platform.kernelClockMHz + startUs);
    deviceUs += double(calls) *
                (double(cycles.allLayers) / platform.kernelClockMHz + startUs);
  }
  return deviceUs < hostUs;
}
