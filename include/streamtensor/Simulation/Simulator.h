//===- Simulator.h - Cycle-level simulation of a design ---------*- C++ -*-===//
//
// Runs a Design (ProcessModel.h) and reports when every process finishes,
// where each one stalled, how full each FIFO got, and, when the design
// deadlocks, who waits on what.
//
// Timing rules. Every process starts at cycle 0 and walks its loop tree:
//
//  * A sequence node runs its children in order, `repeat` times, paying
//    `overhead` cycles at the start of each repetition. A leaf (pipelined
//    loop) with tripCount 0 takes no time, whatever its latency.
//  * Iteration k of a leaf starts at
//        s_k = max(s_{k-1} + ii, data ready, room ready)
//    where, for k = 0, s_{k-1} + ii is replaced by the cycle at which the
//    previous leaf or overhead finished. A leaf paced by a memory port
//    (iiFraction > 0) adds a cycle to s_{k-1} + ii whenever the fractions
//    it carries (iiCarry at the start, iiFraction more per iteration) reach
//    a whole cycle, stalls or not.
//  * Reads happen at s_k. A token written at cycle w can be read at cycle
//    w + 1 or later: "data ready" is max over the FIFOs read of w + 1.
//  * Writes happen at s_k + latency. Write number n (0-based) on a FIFO of
//    depth d needs read number n - d of that FIFO to have happened at a cycle
//    r <= (write cycle - 1); otherwise the pipeline stalls: "room ready" is
//    max over the FIFOs written of r + 1 - latency. A FIFO of depth
//    kUnboundedDepth never fills.
//  * A leaf finishes at s_last + latency; the next sibling may start at that
//    cycle. A process finishes when its tree is done; the design's latency is
//    the largest finish cycle.
//
// A token occupies its FIFO slot from its write cycle through its read cycle
// (the slot can take a new token from the next cycle on). So a FIFO of depth
// d never holds more than d tokens, and the peak occupancy of a FIFO in a run
// where it is unbounded is the smallest depth at which its writer would never
// have stalled on it.
//
// Algorithm: max-plus ("timed Kahn network") evaluation, not cycle stepping.
// Each process runs as far as it can, computing its event cycles from the
// rules above, until it needs the write cycle of a token not yet written or
// the read cycle of a token not yet read; it then blocks, and the FIFO access
// that provides the missing cycle wakes it. Every event cycle is a max-plus
// function of earlier events of its process and of its FIFOs, so the result
// does not depend on the order in which processes are run. A deadlock is a
// state where no process can run and some have not finished.
//
// Cost: leaves and subtrees without FIFO traffic are evaluated in closed
// form, whatever their trip counts. Other leaves run in batches of
// iterations that cannot block (known up front; see Simulator.cpp), a few ns
// per token when FIFOs are deep, a few tens of ns when every FIFO has depth
// 1 or 2 and the evaluation alternates between processes every token or
// two. Memory per FIFO: the cycles a later event can still need (about
// `depth` tokens' worth), except that an unbounded FIFO keeps the write
// cycles of its whole backlog.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_SIMULATION_SIMULATOR_H
#define STREAMTENSOR_SIMULATION_SIMULATOR_H

#include "streamtensor/Analysis/ProcessModel.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace streamtensor::perf {

/// No limit on simulated cycles or work.
constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

struct SimulationOptions {
  /// No event after this cycle is simulated: a process stops, with
  /// ProcessState::StoppedAtLimit, instead of starting an iteration or
  /// finishing after it.
  int64_t maxCycles = kNoLimit;
  /// At most this many leaf iterations with FIFO traffic are evaluated, over
  /// all processes. Bounds the work of a degenerate design that moves tokens
  /// without advancing time (e.g. zero-latency single-iteration leaves
  /// repeated endlessly into an unbounded FIFO), which maxCycles cannot.
  int64_t maxIterations = kNoLimit;
  /// At most this many token slots are kept, over all FIFOs (16 bytes
  /// each): the writer whose FIFO would need more stops instead. Bounds the
  /// memory of a run whose unbounded FIFOs hold large backlogs.
  int64_t maxKeptTokens = kNoLimit;
};

