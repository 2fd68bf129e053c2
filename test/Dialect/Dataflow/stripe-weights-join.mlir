// RUN: streamtensor-opt %s --dataflow-stripe-weights="min-bytes=0" --split-input-file | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-stripe-weights="min-bytes=0 max-join-stripes=4" --split-input-file | FileCheck %s --check-prefix=PAIRS

// The reader's pipelined loop takes four 64-byte tokens per iteration into
// one pack buffer (elements 0, 64, 128, 192): the FIFO carries 256-byte
// tokens instead, from ceil(256 / 52.9) = 5 -> 8 stripes (the fewest that
// divide the 256 lanes) of 32 bytes each, and the reader takes one token
// per iteration, stored where the first one was. The FIFO's entries are a
// quarter of what they were (128 -> 32).
// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: !dataflow.stream<vector<256xi8>, 2>)
// CHECK: memref.alloca() {dataflow.lanes = 256 : i64} : memref<256xi8>
// CHECK-COUNT-8: } {dataflow.unroll = 32 : i64}
// CHECK: vector.load %{{.*}} : memref<256xi8>, vector<256xi8>
// CHECK-LABEL: func.func @k_use(
// CHECK-SAME: !dataflow.stream<vector<256xi8>, 2>
// CHECK: scf.for
// CHECK-NEXT: %[[T:.*]] = dataflow.stream_read %{{.*}} : !dataflow.stream<vector<256xi8>, 2>
// CHECK-NEXT: vector.store %[[T]], %{{.*}}[%{{.*}}] : memref<256xi8>, vector<256xi8>
// CHECK-NOT: dataflow.stream_read
// CHECK: arith.addi
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {entries = 32 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<256xi8>, 2>

// With at most four stripes, two tokens are joined (128 bytes, 4 stripes of
// 32): the reader takes two 128-byte tokens per iteration, at 0 and 128.
// PAIRS-LABEL: func.func @k_load_0(
// PAIRS-SAME: memref<2048xi8>, %{{[^:]*}}: memref<2048xi8>, %{{[^:]*}}: memref<2048xi8>, %{{[^:]*}}: memref<2048xi8>, %{{[^:]*}}: !dataflow.stream<vector<128xi8>, 2>)
// PAIRS-LABEL: func.func @k_use(
// PAIRS: %[[C128:.*]] = arith.constant 128 : index
// PAIRS: scf.for
// PAIRS-NEXT: %[[T0:.*]] = dataflow.stream_read %{{.*}} : !dataflow.stream<vector<128xi8>, 2>
// PAIRS-NEXT: vector.store %[[T0]], %{{.*}}[%{{.*}}] : memref<256xi8>, vector<128xi8>
// PAIRS-NEXT: %[[T1:.*]] = dataflow.stream_read %{{.*}} : !dataflow.stream<vector<128xi8>, 2>
// PAIRS-NEXT: vector.store %[[T1]], %{{.*}}[%[[C128]]] : memref<256xi8>, vector<128xi8>
// PAIRS-NOT: dataflow.stream_read
// PAIRS-LABEL: func.func @k(
// PAIRS: dataflow.stream {entries = 64 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<128xi8>, 2>

func.func @k_load_0(%w: memref<4x1x16x128xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %row = %c0 to %c16 step %c1 {
      scf.for %half = %c0 to %c2 step %c1 {
        %col = arith.muli %half, %c64 : index
        %v = vector.load %w[%t, %c0, %row, %col] : memref<4x1x16x128xi8>, vector<64xi8>
        dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
      }
    }
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>, %acc: memref<256xi32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c192 = arith.constant 192 : index
  %c256 = arith.constant 256 : index
  %pack = memref.alloca() {dataflow.lanes = 256 : i64} : memref<256xi8>
  scf.for %i = %c0 to %c32 step %c1 {
    %t0 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t0, %pack[%c0] : memref<256xi8>, vector<64xi8>
    %t1 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t1, %pack[%c64] : memref<256xi8>, vector<64xi8>
    %t2 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t2, %pack[%c128] : memref<256xi8>, vector<64xi8>
    %t3 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t3, %pack[%c192] : memref<256xi8>, vector<64xi8>
    scf.for %l = %c0 to %c256 step %c1 {
      %w = memref.load %pack[%l] : memref<256xi8>
      %a = memref.load %acc[%l] : memref<256xi32>
      %e = arith.extsi %w : i8 to i32
      %s = arith.addi %a, %e : i32
      memref.store %s, %acc[%l] : memref<256xi32>
    } {dataflow.unroll = 256 : i64}
  }
  return
}

func.func @k(%w: memref<4x1x16x128xi8>, %acc: memref<256xi32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "out0"]} {
  %s = dataflow.stream {entries = 128 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x16x128xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s, %acc) : (!dataflow.stream<vector<64xi8>, 2>, memref<256xi32>) -> ()
  return
}

