//===- PaperLayouts.h - The stream layouts of the paper's figures ---------===//

#ifndef STREAMTENSOR_UNITTESTS_ANALYSIS_PAPERLAYOUTS_H
#define STREAMTENSOR_UNITTESTS_ANALYSIS_PAPERLAYOUTS_H

#include "streamtensor/Analysis/StreamLayout.h"

namespace streamtensor::paper {

inline TileOffset d(int64_t position) { return TileOffset::loop(position); }

/// Figure 5 (a): an 8x8 tensor in 2x2 tiles, row-major.
inline StreamLayout figure5a() { return {{2, 2}, {4, 4}, {2, 2}, {d(0), d(1)}}; }
/// Figure 5 (b): 4x2 tiles, column of tiles by column.
inline StreamLayout figure5b() { return {{4, 2}, {4, 2}, {2, 4}, {d(1), d(0)}}; }
/// Figure 5 (c): as (b), but every column of tiles is streamed twice.
inline StreamLayout figure5c() {
  return {{4, 2}, {4, 2, 2}, {2, 1, 4}, {d(2), d(0)}};
}

/// Figure 7: a 64x64 tensor in 16x16 tiles, produced row-major ...
inline StreamLayout figure7Producer() {
  return {{16, 16}, {4, 4}, {16, 16}, {d(0), d(1)}};
}
/// ... and read as the left operand of a tiled matmul, loops (i, j, k): each
/// row of tiles is read once per column j of the output.
inline StreamLayout figure7Consumer() {
  return {{16, 16}, {4, 4, 4}, {16, 16, 16}, {d(0), d(2)}};
}

} // namespace streamtensor::paper

#endif // STREAMTENSOR_UNITTESTS_ANALYSIS_PAPERLAYOUTS_H
