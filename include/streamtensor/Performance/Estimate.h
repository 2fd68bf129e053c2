//===- Estimate.h - Simulated latency beside the bounds ---------*- C++ -*-===//
//
// Every kernel of a lowered design is simulated cycle by cycle (the
// Simulation/ library) and its latency printed beside what no design can
// beat on the platform: its multiply-accumulates over all the DSPs, and its
// HBM bytes over the bandwidth its ports can reach. An estimate below a
// bound is a bug in the model.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_PERFORMANCE_ESTIMATE_H
#define STREAMTENSOR_PERFORMANCE_ESTIMATE_H

#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Simulation/Simulator.h"

namespace streamtensor::perf {

struct Bounds {
  int64_t macs = 0;
  /// DSPs one multiply-accumulate of this precision takes.
  double dspsPerMac = 1;
  double computeCycles = 0;
  int64_t hbmBytes = 0;
  /// Bytes per cycle the kernel's ports can reach together.
  double reachableBytesPerCycle = 0;
  double memoryCycles = 0;

  double cycles() const { return std::max(computeCycles, memoryCycles); }
};

struct KernelEstimate {
  std::string name;
  SimulationResult simulation;
  Bounds bounds;
  /// Description of a deadlock, or empty.
  std::string deadlock;
};

/// Simulates `kernel` with its FIFO depths (or every FIFO unbounded).
KernelEstimate estimateKernel(const AnalyzedKernel &kernel,
                              const Platform &platform, bool unbounded);

/// The bounds of `kernel` on `platform`.
Bounds computeBounds(const AnalyzedKernel &kernel, const Platform &platform);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_PERFORMANCE_ESTIMATE_H
