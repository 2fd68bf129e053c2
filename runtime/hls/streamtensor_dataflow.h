// streamtensor_dataflow.h - dataflow regions that work in Vitis and in csim.
//
//   ST_DATAFLOW_BEGIN("top")
//   ST_PROCESS("producer", producer(in, s0));
//   ST_PROCESS("consumer", consumer(s0, out));
//   ST_DATAFLOW_END
//
// With STREAMTENSOR_CSIM defined (our threaded C simulation) this opens an
// hls_sim::Dataflow, runs each call on its own thread and waits for all of
// them at ST_DATAFLOW_END, which rethrows the first exception of a process
// (e.g. hls_sim::DeadlockError). Without it (Vitis synthesis, Vitis csim) it
// is exactly the calls, in order.
//
// In the threaded form each call is a lambda capturing by reference, and its
// arguments are evaluated on the process's thread: pass streams and arrays
// by reference, and do not change variables a call uses between
// ST_DATAFLOW_BEGIN and ST_DATAFLOW_END. Put only ST_PROCESS statements
// between the two (declare streams before ST_DATAFLOW_BEGIN), so that both
// forms mean the same. The call is a variadic argument, so template argument
// lists with commas need no extra parentheses.
//
// HLS pragmas are written ST_PRAGMA(HLS pipeline II=1): in Vitis this is
// _Pragma("HLS pipeline II=1"), the same as #pragma HLS pipeline II=1; in our
// C simulation it is nothing, so that g++ -Wall -Werror accepts the code.
// `T object ST_NAMED("object");` names a channel in our C simulation (for
// deadlock reports) and leaves it default-constructed in Vitis.

#ifndef STREAMTENSOR_DATAFLOW_H
#define STREAMTENSOR_DATAFLOW_H

#ifdef STREAMTENSOR_CSIM

#include "streamtensor_csim.h"

#define ST_DATAFLOW_BEGIN(regionName)                                          \
  {                                                                            \
    ::hls_sim::Dataflow streamtensor_dataflow_region_(regionName);
#define ST_PROCESS(processName, ...)                                           \
  streamtensor_dataflow_region_.spawn(processName, [&]() { __VA_ARGS__; })
#define ST_DATAFLOW_END                                                        \
  streamtensor_dataflow_region_.join();                                        \
  }
#define ST_PRAGMA(text)
#define ST_NAMED(name) (name)

#else

#define ST_DATAFLOW_BEGIN(regionName)
#define ST_PROCESS(processName, ...) __VA_ARGS__
#define ST_DATAFLOW_END
#define ST_PRAGMA(text) _Pragma(#text)
#define ST_NAMED(name)

#endif

#endif // STREAMTENSOR_DATAFLOW_H
