// RUN: streamtensor-opt %s --dataflow-hoist-invariants --split-input-file | FileCheck %s

// A layer norm's normalization of one tile, after reading the row's
// variance: 1 / sqrt(variance / 64 + eps) is the same in every iteration
// and moves, with the load of the variance, before the elementwise loop.
// The per-element ops, and the load of the tile, stay.
// CHECK-LABEL: func.func @normalize(
// CHECK: %[[VAR:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<1xf32>
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[VAR]]
// CHECK-NEXT: %[[SHIFTED:.*]] = arith.addf %[[MEAN]]
// CHECK-NEXT: %[[RSTD:.*]] = math.rsqrt %[[SHIFTED]]
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.load %{{.*}} : memref<64xf32>
// CHECK-NEXT: arith.mulf %{{.*}}, %[[RSTD]]
// CHECK-NOT: math.rsqrt
// CHECK: return
func.func @normalize(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "normalize"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %n = arith.constant 6.400000e+01 : f32
  %eps = arith.constant 9.99999974E-6 : f32
  %variance = memref.alloca() : memref<1xf32>
  %x = memref.alloca() : memref<64xf32>
  %y = memref.alloca() : memref<64xf32>
  %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
  memref.store %v, %variance[%c0] : memref<1xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %e = memref.load %x[%i] : memref<64xf32>
    %s = memref.load %variance[%c0] : memref<1xf32>
    %m = arith.divf %s, %n : f32
    %a = arith.addf %m, %eps : f32
    %r = math.rsqrt %a : f32
    %p = arith.mulf %e, %r : f32
    memref.store %p, %y[%i] : memref<64xf32>
  }
  return
}

// -----

// The loop writes the buffer the chain reads: nothing moves.
// CHECK-LABEL: func.func @written_inside(
// CHECK: scf.for
// CHECK-NEXT: memref.load %{{.*}} : memref<1xf32>
// CHECK-NEXT: math.rsqrt
// CHECK: memref.store %{{.*}} : memref<1xf32>
func.func @written_inside(%out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "written_inside"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %acc = memref.alloca() : memref<1xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %s = memref.load %acc[%c0] : memref<1xf32>
    %r = math.rsqrt %s : f32
    memref.store %r, %acc[%c0] : memref<1xf32>
  }
  return
}

// -----

// Rows of a prefill norm: each row's 1 / sqrt is invariant in the element
// loop, whose only parent is the row loop: the two are a perfect nest that
// HLS flattens into one pipeline, and the chain stays inside.
// CHECK-LABEL: func.func @perfect_nest(
// CHECK: scf.for %[[ROW:.*]] = 
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.load %{{.*}}[%[[ROW]]] : memref<8xf32>
// CHECK-NEXT: math.rsqrt
func.func @perfect_nest(%out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "perfect_nest"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %variance = memref.alloca() : memref<8xf32>
  %x = memref.alloca() : memref<8x64xf32>
  %y = memref.alloca() : memref<8x64xf32>
  scf.for %row = %c0 to %c8 step %c1 {
    scf.for %i = %c0 to %c64 step %c1 {
      %s = memref.load %variance[%row] : memref<8xf32>
      %r = math.rsqrt %s : f32
      %e = memref.load %x[%row, %i] : memref<8x64xf32>
      %p = arith.mulf %e, %r : f32
      memref.store %p, %y[%row, %i] : memref<8x64xf32>
    }
  }
  return
}

// -----

// Integer arithmetic and index math stay: only float arithmetic moves (a
// matmul's loop nests keep their shape for the MAC packing and unrolling).
// CHECK-LABEL: func.func @integers(
// CHECK: scf.for
// CHECK-NEXT: memref.load %{{.*}} : memref<1xi32>
// CHECK-NEXT: arith.muli
func.func @integers(%out: !dataflow.stream<i32, 2>) attributes {dataflow.process = "integers"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %scale = memref.alloca() : memref<1xi32>
  %x = memref.alloca() : memref<64xi32>
  scf.for %i = %c0 to %c64 step %c1 {
    %s = memref.load %scale[%c0] : memref<1xi32>
    %t = arith.muli %s, %s : i32
    %e = memref.load %x[%i] : memref<64xi32>
    %p = arith.addi %e, %t : i32
    memref.store %p, %x[%i] : memref<64xi32>
  }
  return
}
