//===- DataflowTest.cpp - processes on threads, nesting, failures --------===//

#include "hls_stream.h"
#include "streamtensor_csim.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

// After every test the runtime must be idle again: no process left counted.
void expectRuntimeIdle() {
  auto &rt = hls_sim::detail::runtime();
  auto lock = rt.lock();
  EXPECT_EQ(rt.liveCount(), 0u);
  EXPECT_EQ(rt.blockedCount(), 0u);
}

TEST(Dataflow, TwoProcessPipeline) {
  constexpr int kItems = 1000;
  hls::stream<int> s("s");
  std::vector<int> received;
  std::thread::id producerThread, consumerThread;
  {
    hls_sim::Dataflow region("pipeline");
    region.spawn("producer", [&] {
      producerThread = std::this_thread::get_id();
      for (int i = 0; i < kItems; ++i)
        s.write(i * i);
    });
    region.spawn("consumer", [&] {
      consumerThread = std::this_thread::get_id();
      for (int i = 0; i < kItems; ++i)
        received.push_back(s.read());
    });
    region.join();
  }
  ASSERT_EQ(received.size(), static_cast<size_t>(kItems));
  for (int i = 0; i < kItems; ++i)
    EXPECT_EQ(received[i], i * i) << i;
  EXPECT_NE(producerThread, std::this_thread::get_id());
  EXPECT_NE(consumerThread, std::this_thread::get_id());
  EXPECT_NE(producerThread, consumerThread);
  expectRuntimeIdle();
}

TEST(Dataflow, NestedDataflow) {
  constexpr int kItems = 200;
  hls::stream<int> in("in"), out("out");
  std::vector<int> received;
  {
    hls_sim::Dataflow outer("outer");
    outer.spawn("source", [&] {
      for (int i = 0; i < kItems; ++i)
        in.write(i);
    });
    // A process that is itself a dataflow region: out = 2 * in + 1.
    outer.spawn("middle", [&] {
      hls::stream<int> doubled("doubled");
      hls_sim::Dataflow inner("inner");
      inner.spawn("double", [&] {
        for (int i = 0; i < kItems; ++i)
          doubled.write(2 * in.read());
      });
      inner.spawn("increment", [&] {
        for (int i = 0; i < kItems; ++i)
          out.write(doubled.read() + 1);
      });
      inner.join();
    });
    outer.spawn("sink", [&] {
      for (int i = 0; i < kItems; ++i)
        received.push_back(out.read());
    });
    outer.join();
  }
  ASSERT_EQ(received.size(), static_cast<size_t>(kItems));
  for (int i = 0; i < kItems; ++i)
    EXPECT_EQ(received[i], 2 * i + 1) << i;
  expectRuntimeIdle();
}

TEST(Dataflow, ProcessExceptionStopsOthersAndPropagates) {
  hls::stream<int> neverWritten("never_written");
  std::string caught;
  try {
    hls_sim::Dataflow region("failing");
    region.spawn("waiting", [&] { neverWritten.read(); });
    region.spawn("failing", [] { throw std::invalid_argument("boom"); });
    region.join();
  } catch (const std::invalid_argument &e) {
    caught = e.what();
  }
  // The original exception, not the CancelledError of the stopped sibling.
  EXPECT_EQ(caught, "boom");
  expectRuntimeIdle();
}

TEST(Dataflow, ProcessExceptionStopsFreeRunningProcesses) {
  // source and sink would run (here: for 2 s) and never both block: only
  // stopping them lets join() return at once.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  auto running = [&] { return std::chrono::steady_clock::now() < deadline; };
  hls::stream<int> s("s");
  hls::stream<int> trigger("trigger");
  std::string caught, sinkStopped;
  try {
    hls_sim::Dataflow region("free_running");
    region.spawn("source", [&] {
      for (int i = 0; running(); ++i)
        s.write(i);
    });
    region.spawn("sink", [&] {
      try {
        while (running())
          if (s.read() == 100)
            trigger.write(1);
      } catch (const hls_sim::CancelledError &e) {
        sinkStopped = e.what();
        throw;
      }
    });
    region.spawn("failing", [&] {
      trigger.read();
      throw std::runtime_error("boom");
    });
    region.join();
  } catch (const std::runtime_error &e) {
    caught = e.what();
  }
  EXPECT_EQ(caught, "boom");
  EXPECT_EQ(sinkStopped, "process 'sink' stopped: process 'failing' in "
                         "dataflow 'free_running' failed: boom");
  expectRuntimeIdle();
}

TEST(Dataflow, ProcessExceptionStopsNestedChildren) {
  hls::stream<int> a("a"), b("b");
  std::string caught;
  try {
    hls_sim::Dataflow outer("outer");
    outer.spawn("wrapper", [&] {
      hls_sim::Dataflow inner("inner");
      inner.spawn("reads_a", [&] { a.read(); });
      inner.spawn("reads_b", [&] { b.read(); });
      inner.join();
    });
    outer.spawn("failing", [] { throw std::runtime_error("bad input"); });
    outer.join();
  } catch (const hls_sim::CancelledError &e) {
    caught = std::string("cancelled: ") + e.what();
  } catch (const hls_sim::DeadlockError &e) {
    caught = std::string("deadlock: ") + e.what();
  } catch (const std::runtime_error &e) {
    caught = e.what();
  }
  EXPECT_EQ(caught, "bad input");
  expectRuntimeIdle();
}

TEST(Dataflow, LeavingRegionByExceptionStopsProcesses) {
  hls::stream<int> s("s");
  EXPECT_THROW(
      {
        hls_sim::Dataflow region("abandoned");
        region.spawn("reader", [&] {
          for (;;)
            s.read();
        });
        s.write(1);
        throw std::logic_error("testbench gave up");
      },
      std::logic_error);
  expectRuntimeIdle();
}

} // namespace
