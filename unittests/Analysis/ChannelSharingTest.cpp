//===- ChannelSharingTest.cpp - HBM channel bandwidth among its ports -----===//
//
// shareChannels (ChannelSharing.h). Each expected share is worked out by
// hand: bytes / (bytes + sum over the other ports of its channel of their
// bytes times the fraction of their active cycles inside this port's).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Analysis/ChannelSharing.h"

#include <gtest/gtest.h>

using namespace streamtensor::hbm;

namespace {

TEST(ChannelSharingTest, AlonePortsGetTheirChannel) {
  std::vector<double> shares =
      shareChannels({{/*channel=*/0, 1000, 0, 100}, {1, 1000, 0, 100}});
  EXPECT_DOUBLE_EQ(shares[0], 1.0);
  EXPECT_DOUBLE_EQ(shares[1], 1.0);
}

TEST(ChannelSharingTest, PortsStreamingTogetherSplitTheChannel) {
  // Two stripes of one DMA on one channel, and a third of twice the bytes:
  // 1000 / (1000 + 1000 + 2000).
  std::vector<double> shares = shareChannels(
      {{0, 1000, 0, 100}, {0, 1000, 0, 100}, {0, 2000, 0, 100}});
  EXPECT_DOUBLE_EQ(shares[0], 0.25);
  EXPECT_DOUBLE_EQ(shares[1], 0.25);
  EXPECT_DOUBLE_EQ(shares[2], 0.5);
}

TEST(ChannelSharingTest, PortsOneAfterTheOtherDoNotShare) {
  // The second starts when the first finishes: no overlapping cycle.
  std::vector<double> shares =
      shareChannels({{0, 5000, 0, 100}, {0, 5000, 100, 200}});
  EXPECT_DOUBLE_EQ(shares[0], 1.0);
  EXPECT_DOUBLE_EQ(shares[1], 1.0);
}

TEST(ChannelSharingTest, ASmallReadBarelySlowsAStream) {
  // A 4 KiB parameter read during cycles [0, 50) of a 1 MiB stream over
  // [0, 20000): the stream gets 1048576 / (1048576 + 4096); the small read
  // sees the stream's bytes of those 50 cycles, 1048576 * 50 / 20000.
  std::vector<double> shares =
      shareChannels({{3, 1048576, 0, 20000}, {3, 4096, 0, 50}});
  EXPECT_DOUBLE_EQ(shares[0], 1048576.0 / (1048576.0 + 4096.0));
  EXPECT_DOUBLE_EQ(shares[1], 4096.0 / (4096.0 + 2621.44));
}

TEST(ChannelSharingTest, PartialOverlapCountsItsFraction) {
  // The other port is active for [50, 150): half of its 2000 bytes fall
  // in [0, 100).
  std::vector<double> shares =
      shareChannels({{0, 1000, 0, 100}, {0, 2000, 50, 150}});
  EXPECT_DOUBLE_EQ(shares[0], 1000.0 / 2000.0);
  // And half of the first port's 1000 bytes fall in [50, 150).
  EXPECT_DOUBLE_EQ(shares[1], 2000.0 / 2500.0);
}

TEST(ChannelSharingTest, IdlePortsTakeNothing) {
  // A port that moves no bytes gets the whole channel and costs the others
  // nothing. A port whose activity has no length is active for the cycle
  // it starts in: [40, 41) holds 1/100 of the first port's bytes, and all
  // of its own fall in the first port's [0, 100); [400, 401) is outside.
  std::vector<double> shares = shareChannels(
      {{0, 1000, 0, 100}, {0, 0, 0, 100}, {0, 500, 40, 40}, {0, 500, 400, 400}});
  EXPECT_DOUBLE_EQ(shares[0], 1000.0 / 1500.0);
  EXPECT_DOUBLE_EQ(shares[1], 1.0);
  EXPECT_DOUBLE_EQ(shares[2], 500.0 / 510.0);
  EXPECT_DOUBLE_EQ(shares[3], 1.0);
}

} // namespace
