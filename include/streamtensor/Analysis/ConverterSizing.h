//===- ConverterSizing.h - Minimal buffers of stream layout converters ----===//
//
// A stream layout converter sits between a producer streaming a tensor in one
// layout and a consumer reading it in another. It writes the incoming tiles
// into an on-chip buffer and reads them back in the consumer's order, through
// a ping-pong pair so that both sides run concurrently. This is the paper's
// Algorithm 1, corrected to reduce each data dimension on its own rather than
// only a prefix of the dimensions (see shared/reference/streamtensor-paper.md,
// section 6.2, note (b)).
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_CONVERTERSIZING_H
#define STREAMTENSOR_ANALYSIS_CONVERTERSIZING_H

#include "streamtensor/Analysis/StreamLayout.h"

#include <optional>
#include <string>
#include <vector>

namespace streamtensor {

/// The converter between two layouts of one tensor.
struct ConverterPlan {
  /// False when both layouts stream the same tiles in the same order: the
  /// producer then feeds the consumer directly.
  bool needed = false;
  /// The shape of one buffer of the ping-pong pair (empty when not needed).
  std::vector<int64_t> bufferShape;
  /// The buffer sits inside loops [0, sharedLoops) of both iteration spaces
  /// and is reused on every iteration of them.
  unsigned sharedLoops = 0;

  /// Elements of one buffer.
  int64_t getBufferElements() const;
  /// Elements on chip: the ping and the pong buffer.
  int64_t getPingPongElements() const { return 2 * getBufferElements(); }
};

/// Whether loop `position` can be shared by the producer and the consumer:
/// both have it with the same trip count (and the same step where a data
/// dimension uses it), and each data dimension takes its offset from it in
/// both layouts, with equal tile sizes, or in neither.
bool isShareableLoop(const StreamLayout &source, const StreamLayout &result,
                     unsigned position);

/// The most outer loops that can be shared: the longest prefix of shareable
/// loops (a shared loop must enclose the buffer, so the shared loops are the
/// outermost ones). Loops are counted in the canonical forms (loops of one
/// iteration removed): a loop of one iteration on one side only, such as a
/// matmul's output-row loop over a single row, does not stop the sharing.
unsigned getMaxSharedLoops(const StreamLayout &source,
                           const StreamLayout &result);

/// The smallest buffer for a converter inside the first `sharedLoops` loops
/// of the canonical forms (at most getMaxSharedLoops): per data dimension,
/// one tile where a shared loop or an identical constant offset fixes the
/// tile, the full size otherwise.
std::vector<int64_t> getMinBufferShape(const StreamLayout &source,
                                       const StreamLayout &result,
                                       unsigned sharedLoops);

/// The smallest converter from `source` to `result`, or nothing (with the
/// reason in `whyNot`) when they are not two layouts of the same tensor.
std::optional<ConverterPlan> planConverter(const StreamLayout &source,
                                           const StreamLayout &result,
                                           std::string *whyNot = nullptr);

} // namespace streamtensor

#endif // STREAMTENSOR_ANALYSIS_CONVERTERSIZING_H
