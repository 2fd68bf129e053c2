// RUN: streamtensor-opt %s --dataflow-profile-tasks --split-input-file | FileCheck %s

// Two weight DMAs whose ports are bound to the same HBM pseudo-channel
// (52.9 bytes per cycle on the U55C). Each builds a 64-byte token from four
// unrolled loops of 4 floats into its pack buffer (a token's registers, as
// many stores per cycle as it likes) and writes it.
//
// Here the reader takes all of a's tokens, computes for 1000 cycles, then
// takes b's: b fills its FIFO and waits, and streams only after a has
// finished. Ports share a channel only while both are active (the busy
// cycles of each DMA, as one stretch that ends when it finishes, in a first
// run where each has the channel to itself): each gets the whole channel,
// and a 64-byte token every 64 / 52.9 = 1.21 cycles on average (the
// pipeline, at II 1, stalls now and then: 63 intervals of 76 cycles in
// all, 1.206 each, as the profile reports it, and a latency of 76 plus the
// 69 of the first token).
// CHECK-LABEL: func.func @k_load_a(
// CHECK-SAME: dataflow.dma = [{bytes = 4096 : i64, bytes_per_cycle = 5.290000e+01 : f64, hbm_channel = 0 : i64, port = "in0", read = true}]
// CHECK-SAME: ii = 1.206349{{[0-9]*}} : f64, initial_delay = 69 : i64, latency = 145 : i64
// CHECK-LABEL: func.func @k_load_b(
// CHECK-SAME: dataflow.dma = [{bytes = 4096 : i64, bytes_per_cycle = 5.290000e+01 : f64, hbm_channel = 0 : i64, port = "in1", read = true}]
// CHECK-SAME: ii = 1.206349{{[0-9]*}} : f64, initial_delay = 69 : i64, latency = 145 : i64

func.func @k_load_a(%in: memref<1024xf32>, %out: !dataflow.stream<vector<16xf32>, 2>) attributes {dataflow.process = "load_a"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pack = memref.alloca() {dataflow.lanes = 16 : i64} : memref<16xf32>
  scf.for %t = %c0 to %c64 step %c1 {
    %first = arith.muli %t, %c16 : index
    scf.for %s = %c0 to %c4 step %c1 {
      %chunk = arith.muli %s, %c4 : index
      %base = arith.addi %first, %chunk : index
      scf.for %l = %c0 to %c4 step %c1 {
        %a = arith.addi %base, %l : index
        %v = memref.load %in[%a] : memref<1024xf32>
        %p = arith.addi %chunk, %l : index
        memref.store %v, %pack[%p] : memref<16xf32>
      } {dataflow.unroll = 4 : i64}
    } {dataflow.unroll = 4 : i64}
    %token = vector.load %pack[%c0] : memref<16xf32>, vector<16xf32>
    dataflow.stream_write %token into %out : !dataflow.stream<vector<16xf32>, 2>
  }
  return
}

func.func @k_load_b(%in: memref<1024xf32>, %out: !dataflow.stream<vector<16xf32>, 2>) attributes {dataflow.process = "load_b"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pack = memref.alloca() {dataflow.lanes = 16 : i64} : memref<16xf32>
  scf.for %t = %c0 to %c64 step %c1 {
    %first = arith.muli %t, %c16 : index
    scf.for %s = %c0 to %c4 step %c1 {
      %chunk = arith.muli %s, %c4 : index
      %base = arith.addi %first, %chunk : index
      scf.for %l = %c0 to %c4 step %c1 {
        %a = arith.addi %base, %l : index
        %v = memref.load %in[%a] : memref<1024xf32>
        %p = arith.addi %chunk, %l : index
        memref.store %v, %pack[%p] : memref<16xf32>
      } {dataflow.unroll = 4 : i64}
    } {dataflow.unroll = 4 : i64}
    %token = vector.load %pack[%c0] : memref<16xf32>, vector<16xf32>
    dataflow.stream_write %token into %out : !dataflow.stream<vector<16xf32>, 2>
  }
  return
}

func.func @k_use(%a: !dataflow.stream<vector<16xf32>, 2>, %b: !dataflow.stream<vector<16xf32>, 2>, %acc: memref<1000xf32>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1000 = arith.constant 1000 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    %t = dataflow.stream_read %a : !dataflow.stream<vector<16xf32>, 2>
  }
  scf.for %i = %c0 to %c1000 step %c1 {
    memref.store %one, %acc[%i] : memref<1000xf32>
  }
  scf.for %i = %c0 to %c64 step %c1 {
    %t = dataflow.stream_read %b : !dataflow.stream<vector<16xf32>, 2>
  }
  return
}