func.func @graph(%w: memref<64x128xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 128>}}, %acc: memref<256xi32>) {
  %packed = memref.expand_shape %w [[0, 1, 2], [3]] output_shape [4, 1, 16, 128] : memref<64x128xi8> into memref<4x1x16x128xi8>
  call @k(%packed, %acc) : (memref<4x1x16x128xi8>, memref<256xi32>) -> ()
  return
}

// -----

// The reader's loop also reads another FIFO, one token per iteration: the
// weight's tokens stay 64 bytes (two stripes), two per iteration, as the
// task model takes the same count of every FIFO of a loop.
// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: memref<4096xi8>, %{{[^:]*}}: memref<4096xi8>, %{{[^:]*}}: !dataflow.stream<vector<64xi8>, 2>)
// CHECK-LABEL: func.func @k_use(
// CHECK-COUNT-2: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<64xi8>, 2>

func.func @k_load_0(%w: memref<4x1x16x128xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %row = %c0 to %c16 step %c1 {
      scf.for %half = %c0 to %c2 step %c1 {
        %col = arith.muli %half, %c64 : index
        %v = vector.load %w[%t, %c0, %row, %col] : memref<4x1x16x128xi8>, vector<64xi8>
        dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
      }
    }
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>, %x: !dataflow.stream<i8, 2>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %pack = memref.alloca() {dataflow.lanes = 128 : i64} : memref<128xi8>
  scf.for %i = %c0 to %c64 step %c1 {
    %t0 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t0, %pack[%c0] : memref<128xi8>, vector<64xi8>
    %t1 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t1, %pack[%c64] : memref<128xi8>, vector<64xi8>
    %v = dataflow.stream_read %x : !dataflow.stream<i8, 2>
  }
  return
}

func.func @k(%w: memref<4x1x16x128xi8>, %x: !dataflow.stream<i8, 2>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "in1"]} {
  %s = dataflow.stream {name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x16x128xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s, %x) : (!dataflow.stream<vector<64xi8>, 2>, !dataflow.stream<i8, 2>) -> ()
  return
}

func.func @graph(%w: memref<64x128xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 128>}}, %x: !dataflow.stream<i8, 2>) {
  %packed = memref.expand_shape %w [[0, 1, 2], [3]] output_shape [4, 1, 16, 128] : memref<64x128xi8> into memref<4x1x16x128xi8>
  call @k(%packed, %x) : (memref<4x1x16x128xi8>, !dataflow.stream<i8, 2>) -> ()
  return
}

// -----

// The second token of an iteration does not follow the first in the
// buffer (elements 0 and 128): the tokens stay as they are.
// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: !dataflow.stream<vector<64xi8>, 2>)
// CHECK-LABEL: func.func @k_use(
// CHECK-COUNT-2: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<64xi8>, 2>

func.func @k_load_0(%w: memref<4x1x16x128xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %row = %c0 to %c16 step %c1 {
      scf.for %half = %c0 to %c2 step %c1 {
        %col = arith.muli %half, %c64 : index
        %v = vector.load %w[%t, %c0, %row, %col] : memref<4x1x16x128xi8>, vector<64xi8>
        dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
      }
    }
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %pack = memref.alloca() {dataflow.lanes = 192 : i64} : memref<192xi8>
  scf.for %i = %c0 to %c64 step %c1 {
    %t0 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t0, %pack[%c0] : memref<192xi8>, vector<64xi8>
    %t1 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %t1, %pack[%c128] : memref<192xi8>, vector<64xi8>
  }
  return
}

func.func @k(%w: memref<4x1x16x128xi8>) attributes {dataflow.kernel, dataflow.arg_names = ["in0"]} {
  %s = dataflow.stream {name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x16x128xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s) : (!dataflow.stream<vector<64xi8>, 2>) -> ()
  return
}

