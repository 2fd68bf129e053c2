// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s

// A pipelined loop that reads two tokens of one FIFO per iteration (a
// computation that takes two tokens of a tile at once,
// dataflow-fuse-tile-reads) is modelled as twice the iterations, one token
// each: the simulator's iterations move one token per FIFO. Figures as in
// profile-tasks.mlir: stream_read 1 cycle, memref.store 1; an integer add
// 1 cycle (add_i32).
//  - body: the two reads (0 -> 1), the add (1 -> 2), the store (2 -> 3):
//    lat 3; 4 iterations of 2 tokens: 8 iterations at II 1;
//  - L = 7 * 1 + 3 = 10; it writes no FIFO: D = L.
// CHECK-LABEL: func.func @k_two_tokens(
// CHECK-SAME: initial_delay = 10 : i64, latency = 10 : i64
func.func @k_two_tokens(%in: !dataflow.stream<i32, 2>) attributes {dataflow.process = "two_tokens"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %sums = memref.alloca() : memref<4xi32>
  scf.for %i = %c0 to %c4 step %c1 {
    %a = dataflow.stream_read %in : !dataflow.stream<i32, 2>
    %b = dataflow.stream_read %in : !dataflow.stream<i32, 2>
    %s = arith.addi %a, %b : i32
    memref.store %s, %sums[%i] : memref<4xi32>
  }
  return
}

// The writer of the FIFO: 8 tokens, one per iteration.
func.func @k_writer(%out: !dataflow.stream<i32, 2>) attributes {dataflow.process = "writer"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1 : i32
  scf.for %i = %c0 to %c8 step %c1 {
    dataflow.stream_write %one into %out : !dataflow.stream<i32, 2>
  }
  return
}

func.func @k() attributes {dataflow.kernel} {
  %s = dataflow.stream {entries = 8 : i64, name = "s"} : !dataflow.stream<i32, 2>
  call @k_writer(%s) : (!dataflow.stream<i32, 2>) -> ()
  call @k_two_tokens(%s) : (!dataflow.stream<i32, 2>) -> ()
  return
}
