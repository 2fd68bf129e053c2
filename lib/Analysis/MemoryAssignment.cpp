//===- MemoryAssignment.cpp - FIFOs and buffers onto on-chip memory ------===//

#include "streamtensor/Analysis/MemoryAssignment.h"

#include <algorithm>
#include <numeric>

using namespace streamtensor;
using namespace streamtensor::memory;

const char *memory::toString(Storage storage) {
  switch (storage) {
  case Storage::Registers:
    return "registers";
  case Storage::Srl:
    return "srl";
  case Storage::Lutram:
    return "lutram";
  case Storage::Bram:
    return "bram";
  case Storage::Uram:
    return "uram";
  }
  return "unknown";
}

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// BRAM_18K primitives for one bank: the best of the block's aspect ratios
/// (16K x 1 ... 512 x 36; UltraScale+ RAMB18E2, UG573).
static int64_t bram18kFor(int64_t depth, int64_t width) {
  static const int64_t shapes[][2] = {{1, 16384}, {2, 8192},  {4, 4096},
                                      {9, 2048},  {18, 1024}, {36, 512}};
  int64_t best = INT64_MAX;
  for (const auto &shape : shapes)
    best = std::min(best, ceilDiv(width, shape[0]) * ceilDiv(depth, shape[1]));
  return best;
}

Resources memory::costIn(const MemoryRequest &request, Storage storage) {
  Resources cost;
  int64_t banks = std::max<int64_t>(1, request.partitions);
  int64_t depth = ceilDiv(std::max<int64_t>(1, request.depth), banks);
  int64_t width = std::max<int64_t>(1, request.width);
  switch (storage) {
  case Storage::Registers:
    cost.ff = double(banks * depth * width);
    break;
  case Storage::Srl:
    // One SRL32 LUT per bit per 32 entries.
    cost.lut = double(banks * width * ceilDiv(depth, 32));
    break;
  case Storage::Lutram:
    // A dual-port 64-deep RAM takes two LUTs per bit (RAM64X1D).
    cost.lut = double(banks * width * 2 * ceilDiv(depth, 64));
    break;
  case Storage::Bram:
    cost.bram18k = double(banks * bram18kFor(depth, width));
    break;
  case Storage::Uram:
    // URAM288: 4K x 72, no other aspect ratio.
    cost.uram = double(banks * ceilDiv(width, 72) * ceilDiv(depth, 4096));
    break;
  }
  return cost;
}

Storage memory::preferredStorage(const MemoryRequest &request,
                                 const MemoryPolicy &policy) {
  int64_t banks = std::max<int64_t>(1, request.partitions);
  int64_t bankDepth = ceilDiv(std::max<int64_t>(1, request.depth), banks);
  int64_t bankBits = bankDepth * request.width;
  if (request.isFifo && request.depth <= policy.registerMaxDepth)
    return Storage::Registers;
  // A buffer partitioned into banks of one element (completely, as a
  // buffer of lanes is) is registers to HLS: a RAM of one entry would take
  // a LUTRAM's two LUTs per bit (and a buffer of 128 partial sums 8K LUTs).
  if (!request.isFifo && bankDepth <= 1)
    return Storage::Registers;
  if (request.isFifo && request.depth <= policy.srlMaxDepth)
    return Storage::Srl;
  if (bankBits <= policy.lutramMaxBits)
    return Storage::Lutram;
  if (bankBits >= policy.uramMinBits)
    return Storage::Uram;
  return Storage::Bram;
}

int64_t memory::trimRunAheadDepth(int64_t depth, int64_t width,
                                  const MemoryPolicy &policy) {
  MemoryRequest request;
  request.depth = depth;
  request.width = width;
  request.isFifo = true;
  if (preferredStorage(request, policy) != Storage::Uram)
    return depth;
  int64_t slices = depth / kUramSliceDepth;
  int64_t rest = depth % kUramSliceDepth;
  if (slices == 0 || rest == 0 || rest > kUramSliceDepth / 4)
    return depth;
  return slices * kUramSliceDepth;
}

MemoryPlan memory::assignMemories(const std::vector<MemoryRequest> &requests,
                                  const MemoryPolicy &policy,
                                  double bram18kAvailable,
                                  double uramAvailable) {
  MemoryPlan plan;
  plan.placements.resize(requests.size());
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  auto bits = [&](size_t index) {
    return requests[index].depth * requests[index].width;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return bits(a) > bits(b); });
  double bramLeft = bram18kAvailable, uramLeft = uramAvailable;
  for (size_t index : order) {
    const MemoryRequest &request = requests[index];
    Storage storage = preferredStorage(request, policy);
    Resources cost = costIn(request, storage);
    auto fits = [&](Storage kind, const Resources &need) {
      return kind == Storage::Bram   ? need.bram18k <= bramLeft
             : kind == Storage::Uram ? need.uram <= uramLeft
                                     : true;
    };
    if (!fits(storage, cost) &&
        (storage == Storage::Bram || storage == Storage::Uram)) {
      Storage other = storage == Storage::Bram ? Storage::Uram : Storage::Bram;
      Resources otherCost = costIn(request, other);
      if (fits(other, otherCost)) {
        storage = other;
        cost = otherCost;
      }
    }
    bramLeft -= cost.bram18k;
    uramLeft -= cost.uram;
    plan.placements[index] = {storage, cost};
    plan.total += cost;
  }
  return plan;
}
