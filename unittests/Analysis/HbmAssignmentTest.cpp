//===- HbmAssignmentTest.cpp - Buffer roles onto HBM channels -------------===//

#include "streamtensor/Analysis/HbmAssignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace streamtensor::hbm;

namespace {

constexpr int64_t kMiB = 1 << 20;
constexpr int64_t kChannelBytes = 512 * kMiB;

ExternalBuffer weight(const std::string &role, int64_t bytes) {
  return {role, BufferUse::Weight, bytes};
}
ExternalBuffer activation(const std::string &role, int64_t bytes) {
  return {role, BufferUse::Activation, bytes};
}

/// A transformer block's buffers: four caches/activations, eight weights.
std::vector<ExternalBuffer> getBlockBuffers() {
  return {activation("hidden", kMiB),
          activation("k_cache", 96 * kMiB),
          activation("v_cache", 96 * kMiB),
          activation("logits", kMiB),
          weight("q_proj", 24 * kMiB),
          weight("k_proj", 24 * kMiB),
          weight("v_proj", 24 * kMiB),
          weight("o_proj", 24 * kMiB),
          weight("up_proj", 96 * kMiB),
          weight("down_proj", 96 * kMiB),
          weight("norm", 1024),
          weight("lm_head", 200 * kMiB)};
}

TEST(HbmAssignment, ActivationsGetChannelsOfTheirOwn) {
  ChannelPlan plan = assignChannels(getBlockBuffers(), 32, kChannelBytes);
  ASSERT_EQ(plan.error, "");
  std::set<int64_t> activationChannels, weightChannels;
  for (const ExternalBuffer &buffer : getBlockBuffers())
    (buffer.use == BufferUse::Activation ? activationChannels : weightChannels)
        .insert(plan.channelOf.at(buffer.role).first);
  EXPECT_EQ(activationChannels.size(), 4u);
  for (int64_t channel : weightChannels)
    EXPECT_FALSE(activationChannels.count(channel)) << channel;
}

TEST(HbmAssignment, WeightsAreSpreadLargestFirst) {
  ChannelPlan plan = assignChannels(getBlockBuffers(), 32, kChannelBytes);
  std::set<int64_t> used;
  for (const char *role : {"q_proj", "k_proj", "v_proj", "o_proj", "up_proj",
                           "down_proj", "norm", "lm_head"})
    used.insert(plan.channelOf.at(role).first);
  // Eight weights, 28 weight channels: every weight on a channel of its own.
  EXPECT_EQ(used.size(), 8u);
  // The largest weight is placed first, on the first weight channel.
  EXPECT_EQ(plan.channelOf.at("lm_head").first, 4);
}

TEST(HbmAssignment, FewChannelsAreShared) {
  std::vector<ExternalBuffer> buffers = {weight("a", 40), weight("b", 30),
                                         weight("c", 20), weight("d", 10),
                                         activation("hidden", 5)};
  ChannelPlan plan = assignChannels(buffers, 3, 1000);
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.channelOf.at("hidden").first, 0);
  // Weights on channels 1 and 2, balanced greedily: 40+10 and 30+20.
  EXPECT_EQ(plan.channelOf.at("a").first, 1);
  EXPECT_EQ(plan.channelOf.at("b").first, 2);
  EXPECT_EQ(plan.channelOf.at("c").first, 2);
  EXPECT_EQ(plan.channelOf.at("d").first, 1);
  EXPECT_EQ(plan.bytesOn, (std::vector<int64_t>{5, 50, 50}));
}

TEST(HbmAssignment, OneChannelHoldsEverything) {
  ChannelPlan plan =
      assignChannels({weight("w", 10), activation("x", 10)}, 1, 100);
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.channelOf.at("w").first, 0);
  EXPECT_EQ(plan.channelOf.at("x").first, 0);
}

TEST(HbmAssignment, ARoleSeenTwiceCountsOnceWithItsLargestSize) {
  // Decode reads the cache prefill writes: one role, one channel.
  ChannelPlan plan = assignChannels(
      {weight("k_cache", 10), activation("k_cache", 30), weight("w", 5)}, 4,
      100);
  EXPECT_EQ(plan.channelOf.size(), 2u);
  EXPECT_EQ(plan.channelOf.at("k_cache").first, 0);
  EXPECT_EQ(plan.bytesOn[0], 30);
}