func.func @graph(%w: memref<64x128xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 128>}}) {
  %packed = memref.expand_shape %w [[0, 1, 2], [3]] output_shape [4, 1, 16, 128] : memref<64x128xi8> into memref<4x1x16x128xi8>
  call @k(%packed) : (memref<4x1x16x128xi8>) -> ()
  return
}

// -----

// The reader's loop takes one 64-byte token per iteration, but is unrolled
// in part by 4 (an LM head's rows, 4 per pipelined iteration): each
// pipelined iteration takes four tokens, one per copy of the body. The
// copies' reads are made a run: the loop steps by 4, reads the four tokens
// into a pack buffer of 256 lanes, and runs the body in a loop of 4
// unrolled completely, copy j on lanes [64 j, 64 j + 64); then the run is
// joined as above: one 256-byte token from 8 stripes per iteration. Row
// r's accumulator is still acc[r], with r = i + j.
// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: %{{[^:]*}}: !dataflow.stream<vector<256xi8>, 2>)
// CHECK-LABEL: func.func @k_use(
// CHECK-SAME: %[[IN:[^:]*]]: !dataflow.stream<vector<256xi8>, 2>
// CHECK: %[[WIDE:.*]] = memref.alloca() {dataflow.lanes = 256 : i64} : memref<256xi8>
// CHECK-NOT: memref<64xi8>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c32 step %{{.*}} {
// CHECK-NEXT: %[[T:.*]] = dataflow.stream_read %[[IN]] : !dataflow.stream<vector<256xi8>, 2>
// CHECK: vector.store %[[T]], %[[WIDE]][%{{.*}}] : memref<256xi8>, vector<256xi8>
// CHECK-NOT: dataflow.stream_read
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[JS:.*]] = arith.muli %[[J]], %{{.*}} : index
// CHECK: %[[R:.*]] = arith.addi %[[I]], %[[JS]] : index
// CHECK: %[[OFF:.*]] = arith.muli %[[J]], %{{.*}} : index
// CHECK: %[[L:.*]] = arith.addi %[[OFF]], %{{.*}} : index
// CHECK: memref.load %[[WIDE]][%[[L]]] : memref<256xi8>
// CHECK: memref.load %{{.*}}[%[[R]]] : memref<32xi32>
// CHECK: } {dataflow.unroll = 64 : i64}
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
// CHECK-NEXT: }
// CHECK-NOT: dataflow.unroll = 4
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {entries = 32 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<256xi8>, 2>

func.func @k_load_0(%w: memref<4x1x16x128xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %row = %c0 to %c16 step %c1 {
      scf.for %half = %c0 to %c2 step %c1 {
        %col = arith.muli %half, %c64 : index
        %v = vector.load %w[%t, %c0, %row, %col] : memref<4x1x16x128xi8>, vector<64xi8>
        dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
      }
    }
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>, %acc: memref<32xi32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %pack = memref.alloca() {dataflow.lanes = 64 : i64} : memref<64xi8>
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %r = %c0 to %c32 step %c1 {
      %tok = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
      vector.store %tok, %pack[%c0] : memref<64xi8>, vector<64xi8>
      scf.for %l = %c0 to %c64 step %c1 {
        %w = memref.load %pack[%l] : memref<64xi8>
        %a = memref.load %acc[%r] : memref<32xi32>
        %e = arith.extsi %w : i8 to i32
        %s = arith.addi %a, %e : i32
        memref.store %s, %acc[%r] : memref<32xi32>
      } {dataflow.unroll = 64 : i64}
    } {dataflow.unroll = 4 : i64}
  }
  return
}

func.func @k(%w: memref<4x1x16x128xi8>, %acc: memref<32xi32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "out0"]} {
  %s = dataflow.stream {entries = 128 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x16x128xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s, %acc) : (!dataflow.stream<vector<64xi8>, 2>, memref<32xi32>) -> ()
  return
}

func.func @graph(%w: memref<64x128xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 128>}}, %acc: memref<32xi32>) {
  %packed = memref.expand_shape %w [[0, 1, 2], [3]] output_shape [4, 1, 16, 128] : memref<64x128xi8> into memref<4x1x16x128xi8>
  call @k(%packed, %acc) : (memref<4x1x16x128xi8>, memref<32xi32>) -> ()
  return
}

