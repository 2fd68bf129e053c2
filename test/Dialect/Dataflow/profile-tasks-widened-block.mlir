// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s

// A widened loop may cover its whole range in one iteration, and a loop of
// one iteration is its body: here the fill's loop over a block's 8
// elements, widened to one token of 8, sits in the pipelined loop over
// blocks next to the block's acquire. Each iteration of that loop hands
// over one block (the converter's FIFO has a writer). Figures as in
// profile-tasks.mlir; an acquire takes no cycle of its own.
//  fill: 2 iterations (one per block) of: stream_read 0 -> 1, vector.store
//        of the token into the pack buffer 1 -> 2, load of a lane 2 -> 4
//        (after the store), store into the block 4 -> 5: lat 5, II 1.
//        L = 1 * 1 + 5 = 6; the first block is handed over at the end of
//        the first iteration: D = 5.

// CHECK-LABEL: func.func @k_fill(
// CHECK-SAME: ii = 1.000000e+00 : f64, initial_delay = 5 : i64, latency = 6 : i64
func.func @k_fill(%in: !dataflow.stream<vector<8xf32>, 1>, %blocks: memref<8x1xf32>) attributes {dataflow.process = "fill"} {
  %alloca = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xf32>
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c0 = arith.constant 0 : index
  scf.for %arg2 = %c0 to %c16 step %c8 {
    %0 = dataflow.block_acquire write %blocks : memref<8x1xf32>
    scf.for %arg3 = %c0 to %c8 step %c8 {
      %1 = dataflow.stream_read %in : !dataflow.stream<vector<8xf32>, 1>
      vector.store %1, %alloca[%c0] : memref<8xf32>, vector<8xf32>
      scf.for %arg4 = %c0 to %c8 step %c1 {
        %2 = arith.addi %arg3, %arg4 : index
        %3 = memref.load %alloca[%arg4] : memref<8xf32>
        memref.store %3, %0[%2, %c0] : memref<8x1xf32>
      } {dataflow.unroll = 8 : i64}
    }
  }
  return
}
func.func @k_gen(%out: !dataflow.stream<vector<8xf32>, 1>) attributes {dataflow.process = "gen"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %v = arith.constant dense<1.0> : vector<8xf32>
  scf.for %i = %c0 to %c2 step %c1 {
    dataflow.stream_write %v into %out : !dataflow.stream<vector<8xf32>, 1>
  }
  return
}
func.func @k_drain(%blocks: memref<8x1xf32>) attributes {dataflow.process = "drain"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c2 = arith.constant 2 : index
  scf.for %j = %c0 to %c2 step %c1 {
    %blk = dataflow.block_acquire %blocks : memref<8x1xf32>
    scf.for %i = %c0 to %c8 step %c1 {
      %x = memref.load %blk[%i, %c0] : memref<8x1xf32>
    }
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  %b = dataflow.buffer : memref<8x1xf32>
  %s = dataflow.stream {entries = 2 : i64, name = "gen_to_fill"} : !dataflow.stream<vector<8xf32>, 1>
  call @k_gen(%s) : (!dataflow.stream<vector<8xf32>, 1>) -> ()
  call @k_fill(%s, %b) : (!dataflow.stream<vector<8xf32>, 1>, memref<8x1xf32>) -> ()
  call @k_drain(%b) : (memref<8x1xf32>) -> ()
  return
}
