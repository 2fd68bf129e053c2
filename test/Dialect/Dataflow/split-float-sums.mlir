// RUN: streamtensor-opt %s --dataflow-split-float-sums --split-input-file | FileCheck %s
// RUN: not streamtensor-opt %s --dataflow-split-float-sums=partials=12 --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: dataflow-split-float-sums: partials must be a power of two of at least 2, got 12

// A mean's sum, as the lowering writes it: for each of 8 tiles, fill a
// buffer, then add its 64 x 2 elements into acc[0] in a pipelined nest
// (j, k: 128 iterations, flattened by HLS). acc[0] is this sum's alone
// throughout the tile loop, so the 16 partial sums are cleared before the
// tile loop and added up after it: iteration (j * 2 + k) of each tile adds
// into partial (j * 2 + k) mod 16, and acc[0] gets its value plus the
// partial sums in a four-level tree.
// CHECK-LABEL: func.func @mean(
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: memref.store %[[ZERO]], %[[ACC:.*]][%[[C0:.*]]] : memref<1xf32>
// CHECK: %[[PART:.*]] = memref.alloca() {dataflow.lanes = 16 : i64, dataflow.partial_sums = 16 : i64} : memref<16xf32>
// CHECK: scf.for %[[L:.*]] =
// CHECK-NEXT: memref.store %{{.*}}, %[[PART]][%[[L]]] : memref<16xf32>
// CHECK-NEXT: } {dataflow.unroll = 16 : i64}
// CHECK: scf.for %[[I:.*]] =
// CHECK: scf.for %[[J:.*]] =
// CHECK-NEXT: scf.for %[[K:.*]] =
// CHECK: %[[ROW:.*]] = arith.muli %[[J]], %{{.*}} : index
// CHECK-NEXT: %[[FLAT:.*]] = arith.addi %[[ROW]], %[[K]] : index
// CHECK: %[[LANE:.*]] = arith.andi %[[FLAT]], %{{.*}} : index
// CHECK-NEXT: %[[OLD:.*]] = memref.load %[[PART]][%[[LANE]]] : memref<16xf32>
// CHECK-NEXT: %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[PART]][%[[LANE]]] : memref<16xf32>
// CHECK: }
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-COUNT-16: memref.load %[[PART]][%{{.*}}] : memref<16xf32>
// CHECK-COUNT-15: arith.addf
// CHECK-NEXT: %[[BEFORE:.*]] = memref.load %[[ACC]][%[[C0]]] : memref<1xf32>
// CHECK-NEXT: %[[TOTAL:.*]] = arith.addf %[[BEFORE]], %{{.*}} : f32
// CHECK-NEXT: memref.store %[[TOTAL]], %[[ACC]][%[[C0]]] : memref<1xf32>
// CHECK-NEXT: %[[MEAN:.*]] = memref.load %[[ACC]][%[[C0]]] : memref<1xf32>
// CHECK-NEXT: dataflow.stream_write %[[MEAN]]
func.func @mean(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "mean"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloca() : memref<1xf32>
  memref.store %zero, %acc[%c0] : memref<1xf32>
  scf.for %i = %c0 to %c512 step %c64 {
    %tile = memref.alloca() : memref<64x2xf32>
    scf.for %f = %c0 to %c64 step %c1 {
      scf.for %g = %c0 to %c2 step %c1 {
        %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
        memref.store %v, %tile[%f, %g] : memref<64x2xf32>
      }
    }
    scf.for %j = %c0 to %c64 step %c1 {
      scf.for %k = %c0 to %c2 step %c1 {
        %x = memref.load %tile[%j, %k] : memref<64x2xf32>
        %a = memref.load %acc[%c0] : memref<1xf32>
        %s = arith.addf %a, %x : f32
        memref.store %s, %acc[%c0] : memref<1xf32>
      }
    }
  }
  %mean = memref.load %acc[%c0] : memref<1xf32>
  dataflow.stream_write %mean into %out : !dataflow.stream<f32, 2>
  return
}

// -----

