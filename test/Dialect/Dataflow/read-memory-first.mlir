// RUN: streamtensor-opt %s --dataflow-read-memory-first | FileCheck %s

// dataflow-read-memory-first: a nest that only moves a DMA's tokens into
// the process's own buffers goes above the ops before it that touch
// neither its FIFO nor its buffers, not above another such nest.
//
// @k_use reads, in this order:
//   A  q    from scale (a process that reads a FIFO: computed)
//   B  acc  reset (no FIFO)
//   C  kb   from load_b (a DMA of one FIFO)        -> above A and B
//   J  acc2 reset
//   I  eb   from load_e (a DMA of one FIFO)        -> above J, B and A,
//                                                     below C
//   D  cb   reset
//   E  cb   from load_c (a DMA of one FIFO)        -> stays: D writes cb
//   F  db   from both_d (a DMA of two FIFOs: it may wait for the other
//           FIFO's reader, which may wait for this process) -> stays
//   G  the other FIFO of both_d
//   H  the computation
// The buffers and constants C and I use come along with them.

// CHECK-LABEL: func.func @k_use(
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: arith.constant 8 : index
// CHECK-NEXT: %[[KB:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT: scf.for
// CHECK-NEXT: dataflow.stream_read %arg1
// CHECK-NEXT: memref.store %{{.*}}, %[[KB]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[EB:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT: scf.for
// CHECK-NEXT: dataflow.stream_read %arg5
// CHECK-NEXT: memref.store %{{.*}}, %[[EB]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[Q:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT: scf.for
// CHECK-NEXT: dataflow.stream_read %arg0
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT: arith.constant 0.0
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store %{{.*}}, %[[ACC]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[ACC2:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store %{{.*}}, %[[ACC2]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[CB:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store %{{.*}}, %[[CB]]
// CHECK-NEXT: }
// CHECK-NEXT: scf.for
// CHECK-NEXT: dataflow.stream_read %arg2
// CHECK-NEXT: memref.store %{{.*}}, %[[CB]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[DB:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT: scf.for
// CHECK-NEXT: dataflow.stream_read %arg3
// CHECK-NEXT: memref.store %{{.*}}, %[[DB]]
// CHECK-NEXT: }
// CHECK-NEXT: scf.for
// CHECK-NEXT: dataflow.stream_read %arg4

func.func @k_load(%m: memref<8xf32>, %f: !dataflow.stream<f32, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %m[%i] : memref<8xf32>
    dataflow.stream_write %v into %f : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_both(%m: memref<8xf32>, %f: !dataflow.stream<f32, 2>, %g: !dataflow.stream<f32, 2>) attributes {dataflow.process = "both"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %m[%i] : memref<8xf32>
    dataflow.stream_write %v into %f : !dataflow.stream<f32, 2>
    dataflow.stream_write %v into %g : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_scale(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "scale"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %two = arith.constant 2.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    %s = arith.mulf %v, %two : f32
    dataflow.stream_write %s into %out : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_use(%sq: !dataflow.stream<f32, 2>, %sk: !dataflow.stream<f32, 2>, %sc: !dataflow.stream<f32, 2>, %sd: !dataflow.stream<f32, 2>, %sd2: !dataflow.stream<f32, 2>, %se: !dataflow.stream<f32, 2>, %out: memref<8xf32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %q = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %sq : !dataflow.stream<f32, 2>
    memref.store %v, %q[%i] : memref<8xf32>
  }
  %acc = memref.alloca() : memref<8xf32>
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %zero, %acc[%i] : memref<8xf32>
  }
  %kb = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %sk : !dataflow.stream<f32, 2>
    memref.store %v, %kb[%i] : memref<8xf32>
  }
  %acc2 = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %zero, %acc2[%i] : memref<8xf32>
  }
  %eb = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %se : !dataflow.stream<f32, 2>
    memref.store %v, %eb[%i] : memref<8xf32>
  }
  %cb = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %zero, %cb[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %sc : !dataflow.stream<f32, 2>
    memref.store %v, %cb[%i] : memref<8xf32>
  }
  %db = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %sd : !dataflow.stream<f32, 2>
    memref.store %v, %db[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %sd2 : !dataflow.stream<f32, 2>
    %w = memref.load %db[%i] : memref<8xf32>
    %s = arith.addf %v, %w : f32
    memref.store %s, %db[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %q[%i] : memref<8xf32>
    %b = memref.load %kb[%i] : memref<8xf32>
    %c = memref.load %cb[%i] : memref<8xf32>
    %d = memref.load %db[%i] : memref<8xf32>
    %e = memref.load %eb[%i] : memref<8xf32>
    %p = arith.mulf %a, %b : f32
    %r = arith.mulf %c, %d : f32
    %t = arith.mulf %p, %r : f32
    %u = arith.mulf %t, %e : f32
    memref.store %u, %out[%i] : memref<8xf32>
  }
  return
}
func.func @k(%a: memref<8xf32>, %b: memref<8xf32>, %c: memref<8xf32>, %d: memref<8xf32>, %e: memref<8xf32>, %out: memref<8xf32>) attributes {dataflow.kernel} {
  %s0 = dataflow.stream {entries = 8 : i64, name = "s0"} : !dataflow.stream<f32, 2>
  %s1 = dataflow.stream {entries = 8 : i64, name = "s1"} : !dataflow.stream<f32, 2>
  %s2 = dataflow.stream {entries = 8 : i64, name = "s2"} : !dataflow.stream<f32, 2>
  %s3 = dataflow.stream {entries = 8 : i64, name = "s3"} : !dataflow.stream<f32, 2>
  %s4 = dataflow.stream {entries = 8 : i64, name = "s4"} : !dataflow.stream<f32, 2>
  %s5 = dataflow.stream {entries = 8 : i64, name = "s5"} : !dataflow.stream<f32, 2>
  %s6 = dataflow.stream {entries = 8 : i64, name = "s6"} : !dataflow.stream<f32, 2>
  call @k_load(%a, %s0) : (memref<8xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_scale(%s0, %s1) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_load(%b, %s2) : (memref<8xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_load(%c, %s3) : (memref<8xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_both(%d, %s4, %s5) : (memref<8xf32>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_load(%e, %s6) : (memref<8xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_use(%s1, %s2, %s3, %s4, %s5, %s6, %out) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, memref<8xf32>) -> ()
  return
}
