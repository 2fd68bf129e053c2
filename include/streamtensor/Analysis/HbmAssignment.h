//===- HbmAssignment.h - Buffers onto HBM pseudo-channels -------*- C++ -*-===//
//
// Every kernel port is bound to one HBM pseudo-channel at link time, and a
// buffer a kernel reads must live in the bank of the port that reads it. The
// plan is per buffer role (the name a buffer has in every graph that uses
// it: "hidden", "k_cache.0", a weight's name), so that the same buffer sits
// in one bank for every kernel and graph, and no copies between banks are
// needed at run time.
//
// Activations and caches, which every layer rewrites, get channels of their
// own; weights, which are most of the traffic, are spread over the rest,
// largest first onto a channel that no other buffer of the same kernel uses
// yet (two of a kernel's ports on one channel share its bandwidth, and the
// stripes of one weight, read side by side, would run at half speed), the
// least loaded such channel, so that each kernel's weight reads come from
// as many channels as possible. A buffer larger than one
// channel (a large vocabulary's embedding table) spans the fewest adjacent
// channels that hold it, which a port may be bound to as one range.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_HBMASSIGNMENT_H
#define STREAMTENSOR_ANALYSIS_HBMASSIGNMENT_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace streamtensor::hbm {

enum class BufferUse {
  /// Read-only parameters: spread over the channels for bandwidth.
  Weight,
  /// Written by kernels (activations, KV caches, results): own channels.
  Activation,
};

/// A buffer role and the bytes all its instances take (e.g. one layer's
/// weight times the number of layers). A role listed more than once (by
/// several graphs) counts once, with its largest size.
struct ExternalBuffer {
  std::string role;
  BufferUse use = BufferUse::Weight;
  int64_t bytes = 0;
  /// The kernels whose ports are bound to it (any names; a role listed
  /// more than once gets all its lists').
  std::vector<std::string> readers = {};
};

/// Channels [first, first + count).
struct ChannelRange {
  int64_t first = 0;
  int64_t count = 1;
  bool operator==(const ChannelRange &other) const {
    return first == other.first && count == other.count;
  }
};

struct ChannelPlan {
  std::map<std::string, ChannelRange> channelOf;
  /// Bytes placed on each channel.
  std::vector<int64_t> bytesOn;
  /// Empty, or why the buffers do not fit (one line).
  std::string error;
};

/// Assigns every role channels in [0, channels), each holding at most
/// `channelCapacity` bytes (a role spread over a range counts its bytes
/// evenly on each). A weight goes where the fewest buffers of its readers
/// are already, among the channels it fits on, then where the fewest
/// bytes are. Deterministic: the same buffers give the same plan whatever
/// their order.
ChannelPlan assignChannels(const std::vector<ExternalBuffer> &buffers,
                           int64_t channels, int64_t channelCapacity);

} // namespace streamtensor::hbm

#endif // STREAMTENSOR_ANALYSIS_HBMASSIGNMENT_H
