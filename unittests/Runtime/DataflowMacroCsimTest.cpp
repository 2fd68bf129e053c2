//===- DataflowMacroCsimTest.cpp - ST_* macros in the threaded csim ------===//
//
// Compiled with STREAMTENSOR_CSIM: every ST_PROCESS runs on its own thread.
// DataflowMacroSequentialTest.cpp compiles the same kind of design without.

#define STREAMTENSOR_CSIM
#include "hls_stream.h"
#include "streamtensor_dataflow.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

void produce(int count, hls::stream<int> &out) {
  for (int i = 0; i < count; ++i)
    out.write(i);
}

template <int Factor, typename T>
void scale(int count, hls::stream<T> &in, hls::stream<T> &out) {
  for (int i = 0; i < count; ++i)
    out.write(Factor * in.read());
}

void consume(int count, hls::stream<int> &in, std::vector<int> &received,
             std::thread::id &thread) {
  thread = std::this_thread::get_id();
  for (int i = 0; i < count; ++i)
    received.push_back(in.read());
}

// 100 items through streams of depth 2: run one call after the other, the
// producer would block for good on its third write.
void top(int count, std::vector<int> &received, std::thread::id &thread) {
  hls::stream<int> a("a"), b("b");
  ST_DATAFLOW_BEGIN("top")
  ST_PROCESS("produce", produce(count, a));
  ST_PROCESS("scale", scale<3, int>(count, a, b));
  ST_PROCESS("consume", consume(count, b, received, thread));
  ST_DATAFLOW_END
}

TEST(DataflowMacroCsim, ProcessesRunConcurrently) {
  std::vector<int> received;
  std::thread::id consumerThread;
  top(100, received, consumerThread);
  ASSERT_EQ(received.size(), 100u);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(received[i], 3 * i) << i;
  EXPECT_NE(consumerThread, std::this_thread::get_id());
}

// The consumer wants one item more than is produced.
void starvedTop() {
  hls::stream<int> a("a");
  std::vector<int> received;
  std::thread::id thread;
  ST_DATAFLOW_BEGIN("starved")
  ST_PROCESS("produce", produce(3, a));
  ST_PROCESS("consume", consume(4, a, received, thread));
  ST_DATAFLOW_END
}

TEST(DataflowMacroCsim, DeadlockThrowsFromTheTopCall) {
  std::string report;
  try {
    starvedTop();
  } catch (const hls_sim::DeadlockError &error) {
    report = error.what();
  }
  EXPECT_NE(report.find("process 'consume' waits to read 'a' (empty, depth 2)"),
            std::string::npos)
      << report;
}

} // namespace
