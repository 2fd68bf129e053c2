//===- DesignSearch.cpp - Black-box search of the tiling space ------------===//

#include "streamtensor/Analysis/DesignSearch.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

using namespace streamtensor;
using namespace streamtensor::search;

std::string Point::describe() const {
  std::ostringstream os;
  os << "tile " << tileSize << ", unroll " << std::lround(unrollShare * 100)
     << "%, fifo " << fifoMode;
  if (fifoWidth != "lanes")
    os << ", fifo width " << fifoWidth;
  if (packMacs != "reused")
    os << ", pack " << packMacs;
  if (floatAdders != "dsp")
    os << ", float adders " << floatAdders;
  if (fusionShare != 1.0)
    os << ", fusion " << std::lround(fusionShare * 1000) / 10.0 << "%";
  if (capRunAhead)
    os << ", run-ahead capped";
  for (const auto &[kernel, size] : kernelTileSizes)
    os << ", " << kernel << "=" << size;
  for (const auto &[kernel, order] : kernelTileOrders) {
    os << ", " << kernel << " order ";
    for (size_t index = 0; index < order.size(); ++index)
      os << (index ? "," : "") << order[index];
  }
  return os.str();
}

bool Point::operator<(const Point &other) const {
  return std::tie(tileSize, kernelTileSizes, unrollShare, fifoMode, fifoWidth,
                  packMacs, floatAdders, fusionShare, kernelTileOrders,
                  capRunAhead) <
         std::tie(other.tileSize, other.kernelTileSizes, other.unrollShare,
                  other.fifoMode, other.fifoWidth, other.packMacs,
                  other.floatAdders, other.fusionShare, other.kernelTileOrders,
                  other.capRunAhead);
}

bool Point::operator==(const Point &other) const {
  return !(*this < other) && !(other < *this);
}

double search::getUtilization(const Resources &used,
                              const Resources &available) {
  double largest = 0;
  for (int kind = 0; kind < Resources::kNumKinds; ++kind) {
    if (available.get(kind) > 0)
      largest = std::max(largest, used.get(kind) / available.get(kind));
    else if (used.get(kind) > 0)
      largest = std::max(largest, HUGE_VAL);
  }
  return largest;
}

Search::Search(Space spaceIn, Point start, uint64_t seed)
    : space(std::move(spaceIn)), random(seed) {
  // The start, then the larger tile sizes a factor of 4 apart, nearest
  // first, then those between, then the smaller ones, nearest first: from
  // 16, 64, 256, 32, 128, 8, 4 (with an in-order point, nearest first:
  // 32, 64, 128, 256, 8, 4). Larger tiles restart their pipelines less
  // often and carry wider tokens, and the resource check (with its repairs
  // at a smaller unroll share) says when they stop fitting; the coarse
  // steps first reach GPT-2 Medium's LM head at 256 (42.1K cycles a token
  // against 74.6K at 128) by the third point, where the width and packing
  // steps then start from.
  sweep.push_back(start);
  std::vector<int64_t> sizes = space.tileSizes;
  // A graph with an in-order point has a tile size it likely wants (the
  // point's); the sweep goes nearest first up to it, as the sizes between
  // often win: Qwen2.5-0.5B's prefill at [128:32] takes 32, which the
  // coarse order reached after its budget (TTFT 152 -> 175 ms).
  bool coarse = space.inOrder.tileSize == 0;
  auto rank = [&](int64_t size) {
    double distance = std::abs(std::log2(double(size) / double(start.tileSize)));
    bool between =
        coarse && size > start.tileSize && std::fmod(distance, 2.0) != 0.0;
    return std::make_tuple(size < start.tileSize, between, distance);
  };
  std::stable_sort(sizes.begin(), sizes.end(), [&](int64_t a, int64_t b) {
    return rank(a) < rank(b);
  });
  for (int64_t size : sizes) {
    if (size == start.tileSize)
      continue;
    Point point = start;
    point.tileSize = size;
    sweep.push_back(point);
  }
  // The in-order point comes right after the point of its tile size: it
  // only pays where the producer's and the consumer's tiles agree, and the
  // sweep may not reach a tile size far from the start.
  if (space.inOrder.tileSize > 0) {
    Point point = start;
    point.tileSize = space.inOrder.tileSize;
    for (const auto &[kernel, size] : space.inOrder.kernelTileSizes)
      point.kernelTileSizes[kernel] = size;
    auto at = std::find_if(sweep.begin(), sweep.end(), [&](const Point &p) {
      return p.tileSize == point.tileSize;
    });
    at = sweep.insert(at == sweep.end() ? at : at + 1, point);
    widthStepAfter = size_t(at - sweep.begin()) + 1;
  } else {
    widthStepAfter = std::min<size_t>(sweep.size(), 3);
  }
}

