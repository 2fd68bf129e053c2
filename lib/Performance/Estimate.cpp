//===- Estimate.cpp - Simulated latency of a design, beside its bounds ----===//

#include "streamtensor/Performance/Estimate.h"

#include <map>

using namespace streamtensor;
using namespace streamtensor::perf;

Bounds perf::computeBounds(const AnalyzedKernel &kernel,
                           const Platform &platform) {
  Bounds bounds;
  // The precision of the MACs: the designs are float32 for now, one fmac
  // per MAC (a packed integer MAC would divide by the platform's packing).
  if (const OperatorSpec *mac = platform.lookupOperator("fmac"))
    bounds.dspsPerMac = std::max<int64_t>(1, mac->dsp);
  std::map<int64_t, int64_t> bytesPerChannel, portsPerChannel;
  for (const ProcessInfo &process : kernel.model.processes) {
    bounds.macs += process.macs;
    for (const DmaInfo &dma : process.dmas) {
      bounds.hbmBytes += dma.bytes;
      bytesPerChannel[dma.hbmChannel] += dma.bytes;
      ++portsPerChannel[dma.hbmChannel];
    }
  }
  double dsps = double(std::max<int64_t>(1, platform.getAvailableDsps()));
  bounds.computeCycles = double(bounds.macs) * bounds.dspsPerMac / dsps;

  // Each pseudo-channel the kernel's ports use gives its bandwidth, or
  // what its ports can take if that is less.
  double channelBytesPerCycle = platform.getHbmBytesPerCyclePerChannel();
  double portBytesPerCycle = double(platform.hbm.kernelPortBits) / 8.0;
  for (const auto &[channel, ports] : portsPerChannel) {
    double reachable =
        std::min(channelBytesPerCycle, double(ports) * portBytesPerCycle);
    bounds.reachableBytesPerCycle += reachable;
    // No channel moves its bytes faster than that either.
    bounds.memoryCycles = std::max(
        bounds.memoryCycles, double(bytesPerChannel[channel]) / reachable);
  }
  if (bounds.reachableBytesPerCycle > 0)
    bounds.memoryCycles =
        std::max(bounds.memoryCycles,
                 double(bounds.hbmBytes) / bounds.reachableBytesPerCycle);
  return bounds;
}

KernelEstimate perf::estimateKernel(const AnalyzedKernel &kernel,
                                    const Platform &platform, bool unbounded) {
  KernelEstimate estimate;
  mlir::func::FuncOp function = kernel.kernel;
  estimate.name = function.getName().str();
  Design design = kernel.model.design;
  if (unbounded)
    for (Fifo &fifo : design.fifos)
      fifo.depth = kUnboundedDepth;
  estimate.simulation = simulate(design);
  if (estimate.simulation.isDeadlocked())
    estimate.deadlock =
        formatDeadlockReport(design, estimate.simulation.deadlock);
  estimate.bounds = computeBounds(kernel, platform);
  return estimate;
}
