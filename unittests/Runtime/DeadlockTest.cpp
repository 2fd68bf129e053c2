//===- DeadlockTest.cpp - every process blocked: reported, not hung ------===//

#include "hls_stream.h"
#include "streamtensor_csim.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

void expectRuntimeIdle() {
  auto &rt = hls_sim::detail::runtime();
  auto lock = rt.lock();
  EXPECT_EQ(rt.liveCount(), 0u);
  EXPECT_EQ(rt.blockedCount(), 0u);
}

// Runs body and returns the message of the DeadlockError it throws ("" when
// it throws none).
template <typename Body> std::string deadlockMessage(Body body) {
  try {
    body();
  } catch (const hls_sim::DeadlockError &e) {
    return e.what();
  }
  return "";
}

TEST(Deadlock, ConsumerStarvedWhileProducerWaitsOnUnwrittenStream) {
  hls::stream<int> a("fifo_a"), b("fifo_b");
  testing::internal::CaptureStderr();
  std::string message = deadlockMessage([&] {
    hls_sim::Dataflow region("top");
    region.spawn("producer", [&] {
      a.write(1);
      b.read(); // nobody writes fifo_b
    });
    region.spawn("consumer", [&] {
      a.read();
      a.read(); // only one item ever comes
    });
    region.join();
  });
  // The report travels in the exception; nothing is printed on the side.
  std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_PRED2(contains, message, "deadlock: every process is blocked");
  EXPECT_PRED2(contains, message,
               "process 'producer' waits to read 'fifo_b' "
               "(empty, depth 2)");
  EXPECT_PRED2(contains, message,
               "process 'consumer' waits to read 'fifo_a' "
               "(empty, depth 2)");
  EXPECT_EQ(printed, "");
  expectRuntimeIdle();
}

TEST(Deadlock, DetectedWhenTheLastOtherProcessEnds) {
  hls::stream<int> a("fifo_a");
  std::string message = deadlockMessage([&] {
    hls_sim::Dataflow region("top");
    region.spawn("producer", [&] { a.write(1); });
    region.spawn("consumer", [&] {
      a.read();
      a.read();
    });
    region.join();
  });
  EXPECT_PRED2(contains, message, "process 'consumer' waits to read 'fifo_a'");
  EXPECT_FALSE(contains(message, "producer")) << message;
  expectRuntimeIdle();
}

// The producer fills fifo_a before it writes fifo_b; the consumer reads
// fifo_b first. Only a fifo_a of depth >= 4 lets both finish.
template <int DepthA> std::string runShallowFifoDesign(int *consumed) {
  hls::stream<int, DepthA> a("fifo_a");
  hls::stream<int> b("fifo_b");
  *consumed = 0;
  return deadlockMessage([&] {
    hls_sim::Dataflow region("top");
    region.spawn("producer", [&] {
      for (int i = 0; i < 4; ++i)
        a.write(i);
      b.write(4);
    });
    region.spawn("consumer", [&] {
      *consumed += b.read();
      for (int i = 0; i < 4; ++i)
        *consumed += a.read();
    });
    region.join();
  });
}

TEST(Deadlock, FifoTooShallowIsReportedFull) {
  int consumed = 0;
  std::string message = runShallowFifoDesign<1>(&consumed);
  EXPECT_PRED2(contains, message,
               "process 'producer' waits to write 'fifo_a' "
               "(full, depth 1)");
  EXPECT_PRED2(contains, message,
               "process 'consumer' waits to read 'fifo_b' "
               "(empty, depth 2)");
  expectRuntimeIdle();
}

TEST(Deadlock, FifoDeepEnoughCompletes) {
  int consumed = 0;
  EXPECT_EQ(runShallowFifoDesign<4>(&consumed), "");
  EXPECT_EQ(consumed, 0 + 1 + 2 + 3 + 4);
  expectRuntimeIdle();
}

TEST(Deadlock, InNestedRegionReachesTheTopJoin) {
  hls::stream<int> ping("ping"), pong("pong");
  std::string message = deadlockMessage([&] {
    hls_sim::Dataflow outer("outer");
    outer.spawn("wrapper", [&] {
      hls_sim::Dataflow inner("inner");
      // Each waits for the other to speak first.
      inner.spawn("left", [&] { pong.write(ping.read()); });
      inner.spawn("right", [&] { ping.write(pong.read()); });
      inner.join();
    });
    outer.join();
  });
  EXPECT_PRED2(contains, message, "process 'left' waits to read 'ping'");
  EXPECT_PRED2(contains, message, "process 'right' waits to read 'pong'");
  // Waiting in join() is not being blocked on a stream.
  EXPECT_FALSE(contains(message, "wrapper")) << message;
  expectRuntimeIdle();
}

TEST(Deadlock, MainThreadReadingEmptyStreamThrows) {
  hls::stream<int> lonely("lonely");
  testing::internal::CaptureStderr();
  std::string message = deadlockMessage([&] { lonely.read(); });
  testing::internal::GetCapturedStderr();
  EXPECT_PRED2(contains, message,
               "process 'main' waits to read 'lonely' (empty, depth 2)");
  expectRuntimeIdle();
  // The testbench may go on using streams afterwards.
  lonely.write(7);
  EXPECT_EQ(lonely.read(), 7);
}

TEST(Deadlock, MainThreadWritingFullStreamThrows) {
  hls::stream<int, 1> tiny("tiny");
  tiny.write(1);
  testing::internal::CaptureStderr();
  std::string message = deadlockMessage([&] { tiny.write(2); });
  testing::internal::GetCapturedStderr();
  EXPECT_PRED2(contains, message,
               "process 'main' waits to write 'tiny' (full, depth 1)");
  EXPECT_EQ(tiny.size(), 1u);
  expectRuntimeIdle();
}

TEST(Deadlock, NoFalseAlarmWhileTheRegionIsStillSpawning) {
  // The consumer blocks before its producer exists; the thread spawning them
  // can still feed it, so this is no deadlock.
  hls::stream<int> s("s");
  int received = 0;
  hls_sim::Dataflow region("late_producer");
  region.spawn("consumer", [&] { received = s.read(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  region.spawn("producer", [&] { s.write(42); });
  EXPECT_NO_THROW(region.join());
  EXPECT_EQ(received, 42);
}

} // namespace
