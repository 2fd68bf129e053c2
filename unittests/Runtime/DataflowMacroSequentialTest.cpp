//===- DataflowMacroSequentialTest.cpp - ST_* macros without csim --------===//
//
// Compiled without STREAMTENSOR_CSIM, as Vitis sees the code: the macros
// are the plain calls, run in order on the calling thread.

#include "hls_stream.h"
#include "streamtensor_dataflow.h"

#ifdef STREAMTENSOR_CSIM
#error "this test checks the expansion without STREAMTENSOR_CSIM"
#endif

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace {

struct CallLog {
  std::vector<std::string> calls;
  bool allOnMainThread = true;
  void record(const char *name) {
    calls.push_back(name);
    allOnMainThread &= std::this_thread::get_id() == mainThread;
  }
  std::thread::id mainThread = std::this_thread::get_id();
};

void produce(CallLog &log, int count, hls::stream<int> &out) {
  log.record("produce");
  for (int i = 0; i < count; ++i)
    out.write(i);
}

template <int Factor, typename T>
void scale(CallLog &log, int count, hls::stream<T> &in, hls::stream<T> &out) {
  log.record("scale");
  for (int i = 0; i < count; ++i)
    out.write(Factor * in.read());
}

void consume(CallLog &log, int count, hls::stream<int> &in,
             std::vector<int> &received) {
  log.record("consume");
  for (int i = 0; i < count; ++i)
    received.push_back(in.read());
}

// Run in order, each call must find room for all it writes: depth 16.
void top(CallLog &log, int count, std::vector<int> &received) {
  hls::stream<int, 16> a("a"), b("b");
  ST_DATAFLOW_BEGIN("top")
  ST_PROCESS("produce", produce(log, count, a));
  ST_PROCESS("scale", scale<3, int>(log, count, a, b));
  ST_PROCESS("consume", consume(log, count, b, received));
  ST_DATAFLOW_END
}

TEST(DataflowMacroSequential, CallsRunInOrderOnTheCallingThread) {
  CallLog log;
  std::vector<int> received;
  top(log, 10, received);
  EXPECT_EQ(log.calls,
            (std::vector<std::string>{"produce", "scale", "consume"}));
  EXPECT_TRUE(log.allOnMainThread);
  ASSERT_EQ(received.size(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(received[i], 3 * i) << i;
}

// Listed consumer first: run in order, the consumer reads an empty stream
// that nothing can fill, which the runtime reports instead of hanging.
void consumerFirstTop(CallLog &log) {
  hls::stream<int, 16> a("a");
  std::vector<int> received;
  ST_DATAFLOW_BEGIN("consumer_first")
  ST_PROCESS("consume", consume(log, 1, a, received));
  ST_PROCESS("produce", produce(log, 1, a));
  ST_DATAFLOW_END
}

TEST(DataflowMacroSequential, CallsAreNotThreads) {
  CallLog log;
  testing::internal::CaptureStderr();
  EXPECT_THROW(consumerFirstTop(log), hls_sim::DeadlockError);
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(log.calls, std::vector<std::string>{"consume"});
}

} // namespace