func.func @k(%in0: memref<1024xf32> {dataflow.hbm_channel = 0 : i64}, %in1: memref<1024xf32> {dataflow.hbm_channel = 0 : i64}) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "in1"]} {
  %a = dataflow.stream {name = "load_a_to_use"} : !dataflow.stream<vector<16xf32>, 2>
  %b = dataflow.stream {name = "load_b_to_use"} : !dataflow.stream<vector<16xf32>, 2>
  %acc = memref.alloca() : memref<1000xf32>
  call @k_load_a(%in0, %a) : (memref<1024xf32>, !dataflow.stream<vector<16xf32>, 2>) -> ()
  call @k_load_b(%in1, %b) : (memref<1024xf32>, !dataflow.stream<vector<16xf32>, 2>) -> ()
  call @k_use(%a, %b, %acc) : (!dataflow.stream<vector<16xf32>, 2>, !dataflow.stream<vector<16xf32>, 2>, memref<1000xf32>) -> ()
  return
}

// -----

// The reader takes a token of each per iteration: both DMAs stream over the
// same cycles, and each gets half the channel, 26.45 bytes per cycle: a
// token every 64 / 26.45 = 2.42 cycles on average (63 intervals of 152
// cycles in all).
// CHECK-LABEL: func.func @k_load_a(
// CHECK-SAME: dataflow.dma = [{bytes = 4096 : i64, bytes_per_cycle = 2.645000e+01 : f64, hbm_channel = 0 : i64, port = "in0", read = true}]
// CHECK-SAME: ii = 2.412698{{[0-9]*}} : f64, initial_delay = 69 : i64, latency = 221 : i64
// CHECK-LABEL: func.func @k_load_b(
// CHECK-SAME: dataflow.dma = [{bytes = 4096 : i64, bytes_per_cycle = 2.645000e+01 : f64, hbm_channel = 0 : i64, port = "in1", read = true}]
// CHECK-SAME: ii = 2.412698{{[0-9]*}} : f64, initial_delay = 69 : i64, latency = 221 : i64

func.func @k_load_a(%in: memref<1024xf32>, %out: !dataflow.stream<vector<16xf32>, 2>) attributes {dataflow.process = "load_a"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pack = memref.alloca() {dataflow.lanes = 16 : i64} : memref<16xf32>
  scf.for %t = %c0 to %c64 step %c1 {
    %first = arith.muli %t, %c16 : index
    scf.for %l = %c0 to %c16 step %c1 {
      %a = arith.addi %first, %l : index
      %v = memref.load %in[%a] : memref<1024xf32>
      memref.store %v, %pack[%l] : memref<16xf32>
    } {dataflow.unroll = 16 : i64}
    %token = vector.load %pack[%c0] : memref<16xf32>, vector<16xf32>
    dataflow.stream_write %token into %out : !dataflow.stream<vector<16xf32>, 2>
  }
  return
}

func.func @k_load_b(%in: memref<1024xf32>, %out: !dataflow.stream<vector<16xf32>, 2>) attributes {dataflow.process = "load_b"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pack = memref.alloca() {dataflow.lanes = 16 : i64} : memref<16xf32>
  scf.for %t = %c0 to %c64 step %c1 {
    %first = arith.muli %t, %c16 : index
    scf.for %l = %c0 to %c16 step %c1 {
      %a = arith.addi %first, %l : index
      %v = memref.load %in[%a] : memref<1024xf32>
      memref.store %v, %pack[%l] : memref<16xf32>
    } {dataflow.unroll = 16 : i64}
    %token = vector.load %pack[%c0] : memref<16xf32>, vector<16xf32>
    dataflow.stream_write %token into %out : !dataflow.stream<vector<16xf32>, 2>
  }
  return
}

func.func @k_use(%a: !dataflow.stream<vector<16xf32>, 2>, %b: !dataflow.stream<vector<16xf32>, 2>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %t = dataflow.stream_read %a : !dataflow.stream<vector<16xf32>, 2>
    %u = dataflow.stream_read %b : !dataflow.stream<vector<16xf32>, 2>
  }
  return
}

