//===- Simulator.cpp - Cycle-level simulation of a dataflow design --------===//
//
// Max-plus evaluation of a Design: see Simulator.h for the timing rules. Each
// process is a resumable walk over a flattened copy of its loop tree; each
// FIFO keeps only the cycles that a later event can still depend on.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Simulation/Simulator.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace streamtensor::perf {
namespace {

/// Below any cycle: the bound of a loop that reads (or writes) nothing.
constexpr int64_t kNoBound = std::numeric_limits<int64_t>::min();

/// The most iterations of a leaf run in one batch (see runLeafAs): enough to
/// amortize the batch's setup.
constexpr int64_t kMaxBatch = 4096;

/// Processes' ideal lengths must add up to less than this, which leaves
/// enough headroom for stalls that no cycle count can overflow.
constexpr int64_t kMaxDesignCycles = int64_t(1) << 62;

bool addOverflows(int64_t lhs, int64_t rhs, int64_t &sum) {
  return __builtin_add_overflow(lhs, rhs, &sum);
}

bool mulOverflows(int64_t lhs, int64_t rhs, int64_t &product) {
  return __builtin_mul_overflow(lhs, rhs, &product);
}

/// For non-negative counts: the sum or product, or kUnboundedDepth (the
/// largest int64_t) when it overflows.
int64_t saturatingAdd(int64_t lhs, int64_t rhs) {
  int64_t sum;
  return addOverflows(lhs, rhs, sum) ? kUnboundedDepth : sum;
}

int64_t saturatingMul(int64_t lhs, int64_t rhs) {
  int64_t product;
  return mulOverflows(lhs, rhs, product) ? kUnboundedDepth : product;
}

/// The cycles `tree` takes when nothing stalls, all repetitions included.
/// Returns false on overflow. Expects non-negative fields (checked before).
bool computeIdealSpan(const LoopTree &tree, int64_t &span) {
  if (tree.isLeaf) {
    const PipelinedLoop &loop = tree.leaf;
    if (loop.tripCount == 0) {
      span = 0;
      return true;
    }
    // Iterations start at most ii + 1 cycles apart.
    int64_t bound;
    if (mulOverflows(loop.tripCount - 1, loop.ii + 1, bound) ||
        addOverflows(bound, loop.latency, bound))
      return false;
    span = loop.getIssueCycles(loop.tripCount - 1) + loop.latency;
    return true;
  }
  int64_t once = tree.overhead;
  for (const LoopTree &child : tree.children) {
    int64_t childSpan;
    if (!computeIdealSpan(child, childSpan) ||
        addOverflows(once, childSpan, once))
      return false;
  }
  return !mulOverflows(tree.repeat, once, span);
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

class DesignValidator {
public:
  explicit DesignValidator(const Design &design)
      : design(design), writerOf(design.fifos.size(), -1),
        readerOf(design.fifos.size(), -1) {}

  std::string run() {
    for (size_t id = 0; id < design.fifos.size(); ++id)
      if (design.fifos[id].depth < 1)
        return "FIFO '" + design.fifos[id].name + "': depth is " +
               std::to_string(design.fifos[id].depth) + ", must be >= 1";

    int64_t designSpan = 0;
    for (size_t process = 0; process < design.processes.size(); ++process) {
      const Process &proc = design.processes[process];
      std::string error = checkTree(int(process), proc.body, "body");
      if (!error.empty())
        return error;
      int64_t span;
      if (!computeIdealSpan(proc.body, span) ||
          addOverflows(designSpan, span, designSpan) ||
          designSpan >= kMaxDesignCycles)
        return "process '" + proc.name +
               "': the design's ideal length overflows 64-bit cycle counts";
    }

    for (size_t id = 0; id < design.fifos.size(); ++id) {
      const std::string &name = design.fifos[id].name;
      if (writerOf[id] < 0)
        return "FIFO '" + name + "' has no writer";
      if (readerOf[id] < 0)
        return "FIFO '" + name + "' has no reader";
    }
    return "";
  }

private:
  std::string processName(int process) const {
    return "'" + design.processes[process].name + "'";
  }

  std::string checkTree(int process, const LoopTree &tree,
                        const std::string &path) {
    std::string where = "process " + processName(process) + ", " + path;
    auto mustBeAtLeast = [&](const char *field, int64_t value,
                             int64_t minimum) -> std::string {
      if (value >= minimum)
        return "";
      return where + ": " + field + " is " + std::to_string(value) +
             ", must be >= " + std::to_string(minimum);
    };

    if (!tree.isLeaf) {
      for (std::string error : {mustBeAtLeast("repeat", tree.repeat, 0),
                                mustBeAtLeast("overhead", tree.overhead, 0)})
        if (!error.empty())
          return error;
      for (size_t child = 0; child < tree.children.size(); ++child) {
        std::string error =
            checkTree(process, tree.children[child],
                      path + ".children[" + std::to_string(child) + "]");
        if (!error.empty())
          return error;
      }
      return "";
    }

    const PipelinedLoop &loop = tree.leaf;
    for (std::string error : {mustBeAtLeast("tripCount", loop.tripCount, 0),
                              mustBeAtLeast("ii", loop.ii, 1),
                              mustBeAtLeast("iiFraction", loop.iiFraction, 0),
                              mustBeAtLeast("iiCarry", loop.iiCarry, 0),
                              mustBeAtLeast("latency", loop.latency, 0)})
      if (!error.empty())
        return error;
    for (auto [name, value] :
         {std::pair<const char *, int64_t>{"iiFraction", loop.iiFraction},
          {"iiCarry", loop.iiCarry}})
      if (value >= kCycleFractions)
        return where + ": " + name + " must be below " +
               std::to_string(kCycleFractions) + ", got " +
               std::to_string(value);
    std::string error =
        checkAccesses(process, loop.reads, readerOf, "reads", "reader", where);
    if (error.empty())
      error = checkAccesses(process, loop.writes, writerOf, "writes", "writer",
                            where);
    return error;
  }

  /// Records `process` as the reader (or writer) of each FIFO in `fifos`.
  std::string checkAccesses(int process, const std::vector<int> &fifos,
                            std::vector<int> &endpointOf, const char *list,
                            const char *role, const std::string &where) {
    int numFifos = int(design.fifos.size());
    for (size_t i = 0; i < fifos.size(); ++i) {
      int id = fifos[i];
      if (id < 0 || id >= numFifos)
        return where + ": " + list + " FIFO id " + std::to_string(id) +
               ", out of range [0, " + std::to_string(numFifos) + ")";
      const std::string fifoName = "FIFO '" + design.fifos[id].name + "'";
      // An iteration moves one token per listed FIFO (ProcessModel.h).
      if (std::find(fifos.begin(), fifos.begin() + i, id) != fifos.begin() + i)
        return where + ": " + list + " " + fifoName + " twice";
      if (endpointOf[id] >= 0 && endpointOf[id] != process)
        return fifoName + " has two " + role + "s, " +
               processName(endpointOf[id]) + " and " + processName(process);
      endpointOf[id] = process;
      // A FIFO links two processes; a process cannot wait on itself.
      if (writerOf[id] == readerOf[id])
        return fifoName + " is both written and read by process " +
               processName(process);
    }
    return "";
  }

  const Design &design;
  std::vector<int> writerOf;
  std::vector<int> readerOf;
};

//===----------------------------------------------------------------------===//
// Simulation
//===----------------------------------------------------------------------===//

/// One node of a flattened loop tree.
struct Node {
  bool isLeaf = false;
  /// Moves at least one token; otherwise the node is run in closed form.
  bool hasTraffic = false;
  /// Cycles the node takes when nothing stalls, all repetitions included.
  int64_t idealSpan = 0;
  // A sequence: its children are childNodes[firstChild, +numChildren).
  int64_t repeat = 1;
  int64_t overhead = 0;
  int firstChild = 0;
  int numChildren = 0;
  // A leaf: it reads fifoIds[firstAccess, +numReads) and writes the
  // numWrites ids that follow.
  int64_t tripCount = 0;
  int64_t ii = 1;
  int64_t iiFraction = 0;
  int64_t iiCarry = 0;
  int64_t latency = 0;
  int firstAccess = 0;
  int numReads = 0;
  int numWrites = 0;
};

/// When one token was written and read.
struct TokenCycles {
  int64_t write;
  int64_t read;
};

struct FifoState {
  /// The depth that bounds the writer: kUnboundedDepth when the design's
  /// depth is at least every token the writer will ever write.
  int64_t depth = kUnboundedDepth;
  int writer = 0;
  int reader = 0;
  int64_t writes = 0;
  int64_t reads = 0;
  /// The cycles of the tokens that a later event can still depend on, in a
  /// ring indexed by token number (size a power of two, grown on demand):
  /// the write cycles of the tokens [reads, writes), written and not read;
  /// the read cycles of [writes - depth, reads), which give the room for
  /// the next writes; and those of [countedReads, ...) for the occupancy
  /// merge.
  std::vector<TokenCycles> ring = std::vector<TokenCycles>(4);
  int64_t mask = 3;
  /// The peak occupancy comes from merging the write and read cycle
  /// sequences (both non-decreasing) as they become known: the occupancy at
  /// the cycle w of write n is n + 1 minus the reads at cycles < w. Writes
  /// [0, countedWrites) and reads [0, countedReads) are merged. A read is
  /// merged before a write only if it is earlier, and token m is read after
  /// it is written, so countedReads <= countedWrites.
  int64_t countedWrites = 0;
  int64_t countedReads = 0;
  int64_t peakOccupancy = 0;
  /// The reader (writer) is blocked until the next write (read).
  bool readerWaiting = false;
  bool writerWaiting = false;

  TokenCycles &token(int64_t number) { return ring[number & mask]; }

  /// The oldest token whose cycles are still needed.
  int64_t getOldestNeeded() const {
    if (depth == kUnboundedDepth)
      return countedReads;
    return std::min(std::max<int64_t>(0, writes - depth), countedReads);
  }

  /// The ring's size once it has room for the tokens up to `endToken`
  /// (exclusive).
  size_t getRingSize(int64_t endToken) const {
    size_t needed = size_t(endToken - getOldestNeeded());
    size_t size = ring.size();
    while (size < needed)
      size *= 2;
    return size;
  }

  /// Makes room in the ring for the tokens up to `endToken` (exclusive).
  void reserve(int64_t endToken) {
    int64_t oldest = getOldestNeeded();
    size_t size = getRingSize(endToken);
    if (size == ring.size())
      return;
    std::vector<TokenCycles> larger(size);
    int64_t largerMask = int64_t(size) - 1;
    for (int64_t number = oldest; number < writes; ++number)
      larger[number & largerMask] = token(number);
    ring = std::move(larger);
    mask = largerMask;
  }

  /// Merges the known write and read cycles as far as they go.
  void mergeOccupancy() {
    while (countedWrites < writes && countedReads < reads) {
      if (token(countedReads).read < token(countedWrites).write) {
        ++countedReads;
        continue;
      }
      // Every later read is at or after this write's cycle too.
      peakOccupancy = std::max(peakOccupancy, countedWrites + 1 - countedReads);
      ++countedWrites;
    }
  }
};

enum class RunState { Runnable, Blocked, Finished, StoppedAtLimit };

/// Where a sequence node is in its repetitions.
struct Frame {
  int node;
  int64_t repetition;
  int nextChild;
};

struct ProcessRun {
  /// Active nodes, outermost first; the last one runs next.
  std::vector<Frame> frames;
  /// When the last finished leaf, overhead or closed-form subtree ended.
  int64_t cursor = 0;
  /// Progress in the active leaf: the next iteration, and the earliest
  /// cycle it may start (cursor, or the previous start + ii).
  int64_t iteration = 0;
  int64_t nextEarliest = 0;
  /// A paced leaf (Node::iiFraction): the fractions of a cycle its
  /// iterations have added so far and not yet spent, and the cycle its
  /// last iteration started.
  int64_t paceCarry = 0;
  int64_t lastStart = 0;
  RunState state = RunState::Runnable;
  /// Blocked: the FIFO access it waits for.
  int blockedFifo = -1;
  WaitReason blockedReason = WaitReason::Data;
  /// Blocked or stopped: see ProcessStats::cycle.
  int64_t stopCycle = 0;
  int64_t busyCycles = 0;
  int64_t dataStallCycles = 0;
  int64_t roomStallCycles = 0;
};

/// Where a leaf is in one FIFO's ring during a batch of iterations.
struct RingCursor {
  TokenCycles *ring;
  int64_t mask;
  /// The token the next iteration reads or writes.
  int64_t next;
  /// The FIFO's depth (writes only).
  int64_t depth;

  TokenCycles &token(int64_t number) const { return ring[number & mask]; }
};

class Simulator {
public:
  Simulator(const Design &design, const SimulationOptions &options)
      : design(design), options(options),
        iterationBudget(options.maxIterations), fifos(design.fifos.size()),
        runs(design.processes.size()) {
    for (const FifoState &fifo : fifos)
      keptTokens += int64_t(fifo.ring.size());
    std::vector<int64_t> totalWrites(fifos.size(), 0);
    for (size_t process = 0; process < runs.size(); ++process) {
      int root = flatten(int(process), design.processes[process].body,
                         /*runs=*/1, totalWrites);
      enter(runs[process], root);
    }
    // A FIFO that can take every token its writer writes never fills: it
    // needs no read history.
    for (size_t id = 0; id < fifos.size(); ++id)
      if (design.fifos[id].depth < totalWrites[id])
        fifos[id].depth = design.fifos[id].depth;
  }

  SimulationResult run();

private:
  int flatten(int process, const LoopTree &tree, int64_t runs,
              std::vector<int64_t> &totalWrites);
  void enter(ProcessRun &run, int node);
  void runProcess(int process);
  bool runLeaf(int process, const Node &leaf);
  template <int kReads, int kWrites>
  bool runLeafAs(int process, const Node &leaf);
  void block(int process, int fifoId, WaitReason reason, int64_t cycle);
  void wake(int process) {
    runs[process].state = RunState::Runnable;
    worklist.push_back(process);
  }

  const Design &design;
  const SimulationOptions &options;
  int64_t iterationBudget;
  /// Token slots of all the rings (SimulationOptions::maxKeptTokens).
  int64_t keptTokens = 0;
  std::vector<Node> nodes;
  std::vector<int> childNodes;
  std::vector<int> fifoIds;
  std::vector<FifoState> fifos;
  std::vector<ProcessRun> runs;
  /// Processes that can make progress; each appears at most once.
  std::vector<int> worklist;
  /// Scratch for leaves with many FIFOs (see runLeafAs).
  std::vector<RingCursor> readCursors;
  std::vector<RingCursor> writeCursors;
};

/// Copies `tree`, which runs `runs` times in all, into `nodes`, recording its
/// process as the endpoint of the FIFOs it touches and adding the tokens it
/// writes to `totalWrites` (saturating). Returns the index of its root.
int Simulator::flatten(int process, const LoopTree &tree, int64_t runs,
                       std::vector<int64_t> &totalWrites) {
  // The spans below cannot overflow: validateDesign checked the whole tree.
  Node node;
  node.isLeaf = tree.isLeaf;
  if (tree.isLeaf) {
    const PipelinedLoop &loop = tree.leaf;
    node.tripCount = loop.tripCount;
    node.ii = loop.ii;
    node.iiFraction = loop.iiFraction;
    node.iiCarry = loop.iiCarry;
    node.latency = loop.latency;
    node.firstAccess = int(fifoIds.size());
    node.numReads = int(loop.reads.size());
    node.numWrites = int(loop.writes.size());
    node.hasTraffic = loop.tripCount > 0 && node.numReads + node.numWrites > 0;
    if (loop.tripCount > 0)
      node.idealSpan = loop.getIssueCycles(loop.tripCount - 1) + loop.latency;
    for (int id : loop.reads) {
      fifoIds.push_back(id);
      fifos[id].reader = process;
    }
    int64_t tokens = saturatingMul(runs, loop.tripCount);
    for (int id : loop.writes) {
      fifoIds.push_back(id);
      fifos[id].writer = process;
      totalWrites[id] = saturatingAdd(totalWrites[id], tokens);
    }
    nodes.push_back(node);
    return int(nodes.size()) - 1;
  }

  node.repeat = tree.repeat;
  node.overhead = tree.overhead;
  std::vector<int> children;
  int64_t childRuns = saturatingMul(runs, tree.repeat);
  int64_t repetitionSpan = tree.overhead;
  for (const LoopTree &child : tree.children) {
    int childNode = flatten(process, child, childRuns, totalWrites);
    children.push_back(childNode);
    node.hasTraffic |= nodes[childNode].hasTraffic;
    repetitionSpan += nodes[childNode].idealSpan;
  }
  node.hasTraffic &= tree.repeat > 0;
  node.idealSpan = tree.repeat * repetitionSpan;
  node.firstChild = int(childNodes.size());
  node.numChildren = int(children.size());
  childNodes.insert(childNodes.end(), children.begin(), children.end());
  nodes.push_back(node);
  return int(nodes.size()) - 1;
}

/// Starts running `node` at run.cursor. A node without traffic is done at
/// once; any other gets a frame (a sequence then has repeat >= 1).
void Simulator::enter(ProcessRun &run, int nodeIndex) {
  const Node &node = nodes[nodeIndex];
  if (!node.hasTraffic) {
    run.cursor += node.idealSpan;
    run.busyCycles += node.idealSpan;
    return;
  }
  if (node.isLeaf) {
    run.iteration = 0;
    run.nextEarliest = run.cursor;
    run.paceCarry = node.iiCarry;
  } else {
    run.cursor += node.overhead;
    run.busyCycles += node.overhead;
  }
  run.frames.push_back({nodeIndex, 0, 0});
}

void Simulator::runProcess(int process) {
  ProcessRun &run = runs[process];
  while (!run.frames.empty()) {
    Frame &frame = run.frames.back();
    const Node &node = nodes[frame.node];
    if (node.isLeaf) {
      if (!runLeaf(process, node))
        return;
      run.frames.pop_back();
      continue;
    }
    if (frame.nextChild < node.numChildren) {
      int child = childNodes[node.firstChild + frame.nextChild++];
      enter(run, child); // May push a frame: `frame` is stale from here on.
      continue;
    }
    if (++frame.repetition < node.repeat) {
      frame.nextChild = 0;
      run.cursor += node.overhead;
      run.busyCycles += node.overhead;
      continue;
    }
    run.frames.pop_back();
  }
  if (run.cursor > options.maxCycles) {
    run.state = RunState::StoppedAtLimit;
    run.stopCycle = run.cursor;
    return;
  }
  run.state = RunState::Finished;
}

/// Runs the iterations of `leaf` from run.iteration on. Returns true when the
/// leaf is done, false when the process blocked or stopped at a limit (its
/// progress is saved in the run, so it resumes at the same iteration).
bool Simulator::runLeaf(int process, const Node &leaf) {
  // The shapes of DMAs, tasks, forks and joins get their FIFO loops
  // unrolled; anything else takes the general path.
  bool small = leaf.numReads <= 2 && leaf.numWrites <= 2;
  switch (small ? leaf.numReads * 3 + leaf.numWrites : -1) {
  case 0 * 3 + 1:
    return runLeafAs<0, 1>(process, leaf);
  case 1 * 3 + 0:
    return runLeafAs<1, 0>(process, leaf);
  case 1 * 3 + 1:
    return runLeafAs<1, 1>(process, leaf);
  case 1 * 3 + 2:
    return runLeafAs<1, 2>(process, leaf);
  case 2 * 3 + 1:
    return runLeafAs<2, 1>(process, leaf);
  default:
    return runLeafAs<-1, -1>(process, leaf);
  }
}

/// runLeaf for `kReads` reads and `kWrites` writes per iteration (-1: as
/// many as the leaf has).
///
/// While one process runs, no other does: nothing writes the FIFOs it reads
/// or reads the FIFOs it writes. So how many iterations can run before one
/// needs a token not yet written, or the room of a read not yet done, is
/// known up front. The iterations run in batches of that size, in a loop
/// without blocking checks that keeps its FIFO cursors in registers; the
/// FIFOs' counters, the occupancy merge and the wake-ups are updated once
/// per batch.
template <int kReads, int kWrites>
bool Simulator::runLeafAs(int process, const Node &leaf) {
  ProcessRun &run = runs[process];
  const int numReads = kReads >= 0 ? kReads : leaf.numReads;
  const int numWrites = kWrites >= 0 ? kWrites : leaf.numWrites;
  const int *readIds = fifoIds.data() + leaf.firstAccess;
  const int *writeIds = readIds + numReads;
  const int64_t tripCount = leaf.tripCount;
  const int64_t ii = leaf.ii;
  const int64_t latency = leaf.latency;
  const int64_t maxCycles = options.maxCycles;

  // Fixed-size shapes keep their cursors in local arrays, which the compiler
  // keeps in registers; the general shape uses the scratch vectors.
  RingCursor localReads[kReads > 0 ? kReads : 1];
  RingCursor localWrites[kWrites > 0 ? kWrites : 1];
  RingCursor *reads = localReads;
  RingCursor *writes = localWrites;
  if (kReads < 0) {
    readCursors.resize(std::max<size_t>(readCursors.size(), numReads));
    writeCursors.resize(std::max<size_t>(writeCursors.size(), numWrites));
    reads = readCursors.data();
    writes = writeCursors.data();
  }

  int64_t iteration = run.iteration;
  int64_t earliest = run.nextEarliest;
  const int64_t iiFraction = leaf.iiFraction;
  int64_t paceCarry = run.paceCarry;
  int64_t lastStart = run.lastStart;
  auto suspend = [&] {
    run.iteration = iteration;
    run.nextEarliest = earliest;
    run.paceCarry = paceCarry;
    run.lastStart = lastStart;
    return false;
  };

  while (iteration < tripCount) {
    // The batch: bounded by the tokens written and not yet read on each
    // FIFO read, and the writes whose room a done read has freed on each
    // FIFO written (write n needs read n - depth); and by kMaxBatch, so that
    // an unbounded FIFO's ring grows with its backlog, not with the trip
    // count.
    int64_t batch = std::min(tripCount - iteration, kMaxBatch);
    for (int i = 0; i < numReads; ++i) {
      FifoState &fifo = fifos[readIds[i]];
      int64_t available = fifo.writes - fifo.reads;
      if (available == 0) {
        block(process, readIds[i], WaitReason::Data, earliest);
        return suspend();
      }
      batch = std::min(batch, available);
      reads[i] = {fifo.ring.data(), fifo.mask, fifo.reads, 0};
    }
    for (int i = 0; i < numWrites; ++i) {
      FifoState &fifo = fifos[writeIds[i]];
      if (fifo.depth != kUnboundedDepth) {
        int64_t room = fifo.depth - (fifo.writes - fifo.reads);
        if (room == 0) {
          block(process, writeIds[i], WaitReason::Room, earliest);
          return suspend();
        }
        batch = std::min(batch, room);
      }
    }
    if (iterationBudget == 0) {
      run.state = RunState::StoppedAtLimit;
      run.stopCycle = earliest;
      return suspend();
    }
    batch = std::min(batch, iterationBudget);
    int64_t growth = 0;
    for (int i = 0; i < numWrites; ++i) {
      const FifoState &fifo = fifos[writeIds[i]];
      growth += int64_t(fifo.getRingSize(fifo.writes + batch)) -
                int64_t(fifo.ring.size());
    }
    if (growth > options.maxKeptTokens - keptTokens) {
      run.state = RunState::StoppedAtLimit;
      run.stopCycle = earliest;
      return suspend();
    }
    keptTokens += growth;
    for (int i = 0; i < numWrites; ++i) {
      FifoState &fifo = fifos[writeIds[i]];
      fifo.reserve(fifo.writes + batch);
      writes[i] = {fifo.ring.data(), fifo.mask, fifo.writes, fifo.depth};
    }

    // The iterations. A late one is charged to data or room by whichever
    // bound was later (data on ties).
    int64_t done = 0;
    int64_t dataStall = 0;
    int64_t roomStall = 0;
    bool stopped = false;
    for (; done < batch; ++done) {
      int64_t dataReady = kNoBound;
      for (int i = 0; i < numReads; ++i)
        dataReady =
            std::max(dataReady, reads[i].token(reads[i].next).write + 1);
      int64_t roomReady = kNoBound;
      for (int i = 0; i < numWrites; ++i) {
        int64_t freedBy = writes[i].next - writes[i].depth;
        if (freedBy >= 0)
          roomReady =
              std::max(roomReady, writes[i].token(freedBy).read + 1 - latency);
      }
      int64_t start = std::max(earliest, std::max(dataReady, roomReady));
      if (start > maxCycles) {
        stopped = true;
        run.stopCycle = start;
        break;
      }
      int64_t late = start - earliest;
      if (dataReady >= roomReady)
        dataStall += late;
      else
        roomStall += late;
      for (int i = 0; i < numReads; ++i)
        reads[i].token(reads[i].next++).read = start;
      for (int i = 0; i < numWrites; ++i)
        writes[i].token(writes[i].next++).write = start + latency;
      earliest = start + ii;
      lastStart = start;
      paceCarry += iiFraction;
      if (paceCarry >= kCycleFractions) {
        paceCarry -= kCycleFractions;
        ++earliest;
      }
    }

    iteration += done;
    iterationBudget -= done;
    run.dataStallCycles += dataStall;
    run.roomStallCycles += roomStall;
    for (int i = 0; i < numReads; ++i) {
      FifoState &fifo = fifos[readIds[i]];
      fifo.reads += done;
      fifo.mergeOccupancy();
      if (done > 0 && fifo.writerWaiting) {
        fifo.writerWaiting = false;
        wake(fifo.writer);
      }
    }
    for (int i = 0; i < numWrites; ++i) {
      FifoState &fifo = fifos[writeIds[i]];
      fifo.writes += done;
      fifo.mergeOccupancy();
      if (done > 0 && fifo.readerWaiting) {
        fifo.readerWaiting = false;
        wake(fifo.reader);
      }
    }
    if (stopped) {
      run.state = RunState::StoppedAtLimit;
      return suspend();
    }
  }

  // A leaf with traffic has run at least once.
  run.cursor = lastStart + latency;
  run.busyCycles += leaf.idealSpan;
  return true;
}

void Simulator::block(int process, int fifoId, WaitReason reason,
                      int64_t cycle) {
  ProcessRun &run = runs[process];
  run.state = RunState::Blocked;
  run.blockedFifo = fifoId;
  run.blockedReason = reason;
  run.stopCycle = cycle;
  if (reason == WaitReason::Data)
    fifos[fifoId].readerWaiting = true;
  else
    fifos[fifoId].writerWaiting = true;
}

SimulationResult Simulator::run() {
  // Any order gives the same result; this one starts with process 0.
  for (int process = int(runs.size()) - 1; process >= 0; --process)
    worklist.push_back(process);
  while (!worklist.empty()) {
    int process = worklist.back();
    worklist.pop_back();
    runProcess(process);
  }

  SimulationResult result;
  bool anyBlocked = false;
  bool anyStopped = false;
  for (size_t process = 0; process < runs.size(); ++process) {
    const ProcessRun &run = runs[process];
    ProcessStats stats;
    stats.busyCycles = run.busyCycles;
    stats.dataStallCycles = run.dataStallCycles;
    stats.roomStallCycles = run.roomStallCycles;
    switch (run.state) {
    case RunState::Finished:
      stats.state = ProcessState::Finished;
      stats.cycle = run.cursor;
      result.totalCycles = std::max(result.totalCycles, run.cursor);
      break;
    case RunState::StoppedAtLimit:
      stats.state = ProcessState::StoppedAtLimit;
      stats.cycle = run.stopCycle;
      anyStopped = true;
      break;
    case RunState::Blocked:
    case RunState::Runnable: // Unreachable once the worklist is empty.
      stats.state = ProcessState::Blocked;
      stats.cycle = run.stopCycle;
      anyBlocked = true;
      break;
    }
    result.processes.push_back(stats);
  }

  for (const FifoState &fifo : fifos) {
    FifoStats stats;
    stats.tokensWritten = fifo.writes;
    stats.tokensRead = fifo.reads;
    // Writes left unmerged had no read at or after their cycle: every read
    // is merged (the merge stops only when one side runs out), and the
    // occupancy peaks at the last of them.
    stats.peakOccupancy = fifo.peakOccupancy;
    if (fifo.countedWrites < fifo.writes)
      stats.peakOccupancy =
          std::max(stats.peakOccupancy, fifo.writes - fifo.countedReads);
    result.fifos.push_back(stats);
  }

  if (anyStopped) {
    result.status = SimulationStatus::LimitReached;
    result.totalCycles = 0;
  } else if (anyBlocked) {
    result.status = SimulationStatus::Deadlocked;
    result.totalCycles = 0;
    for (size_t process = 0; process < runs.size(); ++process) {
      const ProcessRun &run = runs[process];
      if (run.state != RunState::Blocked)
        continue;
      const FifoState &fifo = fifos[run.blockedFifo];
      BlockedProcess blocked;
      blocked.process = int(process);
      blocked.fifo = run.blockedFifo;
      blocked.reason = run.blockedReason;
      blocked.cycle = run.stopCycle;
      blocked.occupancy = fifo.writes - fifo.reads;
      blocked.peer =
          run.blockedReason == WaitReason::Data ? fifo.writer : fifo.reader;
      blocked.peerFinished = runs[blocked.peer].state == RunState::Finished;
      result.deadlock.cycle = std::max(result.deadlock.cycle, blocked.cycle);
      result.deadlock.blocked.push_back(blocked);
    }
  }
  return result;
}

} // namespace

std::string validateDesign(const Design &design) {
  return DesignValidator(design).run();
}

SimulationResult simulate(const Design &design,
                          const SimulationOptions &options) {
  std::string error = validateDesign(design);
  if (!error.empty()) {
    SimulationResult result;
    result.status = SimulationStatus::InvalidDesign;
    result.error = std::move(error);
    return result;
  }
  return Simulator(design, options).run();
}

std::string formatDeadlockReport(const Design &design,
                                 const DeadlockReport &report) {
  if (report.blocked.empty())
    return "no deadlock";
  std::string text = "deadlock at cycle " + std::to_string(report.cycle) + ":";
  for (size_t i = 0; i < report.blocked.size(); ++i) {
    const BlockedProcess &blocked = report.blocked[i];
    const Fifo &fifo = design.fifos[blocked.fifo];
    bool forData = blocked.reason == WaitReason::Data;
    text += i == 0 ? " " : "; ";
    text += "'" + design.processes[blocked.process].name + "' waits for ";
    text += forData ? "data" : "room";
    text += " on '" + fifo.name + "' (";
    if (forData)
      text += "empty";
    else
      text += "full, " + std::to_string(blocked.occupancy) + "/" +
              std::to_string(fifo.depth);
    if (blocked.peerFinished)
      text += std::string(", its ") + (forData ? "writer" : "reader") + " '" +
              design.processes[blocked.peer].name + "' has finished";
    text += ")";
  }
  return text;
}

} // namespace streamtensor::perf
