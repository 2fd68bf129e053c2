//===- ResourceNeed.h - What a design needs on chip -------------*- C++ -*-===//
//
// What every process of a lowered design needs on the device (its operators
// and the memories it owns: its buffers and the FIFOs it writes), and
// whether the platform has that much. The die assignment places these
// needs; the driver compares them at two tile sizes to say what the
// smallest tiles would need.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_PERFORMANCE_RESOURCENEED_H
#define STREAMTENSOR_PERFORMANCE_RESOURCENEED_H

#include "streamtensor/Analysis/SlrPartition.h"
#include "streamtensor/Performance/DesignAnalysis.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>

namespace streamtensor::perf {

/// Every process of every kernel as a task of the die assignment (they are
/// all on the device at once), the FIFOs between them, and their calls. A
/// tile prefetch's process is part of its reader's task: the blocks between
/// them are too wide to cross a die, and one task fewer each keeps the ILP
/// as small as before the prefetches.
struct ProcessNeeds {
  std::vector<slr::SlrTask> tasks;
  std::vector<slr::SlrEdge> edges;
  /// Indexed like tasks.
  std::vector<mlir::func::CallOp> calls;
  /// Indexed like tasks: the calls placed with the task's (its prefetches).
  std::vector<std::vector<mlir::func::CallOp>> companions;
  /// False when a kernel's calls are not its processes, one each.
  bool callsMatch = true;

  /// Sets `dataflow.slr` on every call, `dieOf` indexed like tasks.
  void setDies(const std::vector<int> &dieOf) const;
};
ProcessNeeds collectProcessNeeds(const AnalyzedDesign &design);

/// A resource the tasks need more of than the platform has (less the
/// shell's share).
struct Shortfall {
  /// A Resources kind.
  int kind = 0;
  double need = 0;
  double available = 0;
  /// "kernel/process amount" of the three largest users, largest first.
  std::string largestUsers;
};

/// The first resource (in Resources' order) that does not fit, if any.
std::optional<Shortfall> findShortfall(const std::vector<slr::SlrTask> &tasks,
                                       const Platform &platform);

/// Where every task of `needs` sits on the dies of `platform`, or why no
/// placement exists (one line, for a located diagnostic): first the whole
/// design against the whole platform, then what no placement can satisfy
/// (a process larger than every die, the processes pinned to a die over
/// it), so that the user is told by how much and who uses the most rather
/// than "infeasible", then the ILP (Analysis/SlrPartition.h).
struct DiePlacement {
  /// Empty when the tasks are placed.
  std::string error;
  slr::SlrPlan plan;
};
DiePlacement placeOnDies(const ProcessNeeds &needs, const Platform &platform,
                         const slr::SlrWeights &weights = {});

/// Places `design` where each die has only `allowance[die]` of its
/// resources for it (the rest is other designs'): `plan.usage` is the
/// design's own use of each die, `plan.dieOf` indexed like its tasks. From
/// `start` (a placement of the design alone, when not empty) tasks move off
/// the dies it overfills (slr::repairPlacement); failing that they are
/// packed from scratch (slr::packPlacement); failing that an ILP under the
/// allowance decides within `maxNodes` branch-and-bound nodes. The ILP alone
/// took 31 s for one Gemma-3-1B prefill design at 20000 nodes, 0.8 s at
/// 500, where it still found a placement.
DiePlacement placeWithinOnDies(const ProcessNeeds &design,
                               const Platform &platform,
                               const std::vector<Resources> &allowance,
                               const std::vector<int> &start = {},
                               int maxNodes = 1000);

/// What each die of `platform` has for kernels.
std::vector<Resources> getDieCapacities(const Platform &platform);

/// Places several designs that are on the device together (a model's
/// graphs, each compiled and placed as if alone), one at a time, the
/// fullest first, each on what the ones before left of every die and
/// leaving the die of every pinned task of the ones after (the DMAs, by
/// the HBM) room for it. `dieOf` is indexed like `designs`, then like
/// their tasks; `usage` is each die's use. `error`, when not empty, names
/// the design that did not fit (`failed`, an index into `designs`).
struct JointPlacement {
  std::string error;
  size_t failed = 0;
  std::vector<std::vector<int>> dieOf;
  std::vector<Resources> usage;
};
/// `starts`, when not empty, holds each design's placement alone.
JointPlacement
placeTogetherOnDies(const std::vector<ProcessNeeds> &designs,
                    const Platform &platform,
                    const std::vector<std::vector<int>> &starts = {});

/// What the tasks pinned to each of `numDies` dies (the DMAs, by the HBM)
/// need there.
std::vector<Resources> getPinnedNeeds(const std::vector<slr::SlrTask> &tasks,
                                      size_t numDies);

/// The sum of the tasks' needs.
Resources getTotalNeed(const std::vector<slr::SlrTask> &tasks);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_PERFORMANCE_RESOURCENEED_H
