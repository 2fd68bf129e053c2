//===- HbmAssignment.cpp - External buffers onto HBM pseudo-channels ------===//

#include "streamtensor/Analysis/HbmAssignment.h"

#include <algorithm>
#include <cstdint>
#include <set>

using namespace streamtensor;
using namespace streamtensor::hbm;

namespace {

/// One entry per role: the largest size, and Activation if any graph
/// writes it.
std::vector<ExternalBuffer>
mergeRoles(const std::vector<ExternalBuffer> &buffers) {
  std::map<std::string, ExternalBuffer> byRole;
  for (const ExternalBuffer &buffer : buffers) {
    auto [it, inserted] = byRole.emplace(buffer.role, buffer);
    if (!inserted) {
      it->second.bytes = std::max(it->second.bytes, buffer.bytes);
      if (buffer.use == BufferUse::Activation)
        it->second.use = BufferUse::Activation;
      it->second.readers.insert(it->second.readers.end(),
                                buffer.readers.begin(), buffer.readers.end());
    }
  }
  std::vector<ExternalBuffer> merged;
  for (auto &[role, buffer] : byRole) {
    std::sort(buffer.readers.begin(), buffer.readers.end());
    buffer.readers.erase(
        std::unique(buffer.readers.begin(), buffer.readers.end()),
        buffer.readers.end());
    merged.push_back(buffer);
  }
  // Largest first, then by name: the order of the greedy placement.
  std::stable_sort(merged.begin(), merged.end(),
                   [](const ExternalBuffer &a, const ExternalBuffer &b) {
                     return a.bytes > b.bytes;
                   });
  return merged;
}

/// Places `buffers` of `use`, each on a channel of [first, last), or a run
/// of adjacent channels when it needs several: among the runs it fits in
/// (any run when none does), the one holding the fewest buffers of its
/// readers, then the least loaded, then the lowest.
void placeGreedily(const std::vector<ExternalBuffer> &buffers, BufferUse use,
                   int64_t first, int64_t last, int64_t channelCapacity,
                   ChannelPlan &plan) {
  // Per channel, the readers of the buffers placed on it, once per buffer.
  std::vector<std::multiset<std::string>> readersOn(plan.bytesOn.size());
  for (const ExternalBuffer &buffer : buffers) {
    if (buffer.use != use)
      continue;
    int64_t count = std::clamp<int64_t>((buffer.bytes + channelCapacity - 1) /
                                            channelCapacity,
                                        1, last - first);
    int64_t share = (buffer.bytes + count - 1) / count;
    ChannelRange best{first, count};
    // (does not fit, buffers of its readers already there, load)
    std::tuple<bool, int64_t, int64_t> bestCost{true, INT64_MAX, INT64_MAX};
    for (int64_t start = first; start + count <= last; ++start) {
      int64_t load = 0, shared = 0;
      for (int64_t channel = start; channel < start + count; ++channel) {
        load = std::max(load, plan.bytesOn[channel]);
        for (const std::string &reader : buffer.readers)
          shared += int64_t(readersOn[channel].count(reader));
      }
      std::tuple<bool, int64_t, int64_t> cost{load + share > channelCapacity,
                                              shared, load};
      if (cost < bestCost) {
        bestCost = cost;
        best.first = start;
      }
    }
    plan.channelOf[buffer.role] = best;
    for (int64_t channel = best.first; channel < best.first + count;
         ++channel) {
      plan.bytesOn[channel] += share;
      readersOn[channel].insert(buffer.readers.begin(), buffer.readers.end());
    }
  }
}

} // namespace

ChannelPlan hbm::assignChannels(const std::vector<ExternalBuffer> &buffers,
                                int64_t channels, int64_t channelCapacity) {
  ChannelPlan plan;
  channels = std::max<int64_t>(1, channels);
  plan.bytesOn.assign(channels, 0);
  std::vector<ExternalBuffer> merged = mergeRoles(buffers);
  int64_t activations =
      std::count_if(merged.begin(), merged.end(), [](const ExternalBuffer &b) {
        return b.use == BufferUse::Activation;
      });
  int64_t weights = int64_t(merged.size()) - activations;

  // Activations take the first channels, one each while a quarter of the
  // channels lasts (sharing beyond that); weights take the others. Without
  // weights, activations may use every channel; with one channel, all
  // share it.
  int64_t activationChannels = std::min<int64_t>(
      std::max<int64_t>(1, activations),
      weights > 0 ? std::max<int64_t>(1, channels / 4) : channels);
  int64_t weightBegin = activationChannels < channels ? activationChannels : 0;
  placeGreedily(merged, BufferUse::Activation, 0, activationChannels,
                channelCapacity, plan);
  placeGreedily(merged, BufferUse::Weight, weightBegin, channels,
                channelCapacity, plan);

  for (int64_t channel = 0; channel < channels; ++channel) {
    if (plan.bytesOn[channel] <= channelCapacity)
      continue;
    std::string roles;
    for (const ExternalBuffer &buffer : merged) {
      ChannelRange range = plan.channelOf[buffer.role];
      if (channel >= range.first && channel < range.first + range.count)
        roles += (roles.empty() ? "" : ", ") + buffer.role;
    }
    plan.error = "HBM pseudo-channel " + std::to_string(channel) + " needs " +
                 std::to_string(plan.bytesOn[channel]) + " bytes (" + roles +
                 "), it holds " + std::to_string(channelCapacity);
    break;
  }
  return plan;
}