enum class SimulationStatus {
  /// Every process finished; totalCycles is the design's latency.
  Completed,
  /// No process can make progress and some have not finished; see deadlock.
  Deadlocked,
  /// A SimulationOptions limit stopped at least one process. Takes
  /// precedence over Deadlocked: processes left waiting on a stopped one
  /// are reported as Blocked, but not as a deadlock.
  LimitReached,
  /// The design is malformed; see error. Nothing was simulated.
  InvalidDesign,
};

enum class ProcessState {
  Finished,
  /// Waits on a FIFO access that never came.
  Blocked,
  /// Stopped by SimulationOptions::maxCycles, maxIterations or
  /// maxKeptTokens.
  StoppedAtLimit,
};

enum class WaitReason {
  /// Reading an empty FIFO.
  Data,
  /// Writing a full FIFO.
  Room,
};

struct ProcessStats {
  ProcessState state = ProcessState::Finished;
  /// The finish cycle. For a process that did not finish, the cycle at
  /// which the iteration it could not run was due; when maxCycles stopped
  /// it, the cycle at which that iteration (or the process's end) would
  /// have come.
  int64_t cycle = 0;
  /// Cycles the process takes when every read finds data and every write
  /// finds room: its leaves' ideal spans ((tripCount - 1) * ii + latency) and
  /// its overheads.
  int64_t busyCycles = 0;
  /// Cycles by which iterations started late. A late iteration is charged to
  /// data or room by whichever bound was the later one (data on ties). For a
  /// finished process, busyCycles + dataStallCycles + roomStallCycles equals
  /// its finish cycle.
  int64_t dataStallCycles = 0;
  int64_t roomStallCycles = 0;
};

struct FifoStats {
  int64_t tokensWritten = 0;
  int64_t tokensRead = 0;
  /// Max over cycles of the tokens written and not yet read (see the
  /// occupancy rule above).
  int64_t peakOccupancy = 0;
};

/// A process that cannot proceed, and the FIFO access it waits for.
struct BlockedProcess {
  int process = 0;
  int fifo = 0;
  WaitReason reason = WaitReason::Data;
  /// The cycle at which its next iteration was due.
  int64_t cycle = 0;
  /// Tokens written and not yet read: 0 when waiting for data, the depth
  /// when waiting for room.
  int64_t occupancy = 0;
  /// The process at the other end of the FIFO (its writer when waiting for
  /// data, its reader when waiting for room).
  int peer = 0;
  /// The peer has finished, so this process waits for a token or a read
  /// that will never come.
  bool peerFinished = false;
};

struct DeadlockReport {
  /// The largest cycle reached by a blocked process.
  int64_t cycle = 0;
  /// In process order.
  std::vector<BlockedProcess> blocked;
};

struct SimulationResult {
  SimulationStatus status = SimulationStatus::Completed;
  /// Why the design is invalid (InvalidDesign only).
  std::string error;
  /// The largest finish cycle (Completed only; 0 otherwise).
  int64_t totalCycles = 0;
  /// Indexed like Design::processes / Design::fifos (empty when invalid).
  std::vector<ProcessStats> processes;
  std::vector<FifoStats> fifos;
  /// Filled when Deadlocked.
  DeadlockReport deadlock;

  bool isDeadlocked() const { return status == SimulationStatus::Deadlocked; }
};

/// Checks that every FIFO has exactly one writer process and one reader
/// process, and that they differ; that no leaf lists a FIFO twice; that FIFO
/// ids are in range; that depth >= 1, tripCount >= 0, repeat >= 0,
/// overhead >= 0, ii >= 1 and latency >= 0; and that the processes' ideal
/// lengths (busyCycles) add up to less than 2^62 cycles, which leaves room
/// for stalls in 64-bit cycle counts. Returns an empty string when the
/// design is valid, otherwise a message naming the offending process, loop
/// (as a path from the body, e.g. "body.children[1]") or FIFO.
std::string validateDesign(const Design &design);

/// Validates and simulates `design` under the timing rules above.
SimulationResult simulate(const Design &design,
                          const SimulationOptions &options = {});

/// Renders a deadlock as one line, e.g.
///   deadlock at cycle 1234: 'exp' waits for data on 'max_to_exp' (empty);
///   'fork' waits for room on 'fork_to_exp' (full, 16/16)
/// adding "its writer 'p' has finished" (or reader) inside the parentheses
/// when the peer is done. "no deadlock" for an empty report.
std::string formatDeadlockReport(const Design &design,
                                 const DeadlockReport &report);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_SIMULATION_SIMULATOR_H
