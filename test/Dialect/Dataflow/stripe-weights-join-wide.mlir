// RUN: streamtensor-opt %s --dataflow-stripe-weights="min-bytes=0" | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-stripe-weights="min-bytes=0 max-join-stripes=8" | FileCheck %s --check-prefix=EIGHT

// An LM head's row loop, unrolled in part by 8, takes eight 64-byte tokens
// per pipelined iteration. Joined by 8, the FIFO carries 512-byte tokens:
// ceil(512 / 52.9) = 10 -> 16 stripes (the fewest that divide the 512
// lanes) of 32 bytes, within the default max-join-stripes (16), and the
// reader takes one token per iteration.
// CHECK-LABEL: func.func @k_load_0(
// CHECK-SAME: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: memref<512xi8>, %{{[^:]*}}: !dataflow.stream<vector<512xi8>, 2>)
// CHECK-COUNT-16: } {dataflow.unroll = 32 : i64}
// CHECK-LABEL: func.func @k_use(
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128 step %c8 {
// CHECK-NEXT: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<512xi8>, 2>
// CHECK-NOT: dataflow.stream_read
// CHECK: } {dataflow.unroll = 8 : i64}
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {entries = 16 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<512xi8>, 2>

// With at most eight stripes, four tokens are joined (256 bytes, 8 stripes
// of 32): the reader takes two 256-byte tokens per iteration, and the FIFO,
// which passes one a cycle, holds it to half its pace.
// EIGHT-LABEL: func.func @k_load_0(
// EIGHT-SAME: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: memref<1024xi8>, %{{[^:]*}}: !dataflow.stream<vector<256xi8>, 2>)
// EIGHT-LABEL: func.func @k_use(
// EIGHT: scf.for
// EIGHT-NEXT: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<256xi8>, 2>
// EIGHT: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<256xi8>, 2>
// EIGHT-NOT: dataflow.stream_read
// EIGHT-LABEL: func.func @k(
// EIGHT: dataflow.stream {entries = 32 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<256xi8>, 2>

func.func @k_load_0(%w: memref<128x64xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load_0", dataflow.in_order_repeats = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  scf.for %row = %c0 to %c128 step %c1 {
    %v = vector.load %w[%row, %c0] : memref<128x64xi8>, vector<64xi8>
    dataflow.stream_write %v into %out : !dataflow.stream<vector<64xi8>, 2>
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>, %acc: memref<128xi32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %pack = memref.alloca() {dataflow.lanes = 64 : i64} : memref<64xi8>
  scf.for %r = %c0 to %c128 step %c1 {
    %tok = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
    vector.store %tok, %pack[%c0] : memref<64xi8>, vector<64xi8>
    scf.for %l = %c0 to %c64 step %c1 {
      %w = memref.load %pack[%l] : memref<64xi8>
      %a = memref.load %acc[%r] : memref<128xi32>
      %e = arith.extsi %w : i8 to i32
      %s = arith.addi %a, %e : i32
      memref.store %s, %acc[%r] : memref<128xi32>
    } {dataflow.unroll = 64 : i64}
  } {dataflow.unroll = 8 : i64}
  return
}

func.func @k(%w: memref<128x64xi8>, %acc: memref<128xi32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "out0"]} {
  %s = dataflow.stream {entries = 128 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load_0(%w, %s) : (memref<128x64xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s, %acc) : (!dataflow.stream<vector<64xi8>, 2>, memref<128xi32>) -> ()
  return
}

func.func @graph(%w: memref<128x64xi8> {dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 128, 64>}}, %acc: memref<128xi32>) {
  call @k(%w, %acc) : (memref<128x64xi8>, memref<128xi32>) -> ()
  return
}
