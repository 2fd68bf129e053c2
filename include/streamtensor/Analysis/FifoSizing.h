//===- FifoSizing.h - FIFO depths from the token model and LP ---*- C++ -*-===//
//
// Paper section 5.3 (digest 6.3). Every task produces and consumes tokens at
// a steady rate: nothing until its initial delay D, then one token per II.
// The occupancy of a FIFO is the gap between the cumulative produced and
// consumed token curves; its maximum, max_tokens, follows from the time
// `delay` between the source's and the target's start by equation (1) or (2).
// The delays themselves come from the LP of equations (3)-(5), in its compact
// form over node potentials (start times): delay(i,j) = s_j - s_i.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_FIFOSIZING_H
#define STREAMTENSOR_ANALYSIS_FIFOSIZING_H

#include <cstdint>
#include <string>
#include <vector>

namespace streamtensor::fifo {

/// How the source writes and the target reads one FIFO. Cycles are counted
/// from the start of the process concerned.
struct EdgeTiming {
  /// T: tokens crossing the FIFO in one run.
  int64_t tokens = 1;
  /// D: cycle of the source's first token on this FIFO.
  double sourceDelay = 0;
  /// L: cycle by which the source has written all T tokens.
  double sourceLatency = 0;
  /// Cycles between two tokens the source writes / the target reads.
  double sourceII = 1;
  double targetII = 1;
};

/// Equations (1) and (2): the most tokens the FIFO holds when the target
/// starts consuming `delay` cycles after the source started. (1) applies
/// when the source is faster (sourceII < targetII), (2) otherwise; for a
/// source of one steady rate the one that applies is the larger, and taking
/// the larger also covers a source whose last tokens come faster than its
/// average (L less than D + T * II), where the peak is at L. At least 1: a
/// FIFO holds at least one token.
int64_t maxTokens(const EdgeTiming &edge, double delay);

enum class FifoMode {
  /// Every task runs at its own II (bounded by the rate its inputs arrive).
  Normal,
  /// Every task's II is stretched to the throughput of the slowest task:
  /// smaller FIFOs, fast tasks may stall.
  Conservative,
};

/// One FIFO of the graph, with the profiles of its two ends.
struct SizingEdge {
  int source = 0;
  int target = 0;
  EdgeTiming timing;
  /// Cycle of the target's first read of this FIFO (0 when it reads it
  /// from its start, as the paper assumes).
  double targetFirstRead = 0;
  /// Tokens of this FIFO the target reads up to and including the
  /// iteration that makes its first write (0 when it writes nothing), and
  /// the cycle that iteration starts when no FIFO holds the target back.
  /// When this FIFO delivers slower than that, the target's first token,
  /// its D, comes later by the difference.
  int64_t targetReadsBeforeFirstWrite = 0;
  double targetFirstWriteStart = 0;
  /// The source's last read of any FIFO when nothing holds it back (-1
  /// when it reads none). What it writes after that point (a reduction's
  /// last results, a window being flushed) does not wait for its inputs,
  /// so it comes out at the source's own pace however slow they are.
  double sourceLastRead = -1;
};

struct SizingResult {
  /// Empty on success, otherwise why the LP could not be solved.
  std::string error;
  /// Start cycle of every task (the LP's node potentials).
  std::vector<double> startCycles;
  /// delay(i,j) = s_j - s_i for every edge, the LP's variables.
  std::vector<double> delays;
  /// The timing the depths were computed with (rates equalised in
  /// Conservative mode, bounded by the inputs in Normal mode).
  std::vector<EdgeTiming> effectiveTimings;
  /// max_tokens by equation (1) or (2) for every edge, and the depth:
  /// one slot more, for the token in flight (at most T: a FIFO that holds
  /// every token never blocks).
  std::vector<int64_t> maxTokens;
  std::vector<int64_t> depths;
  /// Equation (3): the sum of all delays, for the start cycles chosen.
  double totalDelay = 0;
};

/// What the LP minimises over the start cycles.
enum class SizingObjective {
  /// Every task starts when the tokens of its first iteration are there:
  /// minimise the sum of start cycles, whose optimum starts each task at
  /// the longest path of initial delays (threshold (5)) from the sources.
  /// This is what hardware does: nothing holds a task back but its FIFOs.
  EarliestStart,
  /// Equation (3) as printed: the sum of the edge delays. Over start cycles
  /// it rewards starting a task late when it has more outputs than inputs,
  /// which hardware only does by stalling it (kept to measure that).
  SumOfDelays,
};

/// Sizes every FIFO of a DAG of `numTasks` tasks: rates per `mode`, start
/// times by the LP of (3)-(5) (solved with COIN-OR CLP), depths by
/// max_tokens plus the slot of the token in flight.
SizingResult
sizeFifos(int numTasks, const std::vector<SizingEdge> &edges, FifoMode mode,
          SizingObjective objective = SizingObjective::EarliestStart);

/// Applies the mode to the edge timings: in Normal mode a task cannot run
/// faster than its slowest input delivers, in Conservative mode every task
/// runs at the throughput of the slowest. In both, a task's first token is
/// late by as much as the tokens it needs first are late. (The paper takes
/// every task's L, D and II as profiled alone; on graphs where a fast task
/// follows a slow one that underestimates what piles up on bypass paths.)
/// Exposed for tests.
std::vector<EdgeTiming> effectiveTimings(int numTasks,
                                         const std::vector<SizingEdge> &edges,
                                         FifoMode mode);

} // namespace streamtensor::fifo

#endif // STREAMTENSOR_ANALYSIS_FIFOSIZING_H
