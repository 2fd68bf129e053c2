//===- TaskProfile.h - L, D and II of a process in isolation ----*- C++ -*-===//
//
// The paper profiles every kernel for its total latency L, the cycle of its
// first output D and its II. Here a process's loop tree is walked with every
// input available and every output free (no FIFO ever blocks), which gives
// those figures per FIFO the process touches: when it first and last
// accesses the FIFO and how many tokens cross it.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_TASKPROFILE_H
#define STREAMTENSOR_ANALYSIS_TASKPROFILE_H

#include "streamtensor/Analysis/FifoSizing.h"
#include "streamtensor/Analysis/ProcessModel.h"

#include <map>

namespace streamtensor::perf {

/// How a process uses one FIFO, in cycles from the process's start.
struct PortProfile {
  int64_t tokens = 0;
  int64_t firstCycle = 0;
  int64_t lastCycle = 0;

  /// Average cycles between two accesses (1 for a single token).
  double interval() const {
    return tokens > 1 ? double(lastCycle - firstCycle) / double(tokens - 1)
                      : 1.0;
  }
};

struct TaskProfile {
  /// L: cycles from start to finish.
  int64_t latency = 0;
  /// D: the first cycle the process writes any FIFO (its latency when it
  /// writes none).
  int64_t initialDelay = 0;
  /// Reads and writes per FIFO id.
  std::map<int, PortProfile> reads;
  std::map<int, PortProfile> writes;
  /// The cycle the iteration making the first write starts, and the tokens
  /// read from each FIFO up to and including that iteration.
  int64_t firstWriteStart = 0;
  std::map<int, int64_t> readsBeforeFirstWrite;
  /// The largest average write interval over the FIFOs written: the II of
  /// the process as the paper uses it.
  double ii = 1;
};

/// Profiles one process with no FIFO ever blocking it.
TaskProfile profileProcess(const Process &process);

/// The FIFO-sizing edges of a design: for each FIFO, its writer's and
/// reader's profiles. `edgeFifo[i]` is the FIFO of edge i. Processes are
/// the tasks, numbered as in the design.
std::vector<fifo::SizingEdge>
sizingEdges(const Design &design, const std::vector<TaskProfile> &profiles,
            std::vector<int> &edgeFifo);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_ANALYSIS_TASKPROFILE_H
