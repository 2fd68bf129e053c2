//===- StreamLayout.h - The stream layout of an itensor as plain data -----===//
//
// An itensor streams a tensor tile by tile in the order of a loop nest. This
// header describes that layout without MLIR types, so that the math built on
// it (full shape, token counts, converter sizing) can be unit-tested on the
// paper's examples directly.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_STREAMLAYOUT_H
#define STREAMTENSOR_ANALYSIS_STREAMLAYOUT_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace streamtensor {

/// The offset of a tile along one data dimension: the index of one loop, or a
/// constant.
struct TileOffset {
  enum class Kind { Loop, Constant };
  Kind kind;
  int64_t value; // loop position (outermost = 0) or the constant offset

  static TileOffset loop(int64_t position) { return {Kind::Loop, position}; }
  static TileOffset constant(int64_t offset) {
    return {Kind::Constant, offset};
  }
  bool isLoop() const { return kind == Kind::Loop; }
  bool isLoop(int64_t position) const { return isLoop() && value == position; }
  bool operator==(const TileOffset &other) const {
    return kind == other.kind && value == other.value;
  }
  bool operator!=(const TileOffset &other) const { return !(*this == other); }
};

/// Tiles of `tileShape` visited by a loop nest: loop k runs `tripCounts[k]`
/// times with step `steps[k]`, outermost first; the tile visited at loop
/// indices (i0, i1, ...) has offset `offsets[d]` on data dimension d, where a
/// loop offset stands for that loop's index.
struct StreamLayout {
  std::vector<int64_t> tileShape;  // one per data dimension
  std::vector<int64_t> tripCounts; // one per loop
  std::vector<int64_t> steps;      // one per loop
  std::vector<TileOffset> offsets; // one per data dimension

  unsigned getRank() const { return tileShape.size(); }
  unsigned getNumLoops() const { return tripCounts.size(); }

  /// Why this is not a valid layout, or nothing when it is.
  std::optional<std::string> getInvalidReason() const;

  /// The shape of the whole tensor: per dimension, the largest offset plus
  /// the tile size.
  std::vector<int64_t> getFullShape() const;
  /// Tokens streamed: the product of the trip counts.
  int64_t getNumTokens() const;
  /// Scalars in one tile.
  int64_t getTileElements() const;

  /// Whether any data dimension takes its offset from loop `position`.
  bool usesLoop(int64_t position) const;
  /// Every loop is used at most once, and constant offsets are zero.
  bool isProjectedPermutation() const;
  /// A projected permutation where each used loop steps by exactly its tile
  /// size: every element is in exactly one tile.
  bool isRegularTiling() const;

  /// The same stream with loops of one iteration removed and the steps of
  /// unused loops set to 1; two layouts stream the same tiles in the same
  /// order if and only if their canonical forms are equal.
  StreamLayout getCanonical() const;
  /// Streams the same tiles in the same order as `other`.
  bool streamsSameAs(const StreamLayout &other) const;

  bool operator==(const StreamLayout &other) const {
    return tileShape == other.tileShape && tripCounts == other.tripCounts &&
           steps == other.steps && offsets == other.offsets;
  }
};

/// Formats a shape as "8x2" (or "scalar" for rank 0), for messages.
std::string formatShape(const std::vector<int64_t> &shape);
/// Formats a list as "[4, 2]", for messages.
std::string formatList(const std::vector<int64_t> &values);

} // namespace streamtensor

#endif // STREAMTENSOR_ANALYSIS_STREAMLAYOUT_H
