// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity=luts-per-cycle=0 | FileCheck %s
// (Every step that saves a cycle is taken here: luts-per-cycle=0. The limit
// on LUTs per cycle saved has its case in unroll-by-intensity.mlir.)

// Once the innermost compute loop is unrolled completely, it is the body of
// its parent's pipeline, and the parent is the loop to unroll next (a
// matmul's tile: the lanes of the innermost dimension, then the rows). The
// process: buf[i][j] = buf[i][j] * a, 8 x 2. The inner loop goes to its
// trip count, 2; then the outer loop takes the next divisors of 8, each
// step faster (16, 8, 4, 2 multiplies per cycle ... down to one iteration),
// until both loops are unrolled completely.

// CHECK-LABEL: func.func @k_nest(
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK: } {dataflow.unroll = 2 : i64}
// CHECK-NEXT: } {dataflow.unroll = 8 : i64}
func.func @k_nest() attributes {dataflow.process = "nest"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %a = arith.constant 3.0 : f32
  %buf = memref.alloca() : memref<8x2xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c2 step %c1 {
      %v = memref.load %buf[%i, %j] : memref<8x2xf32>
      %m = arith.mulf %v, %a : f32
      memref.store %m, %buf[%i, %j] : memref<8x2xf32>
    }
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  call @k_nest() : () -> ()
  return
}