Point Search::mutate(const Point &base) {
  // The generator's raw output, never a std distribution: those differ
  // between standard libraries, and the search must not.
  auto pick = [&](size_t count) { return size_t(random() % count); };
  Point point = base;
  enum Dimension {
    TileSize,
    Kernel,
    Unroll,
    Fifo,
    Width,
    Pack,
    Adders,
    Fusion,
    Order
  };
  std::vector<Dimension> dimensions = {TileSize};
  if (!space.kernels.empty()) {
    // Per-kernel tiles are the largest part of the space: try them as
    // often as all the rest together.
    dimensions.push_back(Kernel);
    dimensions.push_back(Kernel);
  }
  if (space.unrollShares.size() > 1)
    dimensions.push_back(Unroll);
  if (space.fifoModes.size() > 1)
    dimensions.push_back(Fifo);
  if (space.fifoWidths.size() > 1)
    dimensions.push_back(Width);
  if (space.packModes.size() > 1)
    dimensions.push_back(Pack);
  if (space.floatAdders.size() > 1)
    dimensions.push_back(Adders);
  if (space.fusionShares.size() > 1)
    dimensions.push_back(Fusion);
  std::vector<std::string> reorderable;
  for (const auto &[kernel, loops] : space.reorderable)
    if (loops.movable.size() > 1)
      reorderable.push_back(kernel);
  if (!reorderable.empty())
    dimensions.push_back(Order);
  switch (dimensions[pick(dimensions.size())]) {
  case TileSize: {
    // A neighbour of the current size in the list.
    auto at = std::find(space.tileSizes.begin(), space.tileSizes.end(),
                        base.tileSize);
    if (at == space.tileSizes.end()) {
      point.tileSize = space.tileSizes[pick(space.tileSizes.size())];
      break;
    }
    size_t index = size_t(at - space.tileSizes.begin());
    bool up = pick(2) == 0;
    if (up && index + 1 < space.tileSizes.size())
      point.tileSize = space.tileSizes[index + 1];
    else if (index > 0)
      point.tileSize = space.tileSizes[index - 1];
    else if (index + 1 < space.tileSizes.size())
      point.tileSize = space.tileSizes[index + 1];
    break;
  }
  case Kernel: {
    const std::string &kernel = space.kernels[pick(space.kernels.size())];
    // One more choice than sizes: back to the global tile size.
    size_t choice = pick(space.tileSizes.size() + 1);
    if (choice == space.tileSizes.size() ||
        space.tileSizes[choice] == base.tileSize)
      point.kernelTileSizes.erase(kernel);
    else
      point.kernelTileSizes[kernel] = space.tileSizes[choice];
    break;
  }
  case Unroll:
    point.unrollShare = space.unrollShares[pick(space.unrollShares.size())];
    break;
  case Fifo:
    point.fifoMode = space.fifoModes[pick(space.fifoModes.size())];
    break;
  case Width:
    point.fifoWidth = space.fifoWidths[pick(space.fifoWidths.size())];
    break;
  case Pack:
    point.packMacs = space.packModes[pick(space.packModes.size())];
    break;
  case Adders:
    point.floatAdders = space.floatAdders[pick(space.floatAdders.size())];
    break;
  case Fusion:
    point.fusionShare = space.fusionShares[pick(space.fusionShares.size())];
    break;
  case Order: {
    // A random order of the loops that have more than one iteration, the
    // others in place (Fisher-Yates on the generator's raw output).
    const std::string &kernel = reorderable[pick(reorderable.size())];
    const Space::Reorderable &loops = space.reorderable.at(kernel);
    std::vector<int64_t> order(size_t(loops.parallelLoops));
    for (size_t index = 0; index < order.size(); ++index)
      order[index] = int64_t(index);
    std::vector<int64_t> moved = loops.movable;
    for (size_t last = moved.size(); last > 1; --last)
      std::swap(moved[last - 1], moved[pick(last)]);
    for (size_t index = 0; index < moved.size(); ++index)
      order[size_t(loops.movable[index])] = moved[index];
    if (std::is_sorted(order.begin(), order.end()))
      point.kernelTileOrders.erase(kernel);
    else
      point.kernelTileOrders[kernel] = order;
    break;
  }
  }
  return point;
}

