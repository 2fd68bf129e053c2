// RUN: not streamtensor-opt %s --dataflow-size-fifos 2>&1 | FileCheck %s

// Normal mode simulates the kernel (HoldBackSizing.h); a kernel that cannot
// complete even with unbounded FIFOs has no depths to give, and the error
// names the process and the FIFO it waits on. Here `r` reads two tokens
// that `w` never writes.

// CHECK: size-fifos-deadlock.mlir:[[@LINE+11]]:1: error: FIFO sizing: the design does not complete even with unbounded FIFOs: deadlock at cycle 3: 'r' waits for data on 'w_to_r' (empty, its writer 'w' has finished)
func.func @k_w(%out: !dataflow.stream<f32, 1>) attributes {dataflow.process = "w"} {
  %v = arith.constant 1.0 : f32
  dataflow.stream_write %v into %out : !dataflow.stream<f32, 1>
  return
}
func.func @k_r(%in: !dataflow.stream<f32, 1>) attributes {dataflow.process = "r"} {
  %x = dataflow.stream_read %in : !dataflow.stream<f32, 1>
  %y = dataflow.stream_read %in : !dataflow.stream<f32, 1>
  return
}
func.func @k() attributes {dataflow.kernel} {
  %0 = dataflow.stream {entries = 1 : i64, name = "w_to_r"} : !dataflow.stream<f32, 1>
  call @k_w(%0) : (!dataflow.stream<f32, 1>) -> ()
  call @k_r(%0) : (!dataflow.stream<f32, 1>) -> ()
  return
}
