//===- PowerModel.h - Energy of a design from its resources -----*- C++ -*-===//
//
// An estimate of the energy a design draws from the card: the card's idle
// power over the whole run, the fabric's dynamic power while a kernel is
// busy, and the energy of the bits moved to and from HBM. The figures come
// from the platform file (platforms/<name>.json, "power"), each with its
// source; docs/power.md lists them and what the model leaves out.
//
// The model is deliberately first-order. Dynamic CMOS power is
// activity x capacitance x V^2 x f: at a fixed voltage and a fixed toggle
// rate it is linear in the clock frequency and in the fraction of cycles the
// logic switches, so the per-resource figures, given at one clock and one
// toggle rate, are scaled by clockMHz / referenceClockMHz and by the busy
// fraction. Resource counts stand in for the switched capacitance, as in
// the vendor's early estimator (XPE), which also prices each resource kind
// per unit at a clock and a toggle rate.
//
// Left out, because no per-design figure for them is known before place and
// route: clock-tree and routing power beyond what the per-resource figures
// fold in, I/O and transceiver power, the HBM controller and PHY inside the
// FPGA, the HBM's own standby and refresh power beyond the card's idle
// reading, and the rise of leakage with temperature. Every output is an
// estimate, not a measurement.
//
// Plain C++: no MLIR or LLVM dependency, unit-tested directly.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_POWERMODEL_H
#define STREAMTENSOR_ANALYSIS_POWERMODEL_H

#include "streamtensor/Analysis/Resources.h"

#include <vector>

namespace streamtensor::power {

/// The card's figures, as the platform file gives them.
struct PowerFigures {
  /// What the card draws with its shell loaded and no kernel running:
  /// leakage, the shell, the idle HBM, the board. Drawn for the whole run.
  double staticWatts = 0;
  /// The clock the per-resource figures below are given at.
  double referenceClockMHz = 0;
  /// The switching activity they assume (XPE's default is 12.5%). The model
  /// does not rescale by it: a busy kernel is assumed to toggle at this
  /// rate, since nothing finer is known before the design runs. It is kept
  /// so that reports can say what the figures mean.
  double toggleRate = 0;
  /// Dynamic watts of one resource of each kind, busy at referenceClockMHz
  /// and toggleRate.
  double wattsPerDsp = 0;
  double wattsPerLut = 0;
  double wattsPerFf = 0;
  double wattsPerBram18k = 0;
  double wattsPerUram = 0;
  /// Energy of one bit read from or written to HBM, in picojoules.
  double hbmPicojoulesPerBit = 0;

  /// Dynamic watts of `resources`, all busy at referenceClockMHz.
  double getFabricWatts(const Resources &resources) const;
};

/// A stretch of the run: one kernel call, or the host's time between calls.
struct Phase {
  double seconds = 0;
  /// The resources of the kernel that runs; zero for host gaps.
  Resources active;
  /// Fraction of the phase the kernel's logic switches, in [0, 1]: busy
  /// cycles over all cycles, as the simulator counts them. A stalled task
  /// holds its registers, so it is taken to draw no dynamic power.
  double busyFraction = 0;
  /// Bytes moved to and from HBM during the phase.
  double hbmBytes = 0;
};

/// Joules, by where they go.
struct Energy {
  double staticJoules = 0;
  double fabricJoules = 0;
  double hbmJoules = 0;

  double joules() const { return staticJoules + fabricJoules + hbmJoules; }
  /// Mean power over `seconds` (0 when seconds is not positive).
  double averageWatts(double seconds) const;
  /// `count` (tokens, say) per joule (0 when there is no energy).
  double perJoule(double count) const;

  Energy &operator+=(const Energy &other);
};

/// The energy of running `phases` one after the other with the kernel clock
/// at `clockMHz`. Static power counts over every phase's seconds, host gaps
/// included; fabric power over each phase's busy fraction, scaled linearly
/// by clockMHz / referenceClockMHz; HBM energy by the bytes moved, whatever
/// the clock (the energy of a bit does not depend on how fast it moves).
Energy estimateEnergy(const PowerFigures &figures, double clockMHz,
                      const std::vector<Phase> &phases);

} // namespace streamtensor::power

#endif // STREAMTENSOR_ANALYSIS_POWERMODEL_H
