//===- DesignSearch.h - Black-box search of the tiling space ----*- C++ -*-===//
//
// Paper section 6.1 tunes the default tile size and the unroll budget with
// a black-box search fed by compile results. This is that search, without
// any solver: it proposes design points, the driver compiles and simulates
// them (in parallel) and records what came out, and the search proposes
// the next ones from the best so far. Everything it decides follows from
// the seed and the outcomes, never from timing or the order in which
// parallel evaluations finish.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_DESIGNSEARCH_H
#define STREAMTENSOR_ANALYSIS_DESIGNSEARCH_H

#include "streamtensor/Analysis/Resources.h"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace streamtensor::search {

/// One design point: the options of one compile.
struct Point {
  /// Largest tile size on any loop (the paper's default_tile_size).
  int64_t tileSize = 16;
  /// Largest tile size of single kernels, by name, over tileSize.
  std::map<std::string, int64_t> kernelTileSizes;
  /// Order of single kernels' parallel tile loops, outermost first (a
  /// permutation of 0..P-1), by name; absent: the op's own order.
  std::map<std::string, std::vector<int64_t>> kernelTileOrders;
  /// Part of the design's resource share the unrolling may fill, in (0, 1].
  double unrollShare = 1.0;
  /// FIFO sizing mode (dataflow-size-fifos).
  std::string fifoMode = "normal";
  /// FIFO widths (dataflow-widen-fifos width): "lanes" or "axi".
  std::string fifoWidth = "lanes";
  /// Which MACs compute two to a multiply (dataflow-pack-macs): "reused"
  /// (those whose weights serve several rows), "all" or "none".
  std::string packMacs = "reused";
  /// How float adds are built (dataflow-bind-float-adders): "dsp" or
  /// "fabric" (LUTs).
  std::string floatAdders = "dsp";
  /// Part of the on-chip bytes the fusion may give one kernel's
  /// converters, in (0, 1] (the paper's fusion cap, relative to the
  /// options' dataflow-fuse-kernels max-on-chip-bytes).
  double fusionShare = 1.0;
  /// The FIFOs only a DMA's run-ahead fills keep at most one URAM slice
  /// (dataflow-size-fifos run-ahead-cap): a repair of a point whose memory
  /// does not fit.
  bool capRunAhead = false;

  /// "tile 32, unroll 100%, fifo normal, matmul_3=64": how reports name it.
  std::string describe() const;
  bool operator<(const Point &other) const;
  bool operator==(const Point &other) const;
};

/// What the compile of a point gave.
struct Outcome {
  /// Compiled, simulated without deadlock, and within its resources.
  bool feasible = false;
  /// Estimated cycles of the design (the simulator's), when feasible.
  int64_t cycles = 0;
  /// Resources the design uses.
  Resources used;
  /// Largest fraction of any resource kind used of what it may use.
  double utilization = 0;
  /// Why it is not feasible: the compile's first error, or the resource.
  std::string failure;
  /// Compiled and simulated, but over its resources: a smaller unroll
  /// share may make it fit.
  bool overResources = false;
  /// Over its BRAM_18K or URAM: capping the DMAs' run-ahead FIFOs may make
  /// it fit without unrolling less.
  bool overMemory = false;
};

/// The values each dimension takes.
struct Space {
  std::vector<int64_t> tileSizes = {4, 8, 16, 32, 64, 128, 256};
  std::vector<double> unrollShares = {0.5, 0.75, 1.0};
  std::vector<std::string> fifoModes = {"normal", "conservative"};
  std::vector<std::string> fifoWidths = {"lanes", "axi"};
  /// Empty or one value (the default): not a dimension.
  std::vector<std::string> packModes;
  /// Empty or one value (the default): not a dimension.
  std::vector<std::string> floatAdders;
  std::vector<double> fusionShares = {1.0, 0.5, 0.25, 0.125};
  /// Kernels whose tile size may differ from the rest (empty: none).
  std::vector<std::string> kernels;
  /// Kernels whose parallel tile loops may be reordered: by name, their
  /// parallel loop count and which of those loops have more than one
  /// iteration (moving the others changes nothing).
  struct Reorderable {
    int64_t parallelLoops = 0;
    std::vector<int64_t> movable;
  };
  std::map<std::string, Reorderable> reorderable;
  /// A point the sweep tries right after its tile size (none when
  /// tileSize is 0): kernels that can read their input in the order their
  /// producer writes it, if their parallel loops are one tile each, with
  /// those tile sizes, at the tile size that makes the producer's output
  /// tiles their reduction tiles. An MLP's second matmul then runs beside
  /// its first instead of after it.
  struct InOrder {
    int64_t tileSize = 0;
    std::map<std::string, int64_t> kernelTileSizes;
  };
  InOrder inOrder;
  /// What the graph may use of its own, when it may also use what other
  /// graphs left it (an LLM's graph searched before another): the best
  /// point is one within it when any is, unless one that takes more is
  /// kBorrowingSpeedup times as fast, and of those within kRoomTolerance of
  /// that one's cycles the one whose fill of its share times its cycles is
  /// least; none: the fastest.
  std::optional<Resources> ownShare;
};