// -----

// A run in a loop unrolled in part (a decode matrix-vector product whose
// weight row is two 64-byte tokens, two rows per pipelined iteration): each
// pipelined iteration takes 2 x 2 tokens. The copies' runs are made one run
// of four: the loop steps by 2, reads four tokens into a pack buffer of 256
// lanes, and runs the body in a loop of 2 unrolled completely, copy j on
// lanes [128 j, 128 j + 128); the run is then joined into one 256-byte
// token from 8 stripes. Joining the run alone (two tokens) would leave two
// 128-byte reads per iteration: the FIFO passes one a cycle, so the DMA's
// 8 stripes would wait on the reader half of the time.
// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: !dataflow.stream<vector<256xi8>, 2>)
// CHECK-LABEL: func.func @k_use(
// CHECK-SAME: %[[IN:[^:]*]]: !dataflow.stream<vector<256xi8>, 2>
// CHECK: %[[WIDE:.*]] = memref.alloca() {dataflow.lanes = 256 : i64} : memref<256xi8>
// CHECK-NOT: memref<128xi8>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c16 step %{{.*}} {
// CHECK-NEXT: %[[T:.*]] = dataflow.stream_read %[[IN]] : !dataflow.stream<vector<256xi8>, 2>
// CHECK: vector.store %[[T]], %[[WIDE]][%{{.*}}] : memref<256xi8>, vector<256xi8>
// CHECK-NOT: dataflow.stream_read
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[JS:.*]] = arith.muli %[[J]], %{{.*}} : index
// CHECK: %[[R:.*]] = arith.addi %[[I]], %[[JS]] : index
// CHECK: %[[OFF:.*]] = arith.muli %[[J]], %{{.*}} : index
// CHECK: %[[L:.*]] = arith.addi %[[OFF]], %{{.*}} : index
// CHECK: memref.load %[[WIDE]][%[[L]]] : memref<256xi8>
// CHECK: memref.load %{{.*}}[%[[R]]] : memref<16xi32>
// CHECK: } {dataflow.unroll = 128 : i64}
// CHECK-NEXT: } {dataflow.unroll = 2 : i64}
// CHECK-NEXT: }
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {entries = 16 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<256xi8>, 2>

func.func @k_load_0(%w: memref<4x1x8x128xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %row = %c0 to %c8 step %c1 {
      scf.for %half = %c0 to %c2 step %c1 {
        %col = arith.muli %half, %c64 : index
        %v = vector.load %w[%t, %c0, %row, %col] : memref<4x1x8x128xi8>, vector<64xi8>
        dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
      }
    }
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>, %acc: memref<16xi32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %pack = memref.alloca() {dataflow.lanes = 128 : i64} : memref<128xi8>
  scf.for %t = %c0 to %c2 step %c1 {
    scf.for %r = %c0 to %c16 step %c1 {
      %t0 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
      vector.store %t0, %pack[%c0] : memref<128xi8>, vector<64xi8>
      %t1 = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
      vector.store %t1, %pack[%c64] : memref<128xi8>, vector<64xi8>
      scf.for %l = %c0 to %c128 step %c1 {
        %w = memref.load %pack[%l] : memref<128xi8>
        %a = memref.load %acc[%r] : memref<16xi32>
        %e = arith.extsi %w : i8 to i32
        %s = arith.addi %a, %e : i32
        memref.store %s, %acc[%r] : memref<16xi32>
      } {dataflow.unroll = 128 : i64}
    } {dataflow.unroll = 2 : i64}
  }
  return
}

func.func @k(%w: memref<4x1x8x128xi8>, %acc: memref<16xi32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "out0"]} {
  %s = dataflow.stream {entries = 64 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x8x128xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s, %acc) : (!dataflow.stream<vector<64xi8>, 2>, memref<16xi32>) -> ()
  return
}

func.func @graph(%w: memref<32x128xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 8, 128>}}, %acc: memref<16xi32>) {
  %packed = memref.expand_shape %w [[0, 1, 2], [3]] output_shape [4, 1, 8, 128] : memref<32x128xi8> into memref<4x1x8x128xi8>
  call @k(%packed, %acc) : (memref<4x1x8x128xi8>, memref<16xi32>) -> ()
  return
}
