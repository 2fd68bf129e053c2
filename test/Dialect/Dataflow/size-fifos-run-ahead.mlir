// RUN: streamtensor-opt %s --dataflow-size-fifos --split-input-file | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-size-fifos="run-ahead-cap=1024" --split-input-file | FileCheck %s --check-prefix=CAP

// CAP (the design search's repair of a design whose memory does not fit):
// no run-ahead FIFO deeper than 1024, in either case below; the FIFO the
// slow process writes keeps its depth.

// A DMA (it reads memory and no FIFO) streams 7600 tokens of 128 bytes at
// one per 2.42 cycles (the port's 52.9 bytes a cycle); its reader takes
// one a cycle, but only after a slow process's token. Not to delay the
// reader, the DMA runs ahead: the held-back peak is 7600 x (1 - 1 / 2.42)
// = 4458 tokens, which in URAM (4K x 72 blocks, 15 wide for 1024 bits) is
// 2 slices, the second under a tenth full. That slice is dropped: 4096
// (the reader starts up to 362 tokens' cycles later; 15 URAMs fewer).
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {entries = 7600 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<32xf32>, 4096>
// CAP-LABEL: func.func @k(
// CAP: dataflow.stream {entries = 7600 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<32xf32>, 1024>
// CAP: dataflow.stream {entries = 1 : i64, name = "slow_to_use"} : !dataflow.stream<f32, {{[12]}}>
func.func @k_load_0(%w: memref<7600x32xf32>, %out: !dataflow.stream<vector<32xf32>, 2>) attributes {dataflow.process = "load_0"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 7600 : index
  %c32 = arith.constant 32 : index
  %pack = memref.alloca() {dataflow.lanes = 32 : i64} : memref<32xf32>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %l = %c0 to %c32 step %c1 {
      %e = memref.load %w[%i, %l] : memref<7600x32xf32>
      memref.store %e, %pack[%l] : memref<32xf32>
    } {dataflow.unroll = 32 : i64}
    %v = vector.load %pack[%c0] : memref<32xf32>, vector<32xf32>
    dataflow.stream_write %v into %out : !dataflow.stream<vector<32xf32>, 2>
  }
  return
}
func.func @k_slow(%go: !dataflow.stream<f32, 2>) attributes {dataflow.process = "slow"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 10000 : index
  %one = arith.constant 1.0 : f32
  %buf = memref.alloca() : memref<1xf32>
  memref.store %one, %buf[%c0] : memref<1xf32>
  scf.for %i = %c0 to %n step %c1 {
    %a = memref.load %buf[%c0] : memref<1xf32>
    %b = arith.mulf %a, %one : f32
    memref.store %b, %buf[%c0] : memref<1xf32>
  }
  %r = memref.load %buf[%c0] : memref<1xf32>
  dataflow.stream_write %r into %go : !dataflow.stream<f32, 2>
  return
}
func.func @k_use(%in: !dataflow.stream<vector<32xf32>, 2>, %go: !dataflow.stream<f32, 2>, %acc: memref<32xf32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 7600 : index
  %g = dataflow.stream_read %go : !dataflow.stream<f32, 2>
  memref.store %g, %acc[%c0] : memref<32xf32>
  scf.for %i = %c0 to %n step %c1 {
    %t = dataflow.stream_read %in : !dataflow.stream<vector<32xf32>, 2>
    vector.store %t, %acc[%c0] : memref<32xf32>, vector<32xf32>
  }
  return
}
func.func @k(%w: memref<7600x32xf32>, %acc: memref<32xf32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "out0"]} {
  %s = dataflow.stream {entries = 7600 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<32xf32>, 2>
  %g = dataflow.stream {entries = 1 : i64, name = "slow_to_use"} : !dataflow.stream<f32, 2>
  call @k_load_0(%w, %s) : (memref<7600x32xf32>, !dataflow.stream<vector<32xf32>, 2>) -> ()
  call @k_slow(%g) : (!dataflow.stream<f32, 2>) -> ()
  call @k_use(%s, %g, %acc) : (!dataflow.stream<vector<32xf32>, 2>, !dataflow.stream<f32, 2>, memref<32xf32>) -> ()
  return
}

// -----

// 9500 tokens: the peak is 5574, its second slice more than a quarter full
// (1478 entries): kept.
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {entries = 9500 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<32xf32>, 5574>
// CAP-LABEL: func.func @k(
// CAP: dataflow.stream {entries = 9500 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<32xf32>, 1024>
func.func @k_load_0(%w: memref<9500x32xf32>, %out: !dataflow.stream<vector<32xf32>, 2>) attributes {dataflow.process = "load_0"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 9500 : index
  %c32 = arith.constant 32 : index
  %pack = memref.alloca() {dataflow.lanes = 32 : i64} : memref<32xf32>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %l = %c0 to %c32 step %c1 {
      %e = memref.load %w[%i, %l] : memref<9500x32xf32>
      memref.store %e, %pack[%l] : memref<32xf32>
    } {dataflow.unroll = 32 : i64}
    %v = vector.load %pack[%c0] : memref<32xf32>, vector<32xf32>
    dataflow.stream_write %v into %out : !dataflow.stream<vector<32xf32>, 2>
  }
  return
}
func.func @k_slow(%go: !dataflow.stream<f32, 2>) attributes {dataflow.process = "slow"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 10000 : index
  %one = arith.constant 1.0 : f32
  %buf = memref.alloca() : memref<1xf32>
  memref.store %one, %buf[%c0] : memref<1xf32>
  scf.for %i = %c0 to %n step %c1 {
    %a = memref.load %buf[%c0] : memref<1xf32>
    %b = arith.mulf %a, %one : f32
    memref.store %b, %buf[%c0] : memref<1xf32>
  }
  %r = memref.load %buf[%c0] : memref<1xf32>
  dataflow.stream_write %r into %go : !dataflow.stream<f32, 2>
  return
}
func.func @k_use(%in: !dataflow.stream<vector<32xf32>, 2>, %go: !dataflow.stream<f32, 2>, %acc: memref<32xf32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 9500 : index
  %g = dataflow.stream_read %go : !dataflow.stream<f32, 2>
  memref.store %g, %acc[%c0] : memref<32xf32>
  scf.for %i = %c0 to %n step %c1 {
    %t = dataflow.stream_read %in : !dataflow.stream<vector<32xf32>, 2>
    vector.store %t, %acc[%c0] : memref<32xf32>, vector<32xf32>
  }
  return
}
func.func @k(%w: memref<9500x32xf32>, %acc: memref<32xf32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "out0"]} {
  %s = dataflow.stream {entries = 9500 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<32xf32>, 2>
  %g = dataflow.stream {entries = 1 : i64, name = "slow_to_use"} : !dataflow.stream<f32, 2>
  call @k_load_0(%w, %s) : (memref<9500x32xf32>, !dataflow.stream<vector<32xf32>, 2>) -> ()
  call @k_slow(%g) : (!dataflow.stream<f32, 2>) -> ()
  call @k_use(%s, %g, %acc) : (!dataflow.stream<vector<32xf32>, 2>, !dataflow.stream<f32, 2>, memref<32xf32>) -> ()
  return
}

// -----

// A DMA whose reader takes a token every few cycles (its product is a
// chain): 2048 tokens of 64 bytes. Held back, the DMA writes each token
// just before it is read, and no schedule needs more than 1 in the FIFO;
// but at depth 1 the slot is free again only the cycle after its read, so
// the DMA could write every other cycle at best, which a faster reader
// (the same DMA on the planned HBM channels, whose bandwidths the sizing
// does not know yet) would wait for: 2.
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {entries = 2048 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<16xf32>, 2>
// CAP-LABEL: func.func @k(
// CAP: dataflow.stream {entries = 2048 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<16xf32>, 2>
func.func @k_load_0(%w: memref<2048x16xf32>, %out: !dataflow.stream<vector<16xf32>, 1>) attributes {dataflow.process = "load_0"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 2048 : index
  %c16 = arith.constant 16 : index
  %pack = memref.alloca() {dataflow.lanes = 16 : i64} : memref<16xf32>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %l = %c0 to %c16 step %c1 {
      %e = memref.load %w[%i, %l] : memref<2048x16xf32>
      memref.store %e, %pack[%l] : memref<16xf32>
    } {dataflow.unroll = 16 : i64}
    %v = vector.load %pack[%c0] : memref<16xf32>, vector<16xf32>
    dataflow.stream_write %v into %out : !dataflow.stream<vector<16xf32>, 1>
  }
  return
}
func.func @k_use(%in: !dataflow.stream<vector<16xf32>, 1>, %acc: memref<16xf32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 2048 : index
  %buf = memref.alloca() {dataflow.lanes = 16 : i64} : memref<16xf32>
  %prod = memref.alloca() : memref<1xf32>
  scf.for %i = %c0 to %n step %c1 {
    %t = dataflow.stream_read %in : !dataflow.stream<vector<16xf32>, 1>
    vector.store %t, %buf[%c0] : memref<16xf32>, vector<16xf32>
    %x = memref.load %buf[%c0] : memref<16xf32>
    %p = memref.load %prod[%c0] : memref<1xf32>
    %q = arith.mulf %p, %x : f32
    memref.store %q, %prod[%c0] : memref<1xf32>
  }
  %r = memref.load %prod[%c0] : memref<1xf32>
  memref.store %r, %acc[%c0] : memref<16xf32>
  return
}
func.func @k(%w: memref<2048x16xf32>, %acc: memref<16xf32>) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "out0"]} {
  %s = dataflow.stream {entries = 2048 : i64, name = "load_0_to_use"} : !dataflow.stream<vector<16xf32>, 1>
  call @k_load_0(%w, %s) : (memref<2048x16xf32>, !dataflow.stream<vector<16xf32>, 1>) -> ()
  call @k_use(%s, %acc) : (!dataflow.stream<vector<16xf32>, 1>, memref<16xf32>) -> ()
  return
}