func.func @k(%in0: memref<1024xf32> {dataflow.hbm_channel = 0 : i64}, %in1: memref<1024xf32> {dataflow.hbm_channel = 0 : i64}) attributes {dataflow.kernel, dataflow.arg_names = ["in0", "in1"]} {
  %a = dataflow.stream {name = "load_a_to_use"} : !dataflow.stream<vector<16xf32>, 2>
  %b = dataflow.stream {name = "load_b_to_use"} : !dataflow.stream<vector<16xf32>, 2>
  call @k_load_a(%in0, %a) : (memref<1024xf32>, !dataflow.stream<vector<16xf32>, 2>) -> ()
  call @k_load_b(%in1, %b) : (memref<1024xf32>, !dataflow.stream<vector<16xf32>, 2>) -> ()
  call @k_use(%a, %b) : (!dataflow.stream<vector<16xf32>, 2>, !dataflow.stream<vector<16xf32>, 2>) -> ()
  return
}

// -----

// One DMA reads 16 bytes from each of four ports (stripes on channels of
// their own) into four quarters of its pack buffer: four stores a cycle to
// one buffer, which is a token's registers, not a dual-port RAM. A token
// per cycle.
// CHECK-LABEL: func.func @k_load(
// CHECK-SAME: ii = 1.000000e+00

func.func @k_load(%s0: memref<256xi8>, %s1: memref<256xi8>, %s2: memref<256xi8>, %s3: memref<256xi8>, %out: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c48 = arith.constant 48 : index
  %pack = memref.alloca() {dataflow.lanes = 64 : i64} : memref<64xi8>
  scf.for %t = %c0 to %c16 step %c1 {
    %first = arith.muli %t, %c16 : index
    scf.for %l = %c0 to %c16 step %c1 {
      %a = arith.addi %first, %l : index
      %v = memref.load %s0[%a] : memref<256xi8>
      memref.store %v, %pack[%l] : memref<64xi8>
    } {dataflow.unroll = 16 : i64}
    scf.for %l = %c0 to %c16 step %c1 {
      %a = arith.addi %first, %l : index
      %v = memref.load %s1[%a] : memref<256xi8>
      %p = arith.addi %c16, %l : index
      memref.store %v, %pack[%p] : memref<64xi8>
    } {dataflow.unroll = 16 : i64}
    scf.for %l = %c0 to %c16 step %c1 {
      %a = arith.addi %first, %l : index
      %v = memref.load %s2[%a] : memref<256xi8>
      %p = arith.addi %c32, %l : index
      memref.store %v, %pack[%p] : memref<64xi8>
    } {dataflow.unroll = 16 : i64}
    scf.for %l = %c0 to %c16 step %c1 {
      %a = arith.addi %first, %l : index
      %v = memref.load %s3[%a] : memref<256xi8>
      %p = arith.addi %c48, %l : index
      memref.store %v, %pack[%p] : memref<64xi8>
    } {dataflow.unroll = 16 : i64}
    %token = vector.load %pack[%c0] : memref<64xi8>, vector<64xi8>
    dataflow.stream_write %token into %out : !dataflow.stream<vector<64xi8>, 2>
  }
  return
}

func.func @k_use(%in: !dataflow.stream<vector<64xi8>, 2>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c16 step %c1 {
    %t = dataflow.stream_read %in : !dataflow.stream<vector<64xi8>, 2>
  }
  return
}

func.func @k(%s0: memref<256xi8> {dataflow.hbm_channel = 0 : i64}, %s1: memref<256xi8> {dataflow.hbm_channel = 1 : i64}, %s2: memref<256xi8> {dataflow.hbm_channel = 2 : i64}, %s3: memref<256xi8> {dataflow.hbm_channel = 3 : i64}) attributes {dataflow.kernel, dataflow.arg_names = ["in0_s0", "in0_s1", "in0_s2", "in0_s3"]} {
  %s = dataflow.stream {name = "load_to_use"} : !dataflow.stream<vector<64xi8>, 2>
  call @k_load(%s0, %s1, %s2, %s3, %s) : (memref<256xi8>, memref<256xi8>, memref<256xi8>, memref<256xi8>, !dataflow.stream<vector<64xi8>, 2>) -> ()
  call @k_use(%s) : (!dataflow.stream<vector<64xi8>, 2>) -> ()
  return
}