/// The first of `values` other than `current`, if any.
static std::optional<std::string>
getOtherValue(const std::vector<std::string> &values,
              const std::string &current) {
  for (const std::string &value : values)
    if (value != current)
      return value;
  return std::nullopt;
}

std::vector<Point> Search::propose(size_t count) {
  std::vector<Point> batch;
  auto add = [&](const Point &point) {
    if (proposed.insert(point).second)
      batch.push_back(point);
  };
  // The step base point with `field` at the first of `values` it does not
  // have.
  auto addOtherValue = [&](const std::vector<std::string> &values,
                           std::string Point::*field) {
    const Point &base = trials[*stepBase].point;
    if (std::optional<std::string> other = getOtherValue(values, base.*field)) {
      Point point = base;
      point.*field = *other;
      add(point);
    }
  };
  // The start first; then repairs before the rest of the sweep: the
  // options as given, or a faster tile size, only a little over the
  // resources are better bets than a tile size further away.
  if (nextSweep == 0 && count > 0)
    add(sweep[nextSweep++]);
  bool recordedAtStart = trials.size() == proposed.size();
  while (batch.size() < count) {
    if (std::optional<Point> repair = nextRepair()) {
      add(*repair);
      continue;
    }
    // The FIFO width changes every process's reading and writing, for
    // LUTs: worth a point of its own at the best tile sizes found, before
    // the sweep goes further away. It waits for the points before it to be
    // recorded: the in-order point is often the best.
    bool allRecorded = trials.size() == proposed.size();
    if (!widthStepDone && nextSweep >= widthStepAfter && allRecorded) {
      widthStepDone = true;
      stepBase = getBest();
      if (stepBase) {
        addOtherValue(space.fifoWidths, &Point::fifoWidth);
        continue;
      }
    }
    // Then the other MAC packing, at the same point: packed MACs free DSPs
    // for more lanes but take LUTs for their adders, which a decode step's
    // weight streams may not repay.
    if (widthStepDone && !packStepDone) {
      packStepDone = true;
      if (stepBase) {
        addOtherValue(space.packModes, &Point::packMacs);
        continue;
      }
    }
    // Both steps faster than their base: both changes at once, once their
    // outcomes are in. The two act on different costs (the tokens' reading
    // and writing, the matmuls' DSPs), so their gains mostly add: GPT-2
    // Medium's decode took 30.8K cycles a layer with FIFO width axi and
    // 24.0K with every MAC packed, 22.9K with both (estimates).
    if (packStepDone && !combinedStepDone && allRecorded) {
      combinedStepDone = true;
      if (std::optional<Point> combined = getCombinedStep()) {
        add(*combined);
        continue;
      }
    }
    // Beside it, the float adders the other way at the best point so far:
    // in LUTs they leave DSPs to the matmuls, which a prefill's unrolling
    // turns into cycles; a decode step, bound by its cache reads, may only
    // pay for them in LUTs and die space. (It does not wait for the
    // combined step's outcome, so that both fit in a short search.)
    if (combinedStepDone && !adderStepDone && recordedAtStart) {
      adderStepDone = true;
      if (std::optional<size_t> best = getBest()) {
        const Point &base = trials[*best].point;
        if (std::optional<std::string> other =
                getOtherValue(space.floatAdders, base.floatAdders)) {
          Point point = base;
          point.floatAdders = *other;
          add(point);
          continue;
        }
      }
    }
    while (nextSweep < sweep.size() && isOutgrown(sweep[nextSweep]))
      ++nextSweep;
    if (nextSweep == sweep.size())
      break;
    add(sweep[nextSweep++]);
  }
  // Around the best point; before any point is feasible, around the start.
  std::optional<size_t> best = getBest();
  Point base = best ? trials[*best].point : sweep.front();
  // Enough draws that a space with new points left nearly always yields
  // them; a small space runs out, and the search ends.
  for (int attempt = 0; batch.size() < count && attempt < 200; ++attempt) {
    Point point = mutate(base);
    if (proposed.insert(point).second)
      batch.push_back(point);
  }
  return batch;
}

