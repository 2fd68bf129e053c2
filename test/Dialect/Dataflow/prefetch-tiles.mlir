// RUN: streamtensor-opt %s --dataflow-prefetch-tiles | FileCheck %s
// RUN: streamtensor-opt %s '--dataflow-prefetch-tiles=max-block-bytes=32' | FileCheck %s --check-prefix=CAP

// dataflow-prefetch-tiles: a tile buffer allocated in a loop and filled by
// one nest that only copies one FIFO's tokens into it moves into a process
// of its own, which writes a three-block buffer; the process takes each
// tile with a block_acquire where it allocated the buffer.
//
// @k_mm computes on two tiles per step of its loops:
//   w  filled from %w through a token staging buffer (lanes): prefetched;
//   x  filled from %x, element by element: prefetched.
// @k_keep keeps every fill:
//   a  allocated outside any loop;
//   b  its FIFO is also read by the computation;
//   c  the fill computes (a multiply), not only addresses;
//   d  a loop around it has a bound that is not a constant.
// @k_twice is called twice: its arguments are different FIFOs at each call.

// With tiles of at most 32 bytes, w's (64) stays in its process, x's (16)
// moves.
// CAP-LABEL: func.func @top(
// CAP-NEXT: dataflow.buffer {depth = 3 : i64, name = "mm_prefetch_0_blocks", prefetch} : memref<4xf32>
// CAP-NEXT: call @k_mm_prefetch_0(
// CAP-NEXT: call @k_mm(%arg0,
// CAP-LABEL: func.func @k_mm(
// CAP: memref.alloca() : memref<4x4xf32>
// CAP: dataflow.stream_read

// CHECK-LABEL: func.func @top(
// CHECK-SAME: %[[W:[^:]*]]: !dataflow.stream<vector<4xf32>, 2>, %[[X:[^:]*]]: !dataflow.stream<f32, 2>,
// CHECK-NEXT: %[[WB:.*]] = dataflow.buffer {depth = 3 : i64, name = "mm_prefetch_0_blocks", prefetch} : memref<4x4xf32>
// CHECK-NEXT: call @k_mm_prefetch_0(%[[W]], %[[WB]]) : (!dataflow.stream<vector<4xf32>, 2>, memref<4x4xf32>) -> ()
// CHECK-NEXT: %[[XB:.*]] = dataflow.buffer {depth = 3 : i64, name = "mm_prefetch_1_blocks", prefetch} : memref<4xf32>
// CHECK-NEXT: call @k_mm_prefetch_1(%[[X]], %[[XB]]) : (!dataflow.stream<f32, 2>, memref<4xf32>) -> ()
// CHECK-NEXT: call @k_mm(%[[WB]], %[[XB]], %{{.*}}) : (memref<4x4xf32>, memref<4xf32>, !dataflow.stream<f32, 2>) -> ()
// CHECK-NEXT: call @k_keep(
// CHECK-NOT: dataflow.buffer
// CHECK: return

// The filling process walks the loops around the buffer and copies into one
// block per iteration, through a staging buffer of its own.
// CHECK-LABEL: func.func @k_mm_prefetch_0(
// CHECK-SAME: %[[IN:[^:]*]]: !dataflow.stream<vector<4xf32>, 2>, %[[BLOCKS:[^:]*]]: memref<4x4xf32>)
// CHECK-SAME: dataflow.process = "mm_prefetch_0"
// CHECK: %[[STAGE:.*]] = memref.alloca() {dataflow.lanes = 4 : i64} : memref<4xf32>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: %[[BLOCK:.*]] = dataflow.block_acquire write %[[BLOCKS]] : memref<4x4xf32>
// CHECK-NEXT: scf.for %[[R:.*]] =
// CHECK-NEXT: %[[TOKEN:.*]] = dataflow.stream_read %[[IN]]
// CHECK-NEXT: vector.store %[[TOKEN]], %[[STAGE]]
// CHECK-NEXT: scf.for %[[L:.*]] =
// CHECK-NEXT: memref.load %[[STAGE]][%[[L]]]
// CHECK-NEXT: memref.store %{{.*}}, %[[BLOCK]][%[[R]], %[[L]]]
// CHECK: return

// CHECK-LABEL: func.func @k_mm_prefetch_1(
// CHECK-SAME: dataflow.process = "mm_prefetch_1"
// CHECK: dataflow.block_acquire write
// CHECK: dataflow.stream_read
// CHECK: memref.store

// The computation takes the blocks where it filled its buffers; the staging
// buffer went with its fill.
// CHECK-LABEL: func.func @k_mm(
// CHECK-SAME: %[[WT:[^:]*]]: memref<4x4xf32>, %[[XT:[^:]*]]: memref<4xf32>, %[[OUT:[^:]*]]: !dataflow.stream<f32, 2>)
// CHECK-NOT: dataflow.lanes
// CHECK: scf.for
// CHECK-NEXT: scf.for
// CHECK-NEXT: %[[WBLOCK:.*]] = dataflow.block_acquire %[[WT]] : memref<4x4xf32>
// CHECK-NEXT: %[[XBLOCK:.*]] = dataflow.block_acquire %[[XT]] : memref<4xf32>
// CHECK-NOT: dataflow.stream_read
// CHECK: memref.load %[[WBLOCK]]
// CHECK: memref.load %[[XBLOCK]]
// CHECK: dataflow.stream_write

