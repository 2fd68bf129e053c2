//===- HbmAssignment.cpp - External buffers onto HBM pseudo-channels ------===//

#include "streamtensor/Analysis/HbmAssignment.h"

#include <algorithm>
#include <cstdint>

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
    if (inserted)
      continue;
    it->second.bytes = std::max(it->second.bytes, buffer.bytes);
    if (buffer.use == BufferUse::Activation)
      it->second.use = BufferUse::Activation;
  }
  std::vector<ExternalBuffer> merged;
  for (auto &[role, buffer] : byRole)
    merged.push_back(buffer);
  // Largest first, then by name: the order of the greedy placement.
  std::stable_sort(merged.begin(), merged.end(),
                   [](const ExternalBuffer &a, const ExternalBuffer &b) {
                     return a.bytes > b.bytes;
                   });
  return merged;
}

/// Places `buffers` of `use`, each on the least loaded channel of
/// [first, last) (the lowest such channel on a tie), or on the least loaded
/// run of adjacent channels when it needs several.
void placeGreedily(const std::vector<ExternalBuffer> &buffers, BufferUse use,
                   int64_t first, int64_t last, int64_t channelCapacity,
                   ChannelPlan &plan) {
  for (const ExternalBuffer &buffer : buffers) {
    if (buffer.use != use)
      continue;
    int64_t count = std::clamp<int64_t>((buffer.bytes + channelCapacity - 1) /
                                            channelCapacity,
                                        1, last - first);
    ChannelRange best{first, count};
    int64_t bestLoad = INT64_MAX;
    for (int64_t start = first; start + count <= last; ++start) {
      int64_t load = 0;
      for (int64_t channel = start; channel < start + count; ++channel)
        load = std::max(load, plan.bytesOn[channel]);
      if (load < bestLoad) {
        bestLoad = load;
        best.first = start;
      }
    }
    plan.channelOf[buffer.role] = best;
    for (int64_t channel = best.first; channel < best.first + count; ++channel)
      plan.bytesOn[channel] += (buffer.bytes + count - 1) / count;
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