/// How many times as fast a point must be than the fastest within the
/// graph's own share to take what other graphs left it: Qwen2.5-0.5B's
/// decode once took 35% more LUTs for 5% fewer cycles, and its prefill,
/// searched last, lacked them (TTFT 73.1 -> 122.8 ms); with packed MACs
/// its decode's fastest point took 2% more LUTs than its share for a
/// fourteenth of the cycles (25.8K against 374K a layer).
inline constexpr double kBorrowingSpeedup = 1.5;

/// How much slower than its fastest point a graph searched before others
/// may choose one that fills the device less, to leave them room:
/// TinyLlama-1.1B's decode took 23% more LUTs for 4.3% fewer cycles, and
/// its prefill's fastest point no longer fitted the dies beside it. Within
/// it, the point of least share taken times cycles: GPT-2 Medium's decode
/// takes 2.8% more of its share for 4.4% fewer cycles, TinyLlama's did
/// 8.2% more for 3.7% fewer.
inline constexpr double kRoomTolerance = 1.05;

struct Trial {
  Point point;
  Outcome outcome;
};

class Search {
public:
  /// Starts from `start` (the design the options ask for), which is the
  /// first point proposed.
  Search(Space space, Point start, uint64_t seed);

  /// Up to `count` points never proposed before. The start comes first,
  /// then a sweep of the tile size around it (the larger sizes a factor of
  /// 4 apart, nearest first, then those between, then the smaller ones,
  /// nearest first; with an in-order point, nearest first, the larger
  /// first, the point right after its tile size), with
  /// repairs ahead of the sweep's next point: a recorded point
  /// faster than the best (or any, before one fits) but over its resources
  /// is tried again with the next smaller unroll share (over its memory:
  /// with the run-ahead capped instead, and once that is over too, the
  /// sweep skips the larger tile sizes); while no point is
  /// feasible, one that failed otherwise (it did not compile, or
  /// deadlocked) is tried again with the next smaller fusion share. Once
  /// the sweep's points up to the in-order point (or, without one, the
  /// start and its two larger neighbours) are recorded, the best point so
  /// far with the other FIFO width, first in its batch, then that point
  /// with the other MAC packing; once both are recorded, the point with
  /// both changes, when each alone was faster than it; then the best point
  /// so far with the other float adders. After the sweep,
  /// changes of one dimension of the best point so far, drawn from the
  /// seeded generator. Fewer (or none) when the space is exhausted.
  std::vector<Point> propose(size_t count);

  /// Records the outcome of a proposed point. Trials are kept in the order
  /// recorded; the caller records a batch in the order proposed.
  void record(const Point &point, Outcome outcome);

  const std::vector<Trial> &getTrials() const { return trials; }

  /// The feasible trial with the fewest cycles (ties: lower utilization,
  /// then the earlier trial), if any; with the space's own share, one
  /// within it before any that is not.
  std::optional<size_t> getBest() const;

  /// The feasible trials no other feasible trial beats on both cycles and
  /// utilization (and equals on neither), by cycles.
  std::vector<size_t> getFront() const;

private:
  Point mutate(const Point &base);
  std::optional<Point> nextRepair();
  std::optional<Point> getCombinedStep() const;
  /// Whether a sweep point's tile size is larger than one already over
  /// its memory with the run-ahead capped (the sweep skips it).
  bool isOutgrown(const Point &point) const;

  Space space;
  std::vector<Point> sweep;
  size_t nextSweep = 0;
  /// The sweep position after which the best point's other FIFO width is
  /// tried, once.
  size_t widthStepAfter = 0;
  bool widthStepDone = false;
  /// The best point when the width step came: the pack step, right after
  /// it, tries that point's other MAC packing, once.
  std::optional<size_t> stepBase;
  bool packStepDone = false;
  /// After both: the base with the other width and the other packing,
  /// when each alone beat it.
  bool combinedStepDone = false;
  /// After those: the best point with the other float adders, once.
  bool adderStepDone = false;
  std::mt19937_64 random;
  std::set<Point> proposed;
  std::vector<Trial> trials;
};

/// The largest fraction of `used` over `available`, per resource kind
/// (kinds with nothing available count only when used).
double getUtilization(const Resources &used, const Resources &available);

} // namespace streamtensor::search

#endif // STREAMTENSOR_ANALYSIS_DESIGNSEARCH_H