bool Search::isOutgrown(const Point &point) const {
  // Tiles hold more the larger they are: past a tile size whose point is
  // over its memory with the run-ahead capped, larger ones are too.
  for (const Trial &trial : trials)
    if (trial.outcome.overMemory && trial.point.capRunAhead &&
        trial.point.tileSize < point.tileSize)
      return true;
  return false;
}

std::optional<Point> Search::getCombinedStep() const {
  if (!stepBase)
    return std::nullopt;
  const Trial &base = trials[*stepBase];
  std::optional<std::string> width =
      getOtherValue(space.fifoWidths, base.point.fifoWidth);
  std::optional<std::string> pack =
      getOtherValue(space.packModes, base.point.packMacs);
  if (!width || !pack)
    return std::nullopt;
  // Whether the base with one field changed was recorded, fitted and beat
  // the base.
  auto gained = [&](std::string Point::*field, const std::string &value) {
    Point changed = base.point;
    changed.*field = value;
    for (const Trial &trial : trials)
      if (trial.point == changed)
        return trial.outcome.feasible &&
               trial.outcome.cycles < base.outcome.cycles;
    return false;
  };
  if (!gained(&Point::fifoWidth, *width) || !gained(&Point::packMacs, *pack))
    return std::nullopt;
  Point combined = base.point;
  combined.fifoWidth = *width;
  combined.packMacs = *pack;
  if (proposed.count(combined))
    return std::nullopt;
  return combined;
}

/// The largest of `values` below `current`, if any.
static std::optional<double> getNextSmaller(const std::vector<double> &values,
                                            double current) {
  std::optional<double> smaller;
  for (double value : values)
    if (value < current && (!smaller || value > *smaller))
      smaller = value;
  return smaller;
}

std::optional<Point> Search::nextRepair() {
  std::optional<size_t> best = getBest();
  // While nothing fits: a point that failed other than by its resources
  // (often a converter too large for a die) is tried again with the next
  // smaller fusion cap, which splits the kernel where converters are
  // largest.
  if (!best)
    for (const Trial &trial : trials) {
      std::optional<double> smaller =
          getNextSmaller(space.fusionShares, trial.point.fusionShare);
      if (trial.outcome.overResources || !smaller)
        continue;
      Point repaired = trial.point;
      repaired.fusionShare = *smaller;
      if (!proposed.count(repaired))
        return repaired;
    }
  // The fastest point over its resources is repaired first.
  std::vector<const Trial *> over;
  for (const Trial &trial : trials)
    if (trial.outcome.overResources &&
        (!best || trial.outcome.cycles < trials[*best].outcome.cycles))
      over.push_back(&trial);
  std::stable_sort(over.begin(), over.end(), [](const Trial *a, const Trial *b) {
    return a->outcome.cycles < b->outcome.cycles;
  });
  for (const Trial *overTrial : over) {
    const Trial &trial = *overTrial;
    const Outcome &outcome = trial.outcome;
    // Over its memory: the DMAs' run-ahead FIFOs, the deepest of the
    // design, are capped; that keeps the tiles and the unrolling. Less
    // unrolling frees operators, not the converters and FIFOs that fill the
    // memory: GPT-2 Medium's prefill at [128:128], tile 64, needed 2,968
    // BRAM_18K at every unroll share, and those repairs took the budget's
    // last five points.
    if (outcome.overMemory) {
      Point repaired = trial.point;
      repaired.capRunAhead = true;
      if (!trial.point.capRunAhead && !proposed.count(repaired))
        return repaired;
      continue;
    }
    // Unrolling less is what frees DSPs, LUTs and FFs without changing the
    // tiles that made it fast.
    std::optional<double> smaller =
        getNextSmaller(space.unrollShares, trial.point.unrollShare);
    if (!smaller)
      continue;
    Point repaired = trial.point;
    repaired.unrollShare = *smaller;
    if (!proposed.count(repaired))
      return repaired;
  }
  return std::nullopt;
}

