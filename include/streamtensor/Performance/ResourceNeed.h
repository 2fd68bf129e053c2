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
/// all on the device at once), the FIFOs between them, and their calls.
struct ProcessNeeds {
  std::vector<slr::SlrTask> tasks;
  std::vector<slr::SlrEdge> edges;
  /// Indexed like tasks.
  std::vector<mlir::func::CallOp> calls;
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

/// The sum of the tasks' needs.
Resources getTotalNeed(const std::vector<slr::SlrTask> &tasks);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_PERFORMANCE_RESOURCENEED_H
