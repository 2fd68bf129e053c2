// RUN: streamtensor-opt %s --dataflow-stripe-weights="min-bytes=0" --split-input-file | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-stripe-weights="stripes=4" --split-input-file | FileCheck %s --check-prefix=FOUR

// A DMA streams a packed 4096-byte i8 weight front to back, twice (the
// weight is read once per tile of a loop that does not index it), in 64-byte
// tokens. One U55C pseudo-channel gives a port 52.9 bytes per cycle, so two
// stripes keep up with a token per cycle: each token takes bytes
// [32 t, 32 t + 32) of stripe 0 in lanes 0-31 and the same of stripe 1 in
// lanes 32-63, 4096 / 64 = 64 tokens per pass.

// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: %[[S0:[^:]*]]: memref<2048xi8>, %[[S1:[^:]*]]: memref<2048xi8>, %[[OUT:[^:]*]]: !dataflow.stream<vector<64xi8>, 2>)
// CHECK-NOT: dataflow.in_order_repeats
// CHECK-NEXT: %[[PACK:.*]] = memref.alloca() {dataflow.lanes = 64 : i64} : memref<64xi8>
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT: scf.for %{{.*}} = %{{.*}} to %[[C2]]
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK-NEXT: scf.for %[[T:.*]] = %{{.*}} to %[[C64]]
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[FIRST:.*]] = arith.muli %[[T]], %[[C32]] : index
// CHECK: scf.for %[[L0:.*]] = %{{.*}} to %{{.*}} {
// CHECK-NEXT: %[[A0:.*]] = arith.addi %[[FIRST]], %[[L0]] : index
// CHECK-NEXT: %[[V0:.*]] = memref.load %[[S0]][%[[A0]]] : memref<2048xi8>
// CHECK-NEXT: %[[BASE0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[P0:.*]] = arith.addi %[[BASE0]], %[[L0]] : index
// CHECK-NEXT: memref.store %[[V0]], %[[PACK]][%[[P0]]] : memref<64xi8>
// CHECK-NEXT: } {dataflow.unroll = 32 : i64}
// CHECK: scf.for %[[L1:.*]] = %{{.*}} to %{{.*}} {
// CHECK-NEXT: %[[A1:.*]] = arith.addi %[[FIRST]], %[[L1]] : index
// CHECK-NEXT: %[[V1:.*]] = memref.load %[[S1]][%[[A1]]] : memref<2048xi8>
// CHECK-NEXT: %[[BASE1:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[P1:.*]] = arith.addi %[[BASE1]], %[[L1]] : index
// CHECK-NEXT: memref.store %[[V1]], %[[PACK]][%[[P1]]] : memref<64xi8>
// CHECK-NEXT: } {dataflow.unroll = 32 : i64}
// CHECK-NEXT: %[[TOKEN:.*]] = vector.load %[[PACK]][%{{.*}}] : memref<64xi8>, vector<64xi8>
// CHECK-NEXT: dataflow.stream_write %[[TOKEN]] into %[[OUT]]

// The kernel has a port per stripe, named after the weight's.
// CHECK-LABEL: func.func @k(
// CHECK-SAME: %[[K0:[^:]*]]: memref<2048xi8>, %[[K1:[^:]*]]: memref<2048xi8>, %{{[^:]*}}: memref<16xf32>)
// CHECK-SAME: dataflow.arg_names = ["in0_s0", "in0_s1", "in1"]
// CHECK: call @k_load_0(%[[K0]], %[[K1]], %{{.*}})

// The graph function takes the stripes in the weight's place, each with
// the weight's attributes and which stripe it is; the views of the whole
// weight are gone.
// CHECK-LABEL: func.func @graph(
// CHECK-SAME: %[[G0:[^:]*]]: memref<2048xi8> {dataflow.stripe = {chunk_bytes = 32 : i64, count = 2 : i64, index = 0 : i64}, dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 64>}}
// CHECK-SAME: %[[G1:[^:]*]]: memref<2048xi8> {dataflow.stripe = {chunk_bytes = 32 : i64, count = 2 : i64, index = 1 : i64}, dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 64>}}
// CHECK-SAME: %{{[^:]*}}: memref<16xf32>)
// CHECK-NOT: memref.expand_shape
// CHECK: call @k(%[[G0]], %[[G1]], %{{.*}})