void Search::record(const Point &point, Outcome outcome) {
  trials.push_back({point, std::move(outcome)});
}

std::optional<size_t> Search::getBest() const {
  // What another graph left this one is for a point that fits no other
  // way, or that is much faster than any that fits its own share: a faster
  // point that takes it leaves less to the graphs searched after this one.
  auto borrows = [&](const Outcome &outcome) {
    return space.ownShare && !outcome.used.isWithin(*space.ownShare);
  };
  std::optional<int64_t> ownBest;
  for (const Trial &trial : trials)
    if (trial.outcome.feasible && !borrows(trial.outcome))
      ownBest = std::min(ownBest.value_or(trial.outcome.cycles),
                         trial.outcome.cycles);
  auto rank = [&](const Outcome &outcome) {
    bool mustFit = borrows(outcome) &&
                   !(ownBest && double(outcome.cycles) * kBorrowingSpeedup <=
                                    double(*ownBest));
    return std::make_tuple(mustFit, outcome.cycles, outcome.utilization);
  };
  std::optional<size_t> best;
  for (size_t index = 0; index < trials.size(); ++index) {
    const Outcome &outcome = trials[index].outcome;
    if (outcome.feasible &&
        (!best || rank(outcome) < rank(trials[*best].outcome)))
      best = index;
  }
  if (!best || !space.ownShare)
    return best;
  // What this graph leaves, the graphs after it may use: of the points
  // nearly as fast as the best, the one whose part of its share, every
  // kind counted (the fullest kind is often the DSPs, which points that
  // differ in their FIFOs' LUTs share), times its cycles is least: a
  // slower point must leave more room than it costs time.
  auto takes = [&](const Outcome &outcome) {
    double parts = 0;
    for (int kind = 0; kind < Resources::kNumKinds; ++kind)
      if (space.ownShare->get(kind) > 0)
        parts += outcome.used.get(kind) / space.ownShare->get(kind);
    return parts;
  };
  auto cost = [&](const Outcome &outcome) {
    return std::make_pair(takes(outcome) * double(outcome.cycles),
                          outcome.cycles);
  };
  const Outcome &fastest = trials[*best].outcome;
  bool fastestMustFit = std::get<0>(rank(fastest));
  std::optional<size_t> roomiest = best;
  for (size_t index = 0; index < trials.size(); ++index) {
    const Outcome &outcome = trials[index].outcome;
    if (!outcome.feasible || std::get<0>(rank(outcome)) != fastestMustFit ||
        double(outcome.cycles) > double(fastest.cycles) * kRoomTolerance)
      continue;
    const Outcome &chosen = trials[*roomiest].outcome;
    if (cost(outcome) < cost(chosen))
      roomiest = index;
  }
  return roomiest;
}

std::vector<size_t> Search::getFront() const {
  std::vector<size_t> front;
  for (size_t index = 0; index < trials.size(); ++index) {
    const Outcome &candidate = trials[index].outcome;
    if (!candidate.feasible)
      continue;
    bool dominated = false;
    for (size_t other = 0; other < trials.size() && !dominated; ++other) {
      const Outcome &rival = trials[other].outcome;
      if (other == index || !rival.feasible)
        continue;
      bool noWorse = rival.cycles <= candidate.cycles &&
                     rival.utilization <= candidate.utilization;
      bool better = rival.cycles < candidate.cycles ||
                    rival.utilization < candidate.utilization;
      // Of two equal outcomes the earlier trial stands for both.
      bool equalEarlier = !better && noWorse && other < index;
      dominated = (noWorse && better) || equalEarlier;
    }
    if (!dominated)
      front.push_back(index);
  }
  std::stable_sort(front.begin(), front.end(), [&](size_t a, size_t b) {
    return trials[a].outcome.cycles < trials[b].outcome.cycles;
  });
  return front;
}
