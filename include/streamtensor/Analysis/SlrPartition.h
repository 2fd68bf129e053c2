//===- SlrPartition.h - Tasks onto the dies of the FPGA ---------*- C++ -*-===//
//
// Paper section 5.3: tasks are assigned to dies (SLRs) by an ILP with a
// one-hot assignment per task that minimises inter-die communication and
// the imbalance of resources between dies. Crossing a die boundary costs
// the FIFO's width in bits per boundary crossed (SLR0 to SLR2 crosses two);
// imbalance is the largest die's fill ratio of each resource kind. Each die
// must hold what is assigned to it.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_SLRPARTITION_H
#define STREAMTENSOR_ANALYSIS_SLRPARTITION_H

#include "streamtensor/Analysis/Resources.h"

#include <cstdint>
#include <string>
#include <vector>

namespace streamtensor::slr {

struct SlrTask {
  std::string name;
  Resources need;
  /// A die the task must sit on (-1: any), e.g. a DMA next to the HBM.
  int pinned = -1;
};

struct SlrEdge {
  int from = 0;
  int to = 0;
  int64_t bits = 32;
};

/// Extra cost per bit crossing, relative to the imbalance term: how many
/// bits of crossing one percent of die imbalance is worth.
struct SlrWeights {
  double bitsPerImbalancePercent = 64;
  /// The search stops after this many branch-and-bound nodes (the answer
  /// does not depend on the machine's speed), or at the time limit.
  int maxNodes = 20000;
  double timeLimitSeconds = 120;
};

struct SlrPlan {
  /// Empty when the plan is valid.
  std::string error;
  std::vector<int> dieOf;
  /// FIFO bits times boundaries crossed, summed over edges.
  double crossingBits = 0;
  /// Per die, the resources used.
  std::vector<Resources> usage;
  /// True when the solver proved the plan optimal (false: best found within
  /// the node or time limit).
  bool optimal = false;
};

SlrPlan partitionSlrs(const std::vector<SlrTask> &tasks,
                      const std::vector<SlrEdge> &edges,
                      const std::vector<Resources> &capacity,
                      const SlrWeights &weights = {});

/// Moves tasks of the placement `dieOf` off the dies that hold more than
/// `capacity` until every die fits, without an ILP: from an over-full die,
/// the unpinned task whose move adds the fewest crossing bits per unit of
/// the over-used resource it frees goes to a die with room for it. For a
/// design that must share the dies with others: its placement alone is a
/// good start, and an ILP under tight capacities was slow (25 s for one
/// Gemma-3-1B prefill design). The plan's error says which die (by
/// `dieNames`) and resource could not be relieved.
SlrPlan repairPlacement(const std::vector<SlrTask> &tasks,
                        const std::vector<SlrEdge> &edges,
                        const std::vector<Resources> &capacity,
                        std::vector<int> dieOf,
                        const std::vector<std::string> &dieNames = {});

/// Places the tasks from scratch without an ILP, largest first (first-fit
/// decreasing, the size of a task being its largest part of any resource of
/// all the dies): pinned tasks on their die, every other on the die with
/// room for it whose placed neighbours it crosses the fewest bits to
/// (ties: the die with the most room left). Packs large processes where
/// repairPlacement, moving one at a time, finds no die for any.
SlrPlan packPlacement(const std::vector<SlrTask> &tasks,
                      const std::vector<SlrEdge> &edges,
                      const std::vector<Resources> &capacity,
                      const std::vector<std::string> &dieNames = {});

} // namespace streamtensor::slr

#endif // STREAMTENSOR_ANALYSIS_SLRPARTITION_H
