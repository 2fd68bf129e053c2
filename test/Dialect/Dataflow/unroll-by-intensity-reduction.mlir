// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity=luts-per-cycle=0 | FileCheck %s
// (Every step that saves a cycle is taken here: luts-per-cycle=0. The limit
// on LUTs per cycle saved has its case in unroll-by-intensity.mlir.)

// A reduction loop (its body updates an element whose address does not
// follow it) is unrolled completely or not at all. Partly unrolled, every
// iteration would still add to the same element and wait for the previous
// add: the process would get no faster (the pass would stop at the first
// factor). Completely unrolled, its lanes are one adder tree in the body of
// the loop around it, which is the one to unroll next.
//
// The process: acc[i] += x[i][k], i < 4, k < 12 (int32). k, the reduction,
// goes straight from 1 to 12 (not 2, 3, 4, 6); then i, a parallel loop,
// takes the divisors of 4, each step faster, until it is one iteration.

// CHECK-LABEL: func.func @k_dot(
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.addi
// CHECK: } {dataflow.unroll = 12 : i64}
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
func.func @k_dot() attributes {dataflow.process = "dot"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c12 = arith.constant 12 : index
  %x = memref.alloca() : memref<4x12xi32>
  %acc = memref.alloca() : memref<4xi32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c12 step %c1 {
      %v = memref.load %x[%i, %k] : memref<4x12xi32>
      %old = memref.load %acc[%i] : memref<4xi32>
      %new = arith.addi %old, %v : i32
      memref.store %new, %acc[%i] : memref<4xi32>
    }
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  call @k_dot() : () -> ()
  return
}


// A float sum into one element that dataflow-split-float-sums (later in
// the pipeline) will spread over partial sums is unrolled on that promise,
// each update priced as going to its own partial sum: a layer norm's sum
// of squares over int4-paired elements, acc += x[k][p]^2 (k < 512, p < 2),
// gets p unrolled completely and k by 4. That is 8 updates an iteration,
// for 128 partial sums; k by 8 would want 256 of them and 16 x 256
// updates, so the split would leave it a chain of adds, and the model
// prices it as one.

// CHECK-LABEL: func.func @f_dot(
// CHECK: } {dataflow.unroll = 2 : i64}
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
func.func @f_dot() attributes {dataflow.process = "dot"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c512 = arith.constant 512 : index
  %acc = memref.alloca() : memref<1xf32>
  %x = memref.alloca() : memref<512x2xf32>
  scf.for %k = %c0 to %c512 step %c1 {
    scf.for %p = %c0 to %c2 step %c1 {
      %v = memref.load %x[%k, %p] : memref<512x2xf32>
      %sq = arith.mulf %v, %v : f32
      %old = memref.load %acc[%c0] : memref<1xf32>
      %new = arith.addf %old, %sq : f32
      memref.store %new, %acc[%c0] : memref<1xf32>
    }
  }
  return
}
func.func @f() attributes {dataflow.kernel} {
  call @f_dot() : () -> ()
  return
}

// A float sum too short for partial sums (24 updates: fewer than 2 x 16)
// is left as it is: unrolled, it would still be one chain of adds.

// CHECK-LABEL: func.func @s_sum(
// CHECK-NOT: dataflow.unroll
// CHECK: return
func.func @s_sum() attributes {dataflow.process = "sum"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c24 = arith.constant 24 : index
  %acc = memref.alloca() : memref<1xf32>
  %x = memref.alloca() : memref<24xf32>
  scf.for %k = %c0 to %c24 step %c1 {
    %v = memref.load %x[%k] : memref<24xf32>
    %old = memref.load %acc[%c0] : memref<1xf32>
    %new = arith.addf %old, %v : f32
    memref.store %new, %acc[%c0] : memref<1xf32>
  }
  return
}
func.func @s() attributes {dataflow.kernel} {
  call @s_sum() : () -> ()
  return
}

// A matrix-vector product's reduction loop around its unrolled outputs,
// y[i] += a[j][i] * x[j] (j < 64 outside, i < 8 inside), is not a sum into
// one element: once i is unrolled completely, j is unrolled in part as
// before (here by 32), each of its iterations updating eight accumulators.

// CHECK-LABEL: func.func @m_dot(
// CHECK: } {dataflow.unroll = 8 : i64}
// CHECK-NEXT: } {dataflow.unroll = 32 : i64}
func.func @m_dot() attributes {dataflow.process = "dot"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %a = memref.alloca() : memref<64x8xf32>
  %x = memref.alloca() : memref<64xf32>
  %y = memref.alloca() : memref<8xf32>
  scf.for %j = %c0 to %c64 step %c1 {
    scf.for %i = %c0 to %c8 step %c1 {
      %v = memref.load %a[%j, %i] : memref<64x8xf32>
      %w = memref.load %x[%j] : memref<64xf32>
      %p = arith.mulf %v, %w : f32
      %old = memref.load %y[%i] : memref<8xf32>
      %new = arith.addf %old, %p : f32
      memref.store %new, %y[%i] : memref<8xf32>
    }
  }
  return
}
func.func @m() attributes {dataflow.kernel} {
  call @m_dot() : () -> ()
  return
}
