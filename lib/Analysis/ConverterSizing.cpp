//===- ConverterSizing.cpp - Minimal buffers of stream layout converters --===//

#include "streamtensor/Analysis/ConverterSizing.h"

#include <algorithm>

namespace streamtensor {

int64_t ConverterPlan::getBufferElements() const {
  if (!needed)
    return 0;
  int64_t elements = 1;
  for (int64_t size : bufferShape)
    elements *= size;
  return elements;
}

bool isShareableLoop(const StreamLayout &source, const StreamLayout &result,
                     unsigned position) {
  if (position >= source.getNumLoops() || position >= result.getNumLoops())
    return false;
  if (source.tripCounts[position] != result.tripCounts[position])
    return false;
  bool used = false;
  for (unsigned dim = 0; dim < source.getRank(); ++dim) {
    bool sourceUses = source.offsets[dim].isLoop(position);
    bool resultUses = result.offsets[dim].isLoop(position);
    if (sourceUses != resultUses)
      return false;
    if (sourceUses && source.tileShape[dim] != result.tileShape[dim])
      return false;
    used |= sourceUses;
  }
  // The step only matters where the loop moves the tile.
  return !used || source.steps[position] == result.steps[position];
}

unsigned getMaxSharedLoops(const StreamLayout &given,
                           const StreamLayout &wanted) {
  StreamLayout source = given.getCanonical(), result = wanted.getCanonical();
  unsigned shared = 0;
  while (isShareableLoop(source, result, shared))
    ++shared;
  return shared;
}

std::vector<int64_t> getMinBufferShape(const StreamLayout &given,
                                       const StreamLayout &wanted,
                                       unsigned sharedLoops) {
  StreamLayout source = given.getCanonical(), result = wanted.getCanonical();
  std::vector<int64_t> fullShape = source.getFullShape();
  std::vector<int64_t> shape;
  for (unsigned dim = 0; dim < source.getRank(); ++dim) {
    const TileOffset &sourceOffset = source.offsets[dim];
    const TileOffset &resultOffset = result.offsets[dim];
    bool sameTileSize = source.tileShape[dim] == result.tileShape[dim];
    // Within one iteration of the shared loops, a dimension driven by a
    // shared loop, or pinned to the same constant offset on both sides, only
    // ever covers one tile.
    bool fixedByLoop = sourceOffset.isLoop() &&
                       sourceOffset.value < int64_t(sharedLoops) &&
                       resultOffset == sourceOffset;
    bool fixedByConstant = !sourceOffset.isLoop() && resultOffset == sourceOffset;
    shape.push_back(sameTileSize && (fixedByLoop || fixedByConstant)
                        ? source.tileShape[dim]
                        : fullShape[dim]);
  }
  return shape;
}

std::optional<ConverterPlan> planConverter(const StreamLayout &source,
                                           const StreamLayout &result,
                                           std::string *whyNot) {
  auto fail = [&](std::string reason) -> std::optional<ConverterPlan> {
    if (whyNot)
      *whyNot = std::move(reason);
    return std::nullopt;
  };
  if (auto reason = source.getInvalidReason())
    return fail("source layout " + *reason);
  if (auto reason = result.getInvalidReason())
    return fail("result layout " + *reason);
  if (source.getFullShape() != result.getFullShape())
    return fail("source streams a " + formatShape(source.getFullShape()) +
                " tensor but result streams a " +
                formatShape(result.getFullShape()) + " tensor");

  ConverterPlan plan;
  if (source.streamsSameAs(result))
    return plan;
  plan.needed = true;
  plan.sharedLoops = getMaxSharedLoops(source, result);
  plan.bufferShape = getMinBufferShape(source, result, plan.sharedLoops);
  return plan;
}

} // namespace streamtensor