// With four stripes asked for, each gives 16 lanes of the token.
// FOUR-LABEL: func.func @k_load_0(
// FOUR-SAME: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: !dataflow.stream<vector<64xi8>, 2>)
// FOUR-COUNT-4: } {dataflow.unroll = 16 : i64}
// FOUR-LABEL: func.func @graph(
// FOUR-SAME: {dataflow.stripe = {chunk_bytes = 16 : i64, count = 4 : i64, index = 3 : i64}

func.func @k_load_0(%w: memref<4x1x16x64xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %pack = memref.alloca() {dataflow.lanes = 64 : i64} : memref<64xi8>
  scf.for %r = %c0 to %c2 step %c1 {
    scf.for %t = %c0 to %c4 step %c1 {
      scf.for %row = %c0 to %c16 step %c1 {
        %v = vector.load %w[%t, %c0, %row, %c0] : memref<4x1x16x64xi8>, vector<64xi8>
        dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
      }
    }
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>, %scale: memref<16xf32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  scf.for %i = %c0 to %c128 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
  }
  return
}

func.func @k(%w: memref<4x1x16x64xi8>, %scale: memref<16xf32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "in1"]} {
  %s = dataflow.stream {name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x16x64xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s, %scale) : (!dataflow.stream<vector<64xi8>, 2>, memref<16xf32>) -> ()
  return
}

func.func @graph(%w: memref<64x64xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 64>}}, %scale: memref<16xf32>) {
  %flat = memref.collapse_shape %w [[0, 1]] : memref<64x64xi8> into memref<4096xi8>
  %packed = memref.expand_shape %flat [[0, 1, 2, 3]] output_shape [4, 1, 16, 64] : memref<4096xi8> into memref<4x1x16x64xi8>
  call @k(%packed, %scale) : (memref<4x1x16x64xi8>, memref<16xf32>) -> ()
  return
}

// -----

// 32-byte tokens: one channel keeps up, nothing is striped.
// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: %{{[^:]*}}: memref<4x1x16x32xi8>, %{{[^:]*}}: !dataflow.stream<vector<32xi8>, 2>)
// CHECK-LABEL: func.func @graph(
// CHECK-SAME: memref<64x32xi8> {dataflow.tiles

func.func @k_load_0(%w: memref<4x1x16x32xi8>, %out: !dataflow.stream<vector<32xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %row = %c0 to %c16 step %c1 {
      %v = vector.load %w[%t, %c0, %row, %c0] : memref<4x1x16x32xi8>, vector<32xi8>
      dataflow.stream_write %v into %out : !dataflow.stream<vector<32xi8>, 2>
    }
  }
  return
}

func.func @k(%w: memref<4x1x16x32xi8>) attributes {dataflow.kernel, dataflow.arg_names = ["in0"]} {
  %s = dataflow.stream {name = "load_0_to_use"} : !dataflow.stream<vector<32xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x16x32xi8>, !dataflow.stream<vector<32xi8>, 2>) -> ()
  return
}

func.func @graph(%w: memref<64x32xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 32>}}) {
  %packed = memref.expand_shape %w [[0, 1, 2], [3]] output_shape [4, 1, 16, 32] : memref<64x32xi8> into memref<4x1x16x32xi8>
  call @k(%packed) : (memref<4x1x16x32xi8>) -> ()
  return
}

// -----

// The host's buffer is not a packed weight (no dataflow.tiles): it stays
// whole, however wide the tokens.
// CHECK-LABEL: func.func @graph(
// CHECK-SAME: %{{[^:]*}}: memref<4x1x16x64xi8>)
// CHECK-NEXT: call @k(

func.func @k_load_0(%w: memref<4x1x16x64xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %row = %c0 to %c16 step %c1 {
      %v = vector.load %w[%t, %c0, %row, %c0] : memref<4x1x16x64xi8>, vector<64xi8>
      dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
    }
  }
  return
}

func.func @k(%w: memref<4x1x16x64xi8>) attributes {dataflow.kernel, dataflow.arg_names = ["in0"]} {
  %s = dataflow.stream {name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<4x1x16x64xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  return
}

func.func @graph(%w: memref<4x1x16x64xi8>) {
  call @k(%w) : (memref<4x1x16x64xi8>) -> ()
  return
}