// CHECK-LABEL: func.func @k_keep(
// CHECK-NOT: dataflow.block_acquire
// CHECK: return
// CHECK-LABEL: func.func @k_twice(
// CHECK-NOT: dataflow.block_acquire
// CHECK: return

func.func @top(%w: !dataflow.stream<vector<4xf32>, 2>, %x: !dataflow.stream<f32, 2>, %o: !dataflow.stream<f32, 2>, %a: !dataflow.stream<f32, 2>, %b: !dataflow.stream<f32, 2>, %c: !dataflow.stream<f32, 2>, %d: !dataflow.stream<f32, 2>, %n: index, %t1: !dataflow.stream<f32, 2>, %t2: !dataflow.stream<f32, 2>) attributes {dataflow.kernel} {
  call @k_mm(%w, %x, %o) : (!dataflow.stream<vector<4xf32>, 2>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_keep(%a, %b, %c, %d, %n) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>, index) -> ()
  call @k_twice(%t1) : (!dataflow.stream<f32, 2>) -> ()
  call @k_twice(%t2) : (!dataflow.stream<f32, 2>) -> ()
  return
}

func.func @k_mm(%w: !dataflow.stream<vector<4xf32>, 2>, %x: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "mm"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %stage = memref.alloca() {dataflow.lanes = 4 : i64} : memref<4xf32>
  scf.for %i = %c0 to %c2 step %c1 {
    scf.for %j = %c0 to %c2 step %c1 {
      %wt = memref.alloca() : memref<4x4xf32>
      scf.for %r = %c0 to %c4 step %c1 {
        %token = dataflow.stream_read %w : !dataflow.stream<vector<4xf32>, 2>
        vector.store %token, %stage[%c0] : memref<4xf32>, vector<4xf32>
        scf.for %l = %c0 to %c4 step %c1 {
          %v = memref.load %stage[%l] : memref<4xf32>
          memref.store %v, %wt[%r, %l] : memref<4x4xf32>
        } {dataflow.unroll = 4 : i64}
      }
      %xt = memref.alloca() : memref<4xf32>
      scf.for %r = %c0 to %c4 step %c1 {
        %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
        memref.store %v, %xt[%r] : memref<4xf32>
      }
      scf.for %r = %c0 to %c4 step %c1 {
        %zero = arith.constant 0.0 : f32
        %sum = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> f32 {
          %a = memref.load %wt[%r, %k] : memref<4x4xf32>
          %b = memref.load %xt[%k] : memref<4xf32>
          %p = arith.mulf %a, %b : f32
          %s = arith.addf %acc, %p : f32
          scf.yield %s : f32
        }
        dataflow.stream_write %sum into %out : !dataflow.stream<f32, 2>
      }
    }
  }
  return
}

func.func @k_keep(%a: !dataflow.stream<f32, 2>, %b: !dataflow.stream<f32, 2>, %c: !dataflow.stream<f32, 2>, %d: !dataflow.stream<f32, 2>, %n: index) attributes {dataflow.process = "keep"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %two = arith.constant 2.0 : f32
  %at = memref.alloca() : memref<4xf32>
  scf.for %r = %c0 to %c4 step %c1 {
    %v = dataflow.stream_read %a : !dataflow.stream<f32, 2>
    memref.store %v, %at[%r] : memref<4xf32>
  }
  scf.for %i = %c0 to %c2 step %c1 {
    %bt = memref.alloca() : memref<4xf32>
    scf.for %r = %c0 to %c4 step %c1 {
      %v = dataflow.stream_read %b : !dataflow.stream<f32, 2>
      memref.store %v, %bt[%r] : memref<4xf32>
    }
    %extra = dataflow.stream_read %b : !dataflow.stream<f32, 2>
    %ct = memref.alloca() : memref<4xf32>
    scf.for %r = %c0 to %c4 step %c1 {
      %v = dataflow.stream_read %c : !dataflow.stream<f32, 2>
      %s = arith.mulf %v, %two : f32
      memref.store %s, %ct[%r] : memref<4xf32>
    }
    %v0 = memref.load %at[%c0] : memref<4xf32>
    %v1 = memref.load %bt[%c0] : memref<4xf32>
    %v2 = memref.load %ct[%c0] : memref<4xf32>
  }
  scf.for %i = %c0 to %n step %c1 {
    %dt = memref.alloca() : memref<4xf32>
    scf.for %r = %c0 to %c4 step %c1 {
      %v = dataflow.stream_read %d : !dataflow.stream<f32, 2>
      memref.store %v, %dt[%r] : memref<4xf32>
    }
    %v3 = memref.load %dt[%c0] : memref<4xf32>
  }
  return
}

func.func @k_twice(%t: !dataflow.stream<f32, 2>) attributes {dataflow.process = "twice"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c2 step %c1 {
    %tt = memref.alloca() : memref<4xf32>
    scf.for %r = %c0 to %c4 step %c1 {
      %v = dataflow.stream_read %t : !dataflow.stream<f32, 2>
      memref.store %v, %tt[%r] : memref<4xf32>
    }
    %v = memref.load %tt[%c0] : memref<4xf32>
  }
  return
}
