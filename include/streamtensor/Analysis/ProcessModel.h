//===- ProcessModel.h - What a dataflow process does, cycle by cycle ------===//
//
// The performance model of a design: processes (tasks, DMAs, converters,
// forks) connected by FIFOs. A process is a tree of loops whose leaves are
// pipelined loops; every iteration of a leaf reads one token from each FIFO
// it reads and writes one token to each FIFO it writes. The profiler builds
// these from the lowered IR; the simulator runs them; the FIFO sizing reads
// the profile (L, D, II) they imply.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_PROCESSMODEL_H
#define STREAMTENSOR_ANALYSIS_PROCESSMODEL_H

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace streamtensor::perf {

/// A FIFO depth that never fills (the unbounded-FIFO simulation).
constexpr int64_t kUnboundedDepth = std::numeric_limits<int64_t>::max();

/// The parts of a cycle PipelinedLoop::iiFraction counts in.
constexpr int64_t kCycleFractions = int64_t(1) << 16;

/// One pipelined loop. Iteration k starts at the earliest cycle that is at
/// least `ii` after iteration k-1 started, has a token on every FIFO it
/// reads, and leaves room for the token it writes `latency` cycles later.
/// A write stalls the pipeline until there is room.
struct PipelinedLoop {
  int64_t tripCount = 1;
  int64_t ii = 1;
  /// A loop that a memory port paces rather than its schedule: an HBM
  /// channel gives a loop that reads 64 bytes an iteration 52.9 bytes a
  /// cycle, so its iterations start 1.21 cycles apart on average, not 2.
  /// The interval is ii + iiFraction / kCycleFractions: iterations
  /// alternate between ii and ii + 1 cycles apart, the extra cycles
  /// spread evenly (getIssueCycles), in [0, kCycleFractions).
  int64_t iiFraction = 0;
  /// The fractions already carried when the first iteration starts, in
  /// [0, kCycleFractions): 0 puts the longer intervals late; the mirror
  /// image of a loop in time (fifo::sizeHeldBack) puts them early.
  int64_t iiCarry = 0;
  /// Cycles from an iteration's start to its writes (pipeline depth); the
  /// loop ends `latency` cycles after its last iteration starts.
  int64_t latency = 1;
  /// FIFO ids (indices into Design::fifos) read / written once per iteration.
  std::vector<int> reads;
  std::vector<int> writes;

  /// Cycles from the first iteration's start to the start of iteration
  /// `k` when nothing stalls.
  int64_t getIssueCycles(int64_t k) const {
    return k * ii + k / kCycleFractions * iiFraction +
           (iiCarry + k % kCycleFractions * iiFraction) / kCycleFractions;
  }
};

/// A node of a process's loop tree: either a pipelined loop (a leaf), or a
/// sequence of children run `repeat` times one after the other.
struct LoopTree {
  int64_t repeat = 1;
  /// Cycles spent on entering each repetition (loop control, not pipelined).
  int64_t overhead = 0;
  bool isLeaf = false;
  PipelinedLoop leaf;
  std::vector<LoopTree> children;

  static LoopTree makeLeaf(PipelinedLoop loop) {
    LoopTree tree;
    tree.isLeaf = true;
    tree.leaf = std::move(loop);
    return tree;
  }
  static LoopTree makeLeaf(int64_t tripCount, int64_t ii, int64_t latency,
                           std::vector<int> reads = {},
                           std::vector<int> writes = {}) {
    PipelinedLoop loop;
    loop.tripCount = tripCount;
    loop.ii = ii;
    loop.latency = latency;
    loop.reads = std::move(reads);
    loop.writes = std::move(writes);
    return makeLeaf(std::move(loop));
  }
  static LoopTree makeSequence(int64_t repeat, std::vector<LoopTree> children,
                               int64_t overhead = 0) {
    LoopTree tree;
    tree.repeat = repeat;
    tree.overhead = overhead;
    tree.children = std::move(children);
    return tree;
  }
};

struct Process {
  std::string name;
  LoopTree body;
};

struct Fifo {
  std::string name;
  /// Capacity in tokens (kUnboundedDepth for none).
  int64_t depth = 2;
  /// Bits of one token, for the memory and die-crossing figures.
  int64_t tokenBits = 32;
};

/// A dataflow design: processes that start together at cycle 0 and talk
/// only through FIFOs. Each FIFO has exactly one writer and one reader.
struct Design {
  std::vector<Process> processes;
  std::vector<Fifo> fifos;
};

} // namespace streamtensor::perf

#endif // STREAMTENSOR_ANALYSIS_PROCESSMODEL_H
