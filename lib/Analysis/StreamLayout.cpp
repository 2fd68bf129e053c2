//===- StreamLayout.cpp - The stream layout of an itensor as plain data ---===//

#include "streamtensor/Analysis/StreamLayout.h"

#include <algorithm>

namespace streamtensor {

std::string formatShape(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(shape[i]);
  return text;
}

std::string formatList(const std::vector<int64_t> &values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

std::optional<std::string> StreamLayout::getInvalidReason() const {
  if (steps.size() != tripCounts.size())
    return "has " + std::to_string(tripCounts.size()) + " trip counts but " +
           std::to_string(steps.size()) + " steps";
  if (offsets.size() != tileShape.size())
    return "has a tile of rank " + std::to_string(tileShape.size()) +
           " but an iteration map with " + std::to_string(offsets.size()) +
           " results";
  for (int64_t size : tileShape)
    if (size <= 0)
      return "tile shape " + formatList(tileShape) +
             " must have positive sizes";
  for (int64_t trip : tripCounts)
    if (trip <= 0)
      return "trip counts " + formatList(tripCounts) + " must be positive";
  for (int64_t step : steps)
    if (step <= 0)
      return "steps " + formatList(steps) + " must be positive";
  for (const TileOffset &offset : offsets) {
    if (offset.isLoop() &&
        (offset.value < 0 || offset.value >= int64_t(getNumLoops())))
      return "iteration map uses loop d" + std::to_string(offset.value) +
             " but there are " + std::to_string(getNumLoops()) + " loops";
    if (!offset.isLoop() && offset.value < 0)
      return "iteration map has the negative offset " +
             std::to_string(offset.value);
  }
  return std::nullopt;
}

std::vector<int64_t> StreamLayout::getFullShape() const {
  std::vector<int64_t> shape;
  for (unsigned dim = 0; dim < getRank(); ++dim) {
    const TileOffset &offset = offsets[dim];
    int64_t lastOffset =
        offset.isLoop()
            ? (tripCounts[offset.value] - 1) * steps[offset.value]
            : offset.value;
    shape.push_back(lastOffset + tileShape[dim]);
  }
  return shape;
}

int64_t StreamLayout::getNumTokens() const {
  int64_t tokens = 1;
  for (int64_t trip : tripCounts)
    tokens *= trip;
  return tokens;
}

int64_t StreamLayout::getTileElements() const {
  int64_t elements = 1;
  for (int64_t size : tileShape)
    elements *= size;
  return elements;
}

bool StreamLayout::usesLoop(int64_t position) const {
  return std::any_of(offsets.begin(), offsets.end(),
                     [&](const TileOffset &o) { return o.isLoop(position); });
}

bool StreamLayout::isProjectedPermutation() const {
  std::vector<bool> seen(getNumLoops(), false);
  for (const TileOffset &offset : offsets) {
    if (!offset.isLoop()) {
      if (offset.value != 0)
        return false;
      continue;
    }
    if (seen[offset.value])
      return false;
    seen[offset.value] = true;
  }
  return true;
}

bool StreamLayout::isRegularTiling() const {
  if (!isProjectedPermutation())
    return false;
  for (unsigned dim = 0; dim < getRank(); ++dim)
    if (offsets[dim].isLoop() && steps[offsets[dim].value] != tileShape[dim])
      return false;
  return true;
}

StreamLayout StreamLayout::getCanonical() const {
  StreamLayout canonical;
  canonical.tileShape = tileShape;
  canonical.offsets = offsets;
  // A loop of one iteration only ever has index 0.
  std::vector<int64_t> newPosition(getNumLoops(), -1);
  for (unsigned loop = 0; loop < getNumLoops(); ++loop) {
    if (tripCounts[loop] == 1)
      continue;
    newPosition[loop] = canonical.tripCounts.size();
    canonical.tripCounts.push_back(tripCounts[loop]);
    canonical.steps.push_back(usesLoop(loop) ? steps[loop] : 1);
  }
  for (TileOffset &offset : canonical.offsets) {
    if (!offset.isLoop())
      continue;
    offset = newPosition[offset.value] < 0
                 ? TileOffset::constant(0)
                 : TileOffset::loop(newPosition[offset.value]);
  }
  return canonical;
}

bool StreamLayout::streamsSameAs(const StreamLayout &other) const {
  return getCanonical() == other.getCanonical();
}

} // namespace streamtensor
