//===- ChannelSharing.cpp - HBM channel bandwidth among its ports ---------===//

#include "streamtensor/Analysis/ChannelSharing.h"

#include <algorithm>

using namespace streamtensor::hbm;

/// A port is active for at least the cycle it starts in.
static int64_t activeEnd(const PortActivity &port) {
  return std::max(port.finish, port.start + 1);
}

std::vector<double>
streamtensor::hbm::shareChannels(const std::vector<PortActivity> &ports) {
  std::vector<double> shares(ports.size(), 1.0);
  for (size_t p = 0; p < ports.size(); ++p) {
    const PortActivity &port = ports[p];
    if (port.bytes <= 0)
      continue;
    double others = 0;
    for (size_t q = 0; q < ports.size(); ++q) {
      const PortActivity &other = ports[q];
      if (q == p || other.channel != port.channel || other.bytes <= 0)
        continue;
      int64_t overlap = std::min(activeEnd(port), activeEnd(other)) -
                        std::max(port.start, other.start);
      if (overlap > 0)
        others += double(other.bytes) * double(overlap) /
                  double(activeEnd(other) - other.start);
    }
    shares[p] = double(port.bytes) / (double(port.bytes) + others);
  }
  return shares;
}
