//===- MemoryAssignment.h - Arrays onto on-chip memories --------*- C++ -*-===//
//
// Paper section 5.3: every buffer goes to LUTRAM, BRAM or URAM, "prioritized
// by size". Here: the largest arrays take URAM first (one URAM holds 16
// BRAM_18Ks' worth and is the scarcer fabric for small arrays), the middle
// ones BRAM, small ones LUTRAM, and shallow FIFOs shift registers (SRL) or
// plain registers. When a kind runs out, the array moves to the next kind
// that still has room.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_MEMORYASSIGNMENT_H
#define STREAMTENSOR_ANALYSIS_MEMORYASSIGNMENT_H

#include "streamtensor/Analysis/Resources.h"

#include <cstdint>
#include <string>
#include <vector>

namespace streamtensor::memory {

enum class Storage { Registers, Srl, Lutram, Bram, Uram };
const char *toString(Storage storage);

/// One array: `depth` words of `width` bits, split into `partitions`
/// independent banks (cyclic partitioning for unrolled accesses).
struct MemoryRequest {
  std::string name;
  int64_t depth = 1;
  int64_t width = 32;
  int64_t partitions = 1;
  bool isFifo = false;
};

/// Thresholds of the mapping, a platform figure.
struct MemoryPolicy {
  /// FIFOs at most this deep become registers.
  int64_t registerMaxDepth = 2;
  /// FIFOs at most this deep become shift registers (SRL32 chains).
  int64_t srlMaxDepth = 32;
  /// Arrays of at most this many bits (per bank) go to LUTRAM.
  int64_t lutramMaxBits = 1024;
  /// Arrays of at least this many bits (per bank) prefer URAM.
  int64_t uramMinBits = 147456;
};

/// Where one array went and what it costs.
struct MemoryPlacement {
  Storage storage = Storage::Bram;
  Resources cost;
};

/// The cost of `request` in `storage`.
Resources costIn(const MemoryRequest &request, Storage storage);

/// The kind the policy prefers for `request`, before capacities.
Storage preferredStorage(const MemoryRequest &request,
                         const MemoryPolicy &policy);

/// Entries of one URAM288 slice: the block is 4K x 72 and has no other
/// aspect ratio, so a FIFO in URAM costs ceil(bits / 72) blocks per 4096
/// entries or part of them.
constexpr int64_t kUramSliceDepth = 4096;

/// The depth of a FIFO that only lets its writer run ahead of its reader
/// (a DMA's, which reads memory and nothing else: any depth of at least 1
/// is safe), `depth` entries of `width` bits, when the policy puts it in
/// URAM: a last slice at most a quarter full is dropped. It cost a whole
/// slice of blocks (29 URAMs for a 256-byte token) for at most 1024 tokens
/// of run-ahead, which delay the reader by at most that many cycles. Any
/// other depth is returned as it is.
int64_t trimRunAheadDepth(int64_t depth, int64_t width,
                          const MemoryPolicy &policy);

struct MemoryPlan {
  std::vector<MemoryPlacement> placements;
  Resources total;
};

/// Places every request, largest first, under the BRAM and URAM available.
/// An array whose preferred kind is full goes to the other block RAM kind;
/// if neither has room it stays in its preferred kind (the resource check
/// then reports the overflow).
MemoryPlan assignMemories(const std::vector<MemoryRequest> &requests,
                          const MemoryPolicy &policy, double bram18kAvailable,
                          double uramAvailable);

} // namespace streamtensor::memory

#endif // STREAMTENSOR_ANALYSIS_MEMORYASSIGNMENT_H