// The sum of each row goes out after the row: acc[0] is read inside the
// row loop, so the partial sums live within it, around the pipelined loop
// (64 iterations, step 4 from 4: iteration (j - 4) / 4).
// CHECK-LABEL: func.func @rows(
// CHECK: scf.for %[[R:.*]] =
// CHECK: %[[PART:.*]] = memref.alloca() {dataflow.lanes = 16 : i64, dataflow.partial_sums = 16 : i64} : memref<16xf32>
// CHECK: } {dataflow.unroll = 16 : i64}
// CHECK-NEXT: scf.for %[[J:.*]] =
// CHECK: %[[SHIFTED:.*]] = arith.subi %[[J]], %{{.*}} : index
// CHECK: %[[ITER:.*]] = arith.divsi %[[SHIFTED]], %{{.*}} : index
// CHECK: %[[LANE:.*]] = arith.andi %[[ITER]], %{{.*}} : index
// CHECK-NEXT: memref.load %[[PART]][%[[LANE]]]
// CHECK: memref.store %{{.*}}, %[[PART]][%[[LANE]]]
// CHECK-NEXT: }
// CHECK-COUNT-15: arith.addf
// CHECK: memref.store
// CHECK-NEXT: memref.load
// CHECK-NEXT: dataflow.stream_write
func.func @rows(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "rows"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c260 = arith.constant 260 : index
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloca() : memref<1xf32>
  scf.for %r = %c0 to %c8 step %c1 {
    memref.store %zero, %acc[%c0] : memref<1xf32>
    scf.for %j = %c4 to %c260 step %c4 {
      %x = dataflow.stream_read %in : !dataflow.stream<f32, 2>
      %a = memref.load %acc[%c0] : memref<1xf32>
      %s = arith.addf %x, %a : f32
      memref.store %s, %acc[%c0] : memref<1xf32>
    }
    %sum = memref.load %acc[%c0] : memref<1xf32>
    dataflow.stream_write %sum into %out : !dataflow.stream<f32, 2>
  }
  return
}

// -----

// Left alone: a sum of 16 elements (fewer than 2 x 16 updates), a sum
// into acc[j] whose address follows the pipelined loop (no chain), an
// integer sum (HLS balances it), a float product, and a sum of 64 elements
// whose loop is unrolled by 4 (4 updates an iteration would want 64
// partial sums and 4 x 64 updates to win their adds back).
// CHECK-LABEL: func.func @others(
// CHECK-NOT: dataflow.partial_sums
// CHECK: return
func.func @others(%in: !dataflow.stream<f32, 2>, %ints: !dataflow.stream<i32, 2>) attributes {dataflow.process = "others"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %acc = memref.alloca() : memref<64xf32>
  %iacc = memref.alloca() : memref<1xi32>
  scf.for %j = %c0 to %c16 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    %a = memref.load %acc[%c0] : memref<64xf32>
    %s = arith.addf %a, %x : f32
    memref.store %s, %acc[%c0] : memref<64xf32>
  }
  scf.for %j = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    %a = memref.load %acc[%j] : memref<64xf32>
    %s = arith.addf %a, %x : f32
    memref.store %s, %acc[%j] : memref<64xf32>
  }
  scf.for %j = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %ints : !dataflow.stream<i32, 2>
    %a = memref.load %iacc[%c0] : memref<1xi32>
    %s = arith.addi %a, %x : i32
    memref.store %s, %iacc[%c0] : memref<1xi32>
  }
  scf.for %j = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    %a = memref.load %acc[%c1] : memref<64xf32>
    %s = arith.mulf %a, %x : f32
    memref.store %s, %acc[%c1] : memref<64xf32>
  }
  %local = memref.alloca() : memref<64xf32>
  scf.for %j = %c0 to %c64 step %c1 {
    %x = memref.load %local[%j] : memref<64xf32>
    %a = memref.load %acc[%c1] : memref<64xf32>
    %s = arith.addf %a, %x : f32
    memref.store %s, %acc[%c1] : memref<64xf32>
  } {dataflow.unroll = 4 : i64}
  return
}

// -----

