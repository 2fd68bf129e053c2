//===- ChannelSharing.h - HBM channel bandwidth among its ports -*- C++ -*-===//
//
// Several kernel ports may be bound to one HBM pseudo-channel. Splitting
// the channel's bandwidth evenly among them, as if they all streamed at
// once, prices a weight stream that shares its channel with a few
// kilobytes of layer-norm parameters, read once at the start, at half
// speed. Ports share a channel only while they are active: each port gets
// the fraction of its channel's traffic during its own activity that is
// its own, the traffic of another port counted in proportion to the part
// of that port's activity that overlaps (its bytes spread evenly over its
// active cycles). The activity comes from a simulation in which every port
// has its channel to itself; this is a fluid estimate, not arbitration.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_CHANNELSHARING_H
#define STREAMTENSOR_ANALYSIS_CHANNELSHARING_H

#include <cstdint>
#include <vector>

namespace streamtensor::hbm {

/// One port's traffic: the bytes it moves on its channel between the
/// cycles `start` and `finish`.
struct PortActivity {
  int64_t channel = 0;
  int64_t bytes = 0;
  int64_t start = 0;
  int64_t finish = 0;
};

/// For each port, the fraction (0, 1] of its channel's bandwidth it gets:
/// bytes / (bytes + the overlapping traffic of the other ports on its
/// channel). A port that moves nothing gets the whole channel.
std::vector<double> shareChannels(const std::vector<PortActivity> &ports);

} // namespace streamtensor::hbm

#endif // STREAMTENSOR_ANALYSIS_CHANNELSHARING_H
