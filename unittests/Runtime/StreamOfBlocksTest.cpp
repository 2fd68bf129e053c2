//===- StreamOfBlocksTest.cpp - ping-pong buffers between processes -------===//

#include "hls_streamofblocks.h"
#include "streamtensor_csim.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace {

using Block = int[4][8];

TEST(StreamOfBlocks, BlocksArriveWholeAndInOrder) {
  hls::stream_of_blocks<Block> blocks("blocks");
  int wrong = 0;
  hls_sim::Dataflow region("ping-pong");
  region.spawn("fill", [&] {
    for (int n = 0; n < 200; ++n) {
      hls::write_lock<Block> block(blocks);
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 8; ++j)
          block[i][j] = n * 32 + i * 8 + j;
    }
  });
  region.spawn("drain", [&] {
    for (int n = 0; n < 200; ++n) {
      hls::read_lock<Block> block(blocks);
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 8; ++j)
          wrong += block[i][j] != n * 32 + i * 8 + j;
    }
  });
  region.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_TRUE(blocks.empty());
}

// With two blocks, the producer fills the second while the first is still
// held by the consumer: filling and draining overlap.
TEST(StreamOfBlocks, TwoBlocksLetFillAndDrainOverlap) {
  hls::stream_of_blocks<Block> blocks("blocks");
  std::atomic<int> filled{0};
  std::atomic<bool> secondFilledWhileFirstHeld{false};
  hls_sim::Dataflow region("overlap");
  region.spawn("fill", [&] {
    for (int n = 0; n < 2; ++n) {
      hls::write_lock<Block> block(blocks);
      block[0][0] = n;
      ++filled;
    }
  });
  region.spawn("drain", [&] {
    for (int n = 0; n < 2; ++n) {
      hls::read_lock<Block> block(blocks);
      if (n == 0) {
        // Hold the first block until the second one is filled (bounded).
        for (int wait = 0; wait < 200 && filled < 2; ++wait)
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        secondFilledWhileFirstHeld = filled == 2;
      }
    }
  });
  region.join();
  EXPECT_TRUE(secondFilledWhileFirstHeld);
}

// A consumer that wants one block more than is produced deadlocks, and the
// report names the stream of blocks.
TEST(StreamOfBlocks, AMissingBlockIsADeadlockNamedAfterTheBuffer) {
  hls::stream_of_blocks<Block> blocks("converter_blocks");
  std::string report;
  try {
    hls_sim::Dataflow region("short");
    region.spawn("fill", [&] { hls::write_lock<Block> block(blocks); });
    region.spawn("drain", [&] {
      for (int n = 0; n < 2; ++n)
        hls::read_lock<Block> block(blocks);
    });
    region.join();
  } catch (const hls_sim::DeadlockError &error) {
    report = error.what();
  }
  EXPECT_NE(report.find("process 'drain' waits to read 'converter_blocks "
                        "(full blocks)' (empty"),
            std::string::npos)
      << report;
}

} // namespace
