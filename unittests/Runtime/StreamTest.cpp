//===- StreamTest.cpp - hls::stream as a bounded blocking FIFO -----------===//

#include "hls_stream.h"
#include "streamtensor_csim.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;

TEST(HlsStream, DefaultDepthIsTwo) {
  hls::stream<int> s("s");
  EXPECT_EQ(s.depth(), 2u);
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.write_nb(1));
  EXPECT_TRUE(s.write_nb(2));
  EXPECT_TRUE(s.full());
  EXPECT_FALSE(s.write_nb(3));
  EXPECT_EQ(s.size(), 2u);
}

TEST(HlsStream, TemplateDepth) {
  hls::stream<int, 5> s;
  EXPECT_EQ(s.depth(), 5u);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(s.write_nb(i)) << i;
  EXPECT_TRUE(s.full());
  EXPECT_FALSE(s.write_nb(5));
  int item = -1;
  EXPECT_TRUE(s.read_nb(item));
  EXPECT_EQ(item, 0);
  EXPECT_FALSE(s.full());

  hls::stream<int, 1> one;
  EXPECT_EQ(one.depth(), 1u);
  one << 7;
  EXPECT_TRUE(one.full());
}

TEST(HlsStream, AnyDepthPassesAsDefaultStream) {
  hls::stream<int, 8> deep("deep");
  hls::stream<int> &base = deep;
  EXPECT_EQ(base.depth(), 8u);
  EXPECT_EQ(base.name(), "deep");
}

TEST(HlsStream, Names) {
  hls::stream<int> named("fifo_a");
  EXPECT_EQ(named.name(), "fifo_a");
  hls::stream<int> first, second;
  EXPECT_EQ(first.name().rfind("stream#", 0), 0u) << first.name();
  EXPECT_NE(first.name(), second.name());
}

TEST(HlsStream, SingleThreadedWriteThenRead) {
  hls::stream<int, 3> s;
  s.write(1);
  s << 2;
  s.write(3);
  int second = 0, third = 0;
  EXPECT_EQ(s.read(), 1);
  s >> second;
  s.read(third);
  EXPECT_EQ(second, 2);
  EXPECT_EQ(third, 3);
  int none = -1;
  EXPECT_FALSE(s.read_nb(none));
  EXPECT_EQ(none, -1);
}

TEST(HlsStream, FifoOrderAcrossThreads) {
  constexpr int kItems = 100000;
  hls::stream<int> s("ordered"); // depth 2: the writer blocks all the time
  int outOfOrder = 0, received = 0;
  hls_sim::Dataflow region("order");
  region.spawn("producer", [&] {
    for (int i = 0; i < kItems; ++i)
      s.write(i);
  });
  region.spawn("consumer", [&] {
    for (int i = 0; i < kItems; ++i) {
      if (s.read() != i)
        ++outOfOrder;
      ++received;
    }
  });
  region.join();
  EXPECT_EQ(received, kItems);
  EXPECT_EQ(outOfOrder, 0);
  EXPECT_TRUE(s.empty());
}

TEST(HlsStream, WriteToFullStreamBlocksUntilRead) {
  constexpr int kDepth = 3;
  hls::stream<int, kDepth> s("s");
  std::atomic<bool> lastWriteDone{false};
  // A Dataflow, not a bare std::thread: the writer must be a process the
  // deadlock detector knows, and the main thread (owning the region) stays
  // live while it watches.
  hls_sim::Dataflow region("blocking");
  region.spawn("writer", [&] {
    for (int i = 0; i <= kDepth; ++i) // one more than fits
      s.write(i);
    lastWriteDone = true;
  });
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!s.full() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(s.full());
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(lastWriteDone) << "write to a full stream did not block";

  EXPECT_EQ(s.read(), 0);
  while (!lastWriteDone && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(lastWriteDone) << "a read did not unblock the writer";
  region.join();
  for (int i = 1; i <= kDepth; ++i)
    EXPECT_EQ(s.read(), i);
}

} // namespace