TEST(HbmAssignment, TheOrderOfTheBuffersDoesNotMatter) {
  std::vector<ExternalBuffer> buffers = getBlockBuffers();
  ChannelPlan first = assignChannels(buffers, 32, kChannelBytes);
  std::reverse(buffers.begin(), buffers.end());
  ChannelPlan second = assignChannels(buffers, 32, kChannelBytes);
  EXPECT_EQ(first.channelOf, second.channelOf);
}

TEST(HbmAssignment, ABufferLargerThanAChannelSpansAdjacentOnes) {
  // gemma-3-1b's token table: 262144 x 1152 float32, 1.125 GiB.
  ChannelPlan plan =
      assignChannels({weight("embed_tokens", 1152 * kMiB),
                      weight("q_proj", 10 * kMiB), activation("hidden", kMiB)},
                     32, kChannelBytes);
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.channelOf.at("embed_tokens"), (ChannelRange{1, 3}));
  EXPECT_EQ(plan.bytesOn[1], 384 * kMiB);
  EXPECT_EQ(plan.bytesOn[3], 384 * kMiB);
  // The next weight goes to the least loaded channel after them.
  EXPECT_EQ(plan.channelOf.at("q_proj"), (ChannelRange{4, 1}));
}

TEST(HbmAssignment, AnOverfullChannelIsAnError) {
  // 40 MiB on two channels of 16 MiB: a range of both still overflows.
  ChannelPlan plan = assignChannels(
      {weight("embedding", 40 * kMiB), activation("hidden", kMiB)}, 3,
      16 * kMiB);
  EXPECT_EQ(plan.error, "HBM pseudo-channel 1 needs 20971520 bytes "
                        "(embedding), it holds 16777216");
}

} // namespace

TEST(HbmAssignment, AKernelsBuffersGoToChannelsOfTheirOwn) {
  // Two stripes of the head's weight, read side by side: by bytes alone the
  // second would join the first on the emptiest channel (10 bytes against
  // 15) and both would get half its bandwidth; it goes next to the block's
  // weight instead.
  auto read = [](ExternalBuffer buffer, const std::string &kernel) {
    buffer.readers = {kernel};
    return buffer;
  };
  std::vector<ExternalBuffer> buffers = {
      activation("hidden", 5),          read(weight("emb", 100), "embed"),
      read(weight("x", 15), "block"),   read(weight("h.s0", 10), "head"),
      read(weight("h.s1", 10), "head")};
  ChannelPlan plan = assignChannels(buffers, 4, 1000);
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.channelOf.at("emb").first, 1);
  EXPECT_EQ(plan.channelOf.at("x").first, 2);
  EXPECT_EQ(plan.channelOf.at("h.s0").first, 3);
  EXPECT_EQ(plan.channelOf.at("h.s1").first, 2);
  // Without readers, bytes alone decide.
  for (ExternalBuffer &buffer : buffers)
    buffer.readers.clear();
  plan = assignChannels(buffers, 4, 1000);
  EXPECT_EQ(plan.channelOf.at("h.s1").first, 3);
}

TEST(HbmAssignment, AChannelWithRoomBeatsOneWithoutReaders) {
  // The only channel without the kernel's buffers is full: sharing one
  // with room is better than overflowing.
  auto read = [](ExternalBuffer buffer) {
    buffer.readers = {"k"};
    return buffer;
  };
  // Channel 0 is for activations; weights go on 1 and 2.
  std::vector<ExternalBuffer> buffers = {
      read(weight("a", 90)), weight("full", 95), read(weight("b", 8))};
  ChannelPlan plan = assignChannels(buffers, 3, 100);
  ASSERT_EQ(plan.error, "");
  EXPECT_EQ(plan.channelOf.at("full").first, 1);
  EXPECT_EQ(plan.channelOf.at("a").first, 2);
  EXPECT_EQ(plan.channelOf.at("b").first, 2);
}
