// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s

// An unrolled reduction inside a pipelined loop: the lanes of a completely
// unrolled loop add into one element of an accumulator, so the stored value
// is their sum. Integer adds form a tree (HLS balances integer
// expressions): ceil(log2(lanes)) adds deep. Float adds do not reassociate:
// lanes - 1 updates after the first, one after the other. Figures as in
// profile-tasks.mlir: memref.load 2, memref.store 1, stream_write 1; fadd 6
// cycles (2 DSP, 198 LUT, 318 FF); an integer add has no platform figure:
// 1 cycle, no DSP.
//
// Each process: a pipelined loop over the 4 outputs i, the 8 lanes k of
// the reduction unrolled inside (acc[i] += x[i][k]); then a loop writing
// the 4 sums.
//  - the add starts when both loads are done (2) and ends at 2 + its
//    latency; the store waits for the rest of the tree;
//  - acc[i] follows i: no loop-carried dependence; x and acc take 1 and 2
//    accesses per iteration, within a dual port: II 1;
//  - the write loop: load (2) + stream_write (1), lat 3: 3 + 3 = 6.
// int_tree: add 2 -> 3, tree 3 more levels (8 lanes): store 6 -> 7, lat 7:
//   reduction 3 * 1 + 7 = 10; L = 10 + 6 = 16, D = 10 + 3 = 13.
// float_chain: add 2 -> 8, then 7 more updates one after the other, each
//   a load of the element (2), the add (6) and the store (1): 7 * 9 = 63;
//   store 8 + 63 = 71 -> 72, lat 72: reduction 3 + 72 = 75;
//   L = 75 + 6 = 81, D = 75 + 3 = 78.
// one_lane: the same float sum with k pipelined (not unrolled): no tree;
//   the nest (i, k) is one loop of 32 iterations and acc[i] comes round on
//   the next one (distance 1): II = the chain from the load's start to the
//   add's end, 8 - 0, plus the store's cycle = 9; 31 * 9 + 9 = 288;
//   L = 288 + 6 = 294.

// CHECK-LABEL: func.func @k_int_tree(
// CHECK-SAME: initial_delay = 13 : i64, latency = 16 : i64
func.func @k_int_tree(%o: !dataflow.stream<i32, 2>) attributes {dataflow.process = "int_tree"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %x = memref.alloca() : memref<4x8xi32>
  %acc = memref.alloca() : memref<4xi32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %a = memref.load %x[%i, %k] : memref<4x8xi32>
      %old = memref.load %acc[%i] : memref<4xi32>
      %new = arith.addi %old, %a : i32
      memref.store %new, %acc[%i] : memref<4xi32>
    } {dataflow.unroll = 8 : i64}
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %acc[%i] : memref<4xi32>
    dataflow.stream_write %v into %o : !dataflow.stream<i32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_float_chain(
// CHECK-SAME: initial_delay = 78 : i64, latency = 81 : i64
func.func @k_float_chain(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "float_chain"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %x = memref.alloca() : memref<4x8xf32>
  %acc = memref.alloca() : memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %a = memref.load %x[%i, %k] : memref<4x8xf32>
      %old = memref.load %acc[%i] : memref<4xf32>
      %new = arith.addf %old, %a : f32
      memref.store %new, %acc[%i] : memref<4xf32>
    } {dataflow.unroll = 8 : i64}
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %acc[%i] : memref<4xf32>
    dataflow.stream_write %v into %o : !dataflow.stream<f32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_one_lane(
// CHECK-SAME: ii = 1.000000e+00 : f64, initial_delay = 291 : i64, latency = 294 : i64
func.func @k_one_lane(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "one_lane"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %x = memref.alloca() : memref<4x8xf32>
  %acc = memref.alloca() : memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %a = memref.load %x[%i, %k] : memref<4x8xf32>
      %old = memref.load %acc[%i] : memref<4xf32>
      %new = arith.addf %old, %a : f32
      memref.store %new, %acc[%i] : memref<4xf32>
    }
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %acc[%i] : memref<4xf32>
    dataflow.stream_write %v into %o : !dataflow.stream<f32, 2>
  }
  return
}

func.func @k(%in: memref<4xf32>) attributes {dataflow.arg_names = ["in"], dataflow.kernel} {
  %a = dataflow.stream {entries = 4 : i64, name = "a"} : !dataflow.stream<i32, 2>
  %b = dataflow.stream {entries = 4 : i64, name = "b"} : !dataflow.stream<f32, 2>
  %c = dataflow.stream {entries = 4 : i64, name = "c"} : !dataflow.stream<f32, 2>
  call @k_int_tree(%a) : (!dataflow.stream<i32, 2>) -> ()
  call @k_float_chain(%b) : (!dataflow.stream<f32, 2>) -> ()
  call @k_one_lane(%c) : (!dataflow.stream<f32, 2>) -> ()
  return
}
