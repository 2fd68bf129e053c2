//===- Reassociation.cpp - A stream seen through a reshape of its tensor --===//

#include "streamtensor/Analysis/Reassociation.h"

#include <map>

namespace streamtensor {

namespace {

/// A loop of the new iteration space, and what it replaces.
struct NewLoop {
  int64_t trip, step;
};

/// Product of `sizes[first..]`.
int64_t productFrom(const std::vector<int64_t> &sizes, size_t first) {
  int64_t product = 1;
  for (size_t i = first; i < sizes.size(); ++i)
    product *= sizes[i];
  return product;
}

/// Whether loop `loop` moves the tile along data dimension `dim` only, one
/// whole tile per step, over the whole dimension of size `size`.
bool walksWholeDimension(const StreamLayout &layout, unsigned dim,
                         int64_t size) {
  int64_t loop = layout.offsets[dim].value;
  for (unsigned other = 0; other < layout.getRank(); ++other)
    if (other != dim && layout.offsets[other].isLoop(loop))
      return false;
  return layout.steps[loop] == layout.tileShape[dim] &&
         layout.tripCounts[loop] * layout.tileShape[dim] == size;
}

} // namespace

std::optional<StreamLayout>
expandLayout(const StreamLayout &collapsed, const ReassociationGroups &groups,
             const std::vector<int64_t> &expandedShape) {
  if (collapsed.getInvalidReason() || groups.size() != collapsed.getRank())
    return std::nullopt;
  std::vector<int64_t> fullShape = collapsed.getFullShape();

  // Each collapsed loop becomes one or more loops, outermost first; each
  // expanded dimension gets a tile size and an offset.
  std::vector<std::vector<NewLoop>> loopPieces(collapsed.getNumLoops());
  for (unsigned loop = 0; loop < collapsed.getNumLoops(); ++loop)
    loopPieces[loop] = {{collapsed.tripCounts[loop], collapsed.steps[loop]}};
  std::vector<int64_t> tileShape(expandedShape.size(), 1);
  // Offsets: a constant, or (collapsed loop, index of its piece).
  struct PendingOffset {
    bool isLoop = false;
    int64_t value = 0;
    unsigned piece = 0;
  };
  std::vector<PendingOffset> offsets(expandedShape.size());

  for (unsigned dim = 0; dim < groups.size(); ++dim) {
    const std::vector<unsigned> &group = groups[dim];
    std::vector<int64_t> sizes;
    for (unsigned expandedDim : group)
      sizes.push_back(expandedShape[expandedDim]);
    if (productFrom(sizes, 0) != fullShape[dim])
      return std::nullopt;
    // The tile covers the inner dimensions of the group whole and a part of
    // one dimension `split`; the outermost such split keeps loops simplest.
    int64_t tile = collapsed.tileShape[dim];
    size_t split = sizes.size();
    int64_t splitTile = 1;
    for (size_t i = 0; i < sizes.size(); ++i) {
      int64_t inner = productFrom(sizes, i + 1);
      if (tile % inner == 0 && sizes[i] % (tile / inner) == 0) {
        split = i;
        splitTile = tile / inner;
        break;
      }
    }
    if (split == sizes.size())
      return std::nullopt;
    for (size_t i = 0; i < sizes.size(); ++i)
      tileShape[group[i]] = i < split ? 1 : i == split ? splitTile : sizes[i];

    const TileOffset &offset = collapsed.offsets[dim];
    if (!offset.isLoop()) {
      // A constant offset, in mixed radix; the inner dimensions are whole.
      int64_t rest = offset.value;
      for (size_t i = sizes.size(); i-- > 0;) {
        int64_t digit = rest % sizes[i];
        rest /= sizes[i];
        if (i > split && digit != 0)
          return std::nullopt;
        offsets[group[i]] = {false, digit, 0};
      }
      if (rest != 0)
        return std::nullopt;
      continue;
    }
    if (!walksWholeDimension(collapsed, dim, fullShape[dim]))
      return std::nullopt;
    // Split the loop: one loop per dimension up to `split`, row-major.
    std::vector<NewLoop> pieces;
    for (size_t i = 0; i <= split; ++i) {
      bool last = i == split;
      pieces.push_back({last ? sizes[i] / splitTile : sizes[i],
                        last ? splitTile : 1});
      offsets[group[i]] = {true, offset.value, unsigned(i)};
    }
    for (size_t i = split + 1; i < sizes.size(); ++i)
      offsets[group[i]] = {false, 0, 0};
    loopPieces[offset.value] = pieces;
  }

  StreamLayout expanded;
  expanded.tileShape = tileShape;
  std::vector<unsigned> firstPiece;
  for (const std::vector<NewLoop> &pieces : loopPieces) {
    firstPiece.push_back(expanded.tripCounts.size());
    for (const NewLoop &piece : pieces) {
      expanded.tripCounts.push_back(piece.trip);
      expanded.steps.push_back(piece.step);
    }
  }
  for (const PendingOffset &offset : offsets)
    expanded.offsets.push_back(
        offset.isLoop
            ? TileOffset::loop(firstPiece[offset.value] + offset.piece)
            : TileOffset::constant(offset.value));
  if (expanded.getInvalidReason() ||
      expanded.getFullShape() != expandedShape)
    return std::nullopt;
  return expanded;
}

std::optional<StreamLayout>
collapseLayout(const StreamLayout &expanded,
               const ReassociationGroups &groups) {
  if (expanded.getInvalidReason())
    return std::nullopt;
  std::vector<int64_t> fullShape = expanded.getFullShape();

  StreamLayout collapsed;
  // For each old loop: the new loop it belongs to (-1: merged away into the
  // loop of an earlier one), and its new trip count and step.
  std::vector<int64_t> newLoopOf(expanded.getNumLoops(), -2);
  std::map<unsigned, std::pair<int64_t, int64_t>> mergedRuns; // first -> trip, step
  std::vector<TileOffset> offsets;

  for (const std::vector<unsigned> &group : groups) {
    std::vector<int64_t> sizes;
    for (unsigned dim : group)
      sizes.push_back(fullShape[dim]);
    // The tile: ones, then a part of dimension `split`, then whole ones.
    size_t split = group.size() - 1;
    for (size_t i = 0; i < group.size(); ++i)
      if (expanded.tileShape[group[i]] != 1) {
        split = i;
        break;
      }
    for (size_t i = 0; i < group.size(); ++i) {
      int64_t tile = expanded.tileShape[group[i]];
      if (i < split && tile != 1)
        return std::nullopt;
      if (i > split && tile != sizes[i])
        return std::nullopt;
    }
    int64_t tile = expanded.tileShape[group[split]] * productFrom(sizes, split + 1);
    collapsed.tileShape.push_back(tile);

    // The loops of the group's dimensions up to `split`, outermost first;
    // unit dimensions may sit still.
    int64_t constant = 0;
    std::vector<unsigned> loops;
    for (size_t i = 0; i < group.size(); ++i) {
      const TileOffset &offset = expanded.offsets[group[i]];
      int64_t stride = productFrom(sizes, i + 1);
      if (!offset.isLoop()) {
        constant += offset.value * stride;
        continue;
      }
      // A loop of one iteration on a whole dimension only ever offsets 0.
      if (i > split && expanded.tripCounts[offset.value] == 1)
        continue;
      if (i > split || !walksWholeDimension(expanded, group[i], sizes[i]))
        return std::nullopt;
      loops.push_back(offset.value);
    }
    if (loops.empty()) {
      offsets.push_back(TileOffset::constant(constant));
      continue;
    }
    if (constant != 0)
      return std::nullopt;
    // Merged loops must be adjacent and in order, so that walking them is
    // walking the collapsed dimension.
    for (size_t i = 1; i < loops.size(); ++i)
      if (loops[i] != loops[i - 1] + 1)
        return std::nullopt;
    int64_t trip = 1;
    for (unsigned loop : loops)
      trip *= expanded.tripCounts[loop];
    newLoopOf[loops.front()] = -3; // a merged run starts here
    mergedRuns[loops.front()] = {trip, tile};
    for (size_t i = 1; i < loops.size(); ++i)
      newLoopOf[loops[i]] = -1;
    offsets.push_back(TileOffset::loop(loops.front())); // renumbered below
  }

  std::vector<int64_t> renumber(expanded.getNumLoops(), -1);
  for (unsigned loop = 0; loop < expanded.getNumLoops(); ++loop) {
    if (newLoopOf[loop] == -1)
      continue;
    renumber[loop] = collapsed.tripCounts.size();
    auto run = mergedRuns.find(loop);
    if (run != mergedRuns.end()) {
      collapsed.tripCounts.push_back(run->second.first);
      collapsed.steps.push_back(run->second.second);
    } else {
      collapsed.tripCounts.push_back(expanded.tripCounts[loop]);
      collapsed.steps.push_back(expanded.steps[loop]);
    }
  }
  for (TileOffset &offset : offsets)
    if (offset.isLoop())
      offset = TileOffset::loop(renumber[offset.value]);
  collapsed.offsets = offsets;
  if (collapsed.getInvalidReason())
    return std::nullopt;
  return collapsed;
}

} // namespace streamtensor