// The mean's sum of the first case, unrolled (by the unroller, on the
// promise of this split): the pipelined loop j by 4, the loop k inside it
// completely, 8 updates an iteration. 16 partial sums per update: 128, the
// update (j * 2 + k) of each tile adding into partial (j * 2 + k) mod 128,
// each coming back after 16 iterations (1024 updates: at least 8 x 128).
// After the tile loop the 128 are folded into 16 (8 groups of 16, one add
// a cycle), and those added in a tree.
// CHECK-LABEL: func.func @unrolled(
// CHECK: %[[PART:.*]] = memref.alloca() {dataflow.lanes = 128 : i64, dataflow.partial_sums = 128 : i64} : memref<128xf32>
// CHECK: } {dataflow.unroll = 128 : i64}
// CHECK: scf.for %[[I:.*]] =
// CHECK: scf.for %[[J:.*]] =
// CHECK-NEXT: scf.for %[[K:.*]] =
// CHECK: %[[ROW:.*]] = arith.muli %[[J]], %{{.*}} : index
// CHECK-NEXT: %[[FLAT:.*]] = arith.addi %[[ROW]], %[[K]] : index
// CHECK: %[[LANE:.*]] = arith.andi %[[FLAT]], %{{.*}} : index
// CHECK-NEXT: %[[OLD:.*]] = memref.load %[[PART]][%[[LANE]]] : memref<128xf32>
// CHECK-NEXT: %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[PART]][%[[LANE]]] : memref<128xf32>
// CHECK-NEXT: } {dataflow.unroll = 2 : i64}
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
// CHECK-NEXT: }
// CHECK: %[[FOLD:.*]] = memref.alloca() {dataflow.lanes = 16 : i64, dataflow.partial_sums = 16 : i64} : memref<16xf32>
// CHECK: } {dataflow.unroll = 16 : i64}
// CHECK: scf.for %[[G:.*]] = %{{.*}} to %[[C8:.*]] step
// CHECK-NEXT: scf.for %[[M:.*]] = %{{.*}} to %[[C16:.*]] step
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[G]], %[[C16]] : index
// CHECK-NEXT: %[[SRC:.*]] = arith.addi %[[BASE]], %[[M]] : index
// CHECK-NEXT: %[[ADDEND:.*]] = memref.load %[[PART]][%[[SRC]]] : memref<128xf32>
// CHECK-NEXT: %[[SOFAR:.*]] = memref.load %[[FOLD]][%[[M]]] : memref<16xf32>
// CHECK-NEXT: %[[FOLDED:.*]] = arith.addf %[[SOFAR]], %[[ADDEND]] : f32
// CHECK-NEXT: memref.store %[[FOLDED]], %[[FOLD]][%[[M]]] : memref<16xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-COUNT-16: memref.load %[[FOLD]][%{{.*}}] : memref<16xf32>
// CHECK-COUNT-15: arith.addf
// CHECK-NEXT: %[[BEFORE:.*]] = memref.load %[[ACC:.*]][%{{.*}}] : memref<1xf32>
// CHECK-NEXT: %[[TOTAL:.*]] = arith.addf %[[BEFORE]], %{{.*}} : f32
// CHECK-NEXT: memref.store %[[TOTAL]], %[[ACC]][%{{.*}}] : memref<1xf32>
func.func @unrolled(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "mean"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloca() : memref<1xf32>
  memref.store %zero, %acc[%c0] : memref<1xf32>
  scf.for %i = %c0 to %c512 step %c64 {
    %tile = memref.alloca() : memref<64x2xf32>
    scf.for %f = %c0 to %c64 step %c1 {
      scf.for %g = %c0 to %c2 step %c1 {
        %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
        memref.store %v, %tile[%f, %g] : memref<64x2xf32>
      }
    }
    scf.for %j = %c0 to %c64 step %c1 {
      scf.for %k = %c0 to %c2 step %c1 {
        %x = memref.load %tile[%j, %k] : memref<64x2xf32>
        %a = memref.load %acc[%c0] : memref<1xf32>
        %s = arith.addf %a, %x : f32
        memref.store %s, %acc[%c0] : memref<1xf32>
      } {dataflow.unroll = 2 : i64}
    } {dataflow.unroll = 4 : i64}
  }
  %mean = memref.load %acc[%c0] : memref<1xf32>
  dataflow.stream_write %mean into %out : !dataflow.stream<f32, 2>
  return
}
