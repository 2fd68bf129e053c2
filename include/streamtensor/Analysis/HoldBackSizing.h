//===- HoldBackSizing.h - Depths from the held-back schedule ----*- C++ -*-===//
//
// FIFO sizing with back-pressure (Normal mode; docs/resource-allocation.md).
// The paper sizes a FIFO for the schedule in which every task runs at its
// own pace from its earliest start, so a fast writer feeding a slow reader
// needs a FIFO for all it runs ahead. In hardware a full FIFO simply stalls
// the writer. Among the schedules that finish as early as the design does
// with unbounded FIFOs, the *held-back schedule* holds every process back
// as long as that delays nothing; its peak occupancies are depths.
//
// 1. Earliest schedule: the design simulated (Simulation/Simulator.h,
//    exact for the loop-tree model) with every sizable FIFO unbounded,
//    fixed ones (a ping-pong buffer's blocks) at their depth. It finishes at
//    L*; process p finishes at F_p.
// 2. Held-back schedule H: every event as late as possible such that every
//    process that writes no FIFO (a sink, e.g. a DMA store) still finishes
//    at F_p and every other one by L*. It is the reverse of the earliest
//    schedule of the time-reversed design (each loop tree mirrored, reads
//    and writes swapped, each sink delayed by L* - F_p): the simulator's
//    timing rules are max-plus inequalities, the same read backwards in
//    time, so one more simulation computes it exactly. A token holds its
//    slot from the cycle it is written through the cycle it is read, in
//    both directions of time, so the reversed run's peaks are H's.
// 3. Candidates, each checked by simulating the design with them: per FIFO
//    the smaller of the two peaks; the peaks of the schedule that take
//    fewer bits; the other schedule's; every FIFO as deep as its traffic.
//    The first that completes by L* gives the depths.
//
// A schedule's own peaks pass: the schedule meets every constraint of the
// design with those depths (its reads follow the writes, it never holds
// more tokens than a depth, it starts no earlier than cycle 0), and the
// simulator runs every event at the earliest cycle those constraints allow,
// so no event comes later than in the schedule. The simulator (like the C
// simulation) resolves waits in causal order, though: where the schedule
// starts an iteration before the read that makes room for its write, the
// waits can close a cycle. A FIFO found full in such a deadlock gets the
// slots of its writer's iterations in flight (ceil(latency / II)), which
// rules that out.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_HOLDBACKSIZING_H
#define STREAMTENSOR_ANALYSIS_HOLDBACKSIZING_H

#include "streamtensor/Analysis/ProcessModel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace streamtensor::fifo {

/// The schedule whose peak occupancies became the depths.
enum class Schedule {
  /// Per FIFO the smaller of the two peaks below (checked by simulation).
  Mixed,
  /// The held-back schedule H.
  HeldBack,
  /// The earliest schedule: every process at its own pace, as soon as its
  /// inputs allow, with unbounded FIFOs (the paper's model, simulated).
  Earliest,
  /// Every FIFO as deep as its traffic (when nothing else passes).
  Traffic,
};

struct HoldBackResult {
  /// Empty on success, otherwise why the design could not be sized (it is
  /// malformed, or deadlocks even with every sizable FIFO unbounded).
  std::string error;
  /// L*: the design's latency with every sizable FIFO unbounded.
  int64_t referenceCycles = 0;
  /// Per process: the cycle it finishes in the reference run, and the cycle
  /// its first loop iteration starts in the held-back schedule.
  std::vector<int64_t> referenceFinish;
  std::vector<int64_t> heldBackStart;
  /// Per FIFO of the design: the peak occupancy in the reference run (what
  /// the paper's schedule, every task at its own pace, needs), and the depth
  /// (the peak under the held-back schedule for a sizable FIFO, at least 1;
  /// the design's depth for a fixed one).
  std::vector<int64_t> referencePeaks;
  std::vector<int64_t> heldBackPeaks;
  std::vector<int64_t> depths;
  Schedule schedule = Schedule::Mixed;
  /// The latency of the design with these depths (the check's simulation):
  /// at most referenceCycles.
  int64_t checkedCycles = 0;
  /// Simulations run to check candidates, and the FIFOs that got the
  /// slots of their writer's iterations in flight (all sizable ones if
  /// paddedAll).
  int checks = 0;
  int paddedFifos = 0;
  bool paddedAll = false;
};

/// The simulations that size the FIFOs keep at most this many token slots
/// (SimulationOptions::maxKeptTokens, 16 bytes each: 4 GiB). The presets
/// need up to 189M (GPT-2 Medium); a model whose unbounded backlogs need
/// more is refused, rather than simulated until the machine runs out of
/// memory.
constexpr int64_t kMaxSizingTokens = int64_t(1) << 28;

/// Sizes the FIFOs of `design` for which `sizable[f]` is true (the others
/// keep their depth). A FIFO that lacks a writer or a reader keeps its depth
/// and is left out of the simulations.
HoldBackResult sizeByHoldBack(const perf::Design &design,
                              const std::vector<bool> &sizable);

/// The time-reversed design: every loop tree mirrored (children in reverse
/// order, each repetition's overhead at its end, reads and writes of every
/// leaf swapped), so that FIFO f carries the same tokens in the reverse
/// order and from its reader to its writer. Process p first idles for
/// `startDelays[p]` cycles (missing entries: 0). If the design's earliest
/// schedule finishes by cycle C, reversing each of its events at cycle t to
/// C - t gives a schedule of the reversed design, and conversely.
perf::Design reverseDesign(const perf::Design &design,
                           const std::vector<int64_t> &startDelays = {});

} // namespace streamtensor::fifo

#endif // STREAMTENSOR_ANALYSIS_HOLDBACKSIZING_H
