// RUN: streamtensor-opt %s --split-input-file --dataflow-assign-memories | FileCheck %s

// dataflow-assign-memories on u55c, whose platforms/u55c.json sets
// memories.mapping: registerMaxDepth 2, srlMaxDepth 32, lutramMaxBits 4096,
// uramMinBits 147456. The rule (Analysis/MemoryAssignment.cpp), per bank of
// `bits` = ceil(elements / banks) * element width:
//   FIFO with depth <= 2   -> registers
//   FIFO with depth <= 32  -> srl
//   bits <= 4096           -> lutram   (FIFOs deeper than 32, and arrays)
//   bits >= 147456         -> uram
//   otherwise              -> bram
// then, largest array first, an array whose block RAM kind has run out goes
// to the other kind if that has room. Every element here is f32 (32 bits).
//
// FIFOs (depth from the stream type):
//   d2   2 deep                               -> registers
//   d3   3 deep  (> 2, <= 32)                 -> srl
//   d16  16 deep                              -> srl
//   d32  32 deep (the SRL limit)              -> srl
//   d33  33 deep: 33 * 32 = 1056 bits         -> lutram
//   d100 100 deep: 3200 bits                  -> lutram
//   d128 128 deep: 4096 bits (the limit)      -> lutram
//   d129 129 deep: 4128 bits                  -> bram
// Ping-pong buffer blocks: 2 blocks of 32 x 32 = 2048 words, 65536 bits
//                                             -> bram
// Local buffers (memref.alloca; never registers or SRL, whatever the size):
//   a2    2 elements: 64 bits                 -> lutram
//   a32   32: 1024 bits                       -> lutram
//   a1024 1024: 32768 bits                    -> bram
//   a4607 4607: 147424 bits (< 147456)        -> bram
//   a4608 4608: 147456 bits (the limit)       -> uram
//   a8192 8192: 262144 bits                   -> uram
//   p1024 1024 elements, accessed in a loop unrolled by 8: 8 cyclic banks
//         of 128 words, 4096 bits each        -> lutram
// Capacities (4032 - 1058 BRAM_18K of shell, 960 URAM) are far from full.

// CHECK-LABEL: func.func @k_src(
// CHECK-LABEL: func.func @k_buffers(
// CHECK: memref.alloca() {dataflow.storage = "lutram"} : memref<2xf32>
// CHECK: memref.alloca() {dataflow.storage = "lutram"} : memref<32xf32>
// CHECK: memref.alloca() {dataflow.storage = "bram"} : memref<1024xf32>
// CHECK: memref.alloca() {dataflow.storage = "bram"} : memref<4607xf32>
// CHECK: memref.alloca() {dataflow.storage = "uram"} : memref<4608xf32>
// CHECK: memref.alloca() {dataflow.storage = "uram"} : memref<8192xf32>
// CHECK: memref.alloca() {dataflow.storage = "lutram"} : memref<1024xf32>
// CHECK: } {dataflow.unroll = 8 : i64}
// CHECK-LABEL: func.func @k(
// CHECK: dataflow.stream {dataflow.storage = "registers", name = "d2"} : !dataflow.stream<f32, 2>
// CHECK: dataflow.stream {dataflow.storage = "srl", name = "d3"} : !dataflow.stream<f32, 3>
// CHECK: dataflow.stream {dataflow.storage = "srl", name = "d16"} : !dataflow.stream<f32, 16>
// CHECK: dataflow.stream {dataflow.storage = "srl", name = "d32"} : !dataflow.stream<f32, 32>
// CHECK: dataflow.stream {dataflow.storage = "lutram", name = "d33"} : !dataflow.stream<f32, 33>
// CHECK: dataflow.stream {dataflow.storage = "lutram", name = "d100"} : !dataflow.stream<f32, 100>
// CHECK: dataflow.stream {dataflow.storage = "lutram", name = "d128"} : !dataflow.stream<f32, 128>
// CHECK: dataflow.stream {dataflow.storage = "bram", name = "d129"} : !dataflow.stream<f32, 129>
// CHECK: dataflow.buffer {dataflow.storage = "bram", name = "blocks"} : memref<32x32xf32>

!s2 = !dataflow.stream<f32, 2>
!s3 = !dataflow.stream<f32, 3>
!s16 = !dataflow.stream<f32, 16>
!s32 = !dataflow.stream<f32, 32>
!s33 = !dataflow.stream<f32, 33>
!s100 = !dataflow.stream<f32, 100>
!s128 = !dataflow.stream<f32, 128>
!s129 = !dataflow.stream<f32, 129>
func.func @k_src(%a: !s2, %b: !s3, %c: !s16, %d: !s32, %e: !s33, %f: !s100, %g: !s128, %h: !s129) attributes {dataflow.process = "src"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    dataflow.stream_write %v into %a : !s2
    dataflow.stream_write %v into %b : !s3
    dataflow.stream_write %v into %c : !s16
    dataflow.stream_write %v into %d : !s32
    dataflow.stream_write %v into %e : !s33
    dataflow.stream_write %v into %f : !s100
    dataflow.stream_write %v into %g : !s128
    dataflow.stream_write %v into %h : !s129
  }
  return
}
func.func @k_dst(%a: !s2, %b: !s3, %c: !s16, %d: !s32, %e: !s33, %f: !s100, %g: !s128, %h: !s129) attributes {dataflow.process = "dst"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %x0 = dataflow.stream_read %a : !s2
    %x1 = dataflow.stream_read %b : !s3
    %x2 = dataflow.stream_read %c : !s16
    %x3 = dataflow.stream_read %d : !s32
    %x4 = dataflow.stream_read %e : !s33
    %x5 = dataflow.stream_read %f : !s100
    %x6 = dataflow.stream_read %g : !s128
    %x7 = dataflow.stream_read %h : !s129
  }
  return
}
func.func @k_fill(%blocks: memref<32x32xf32>) attributes {dataflow.process = "fill"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %v = arith.constant 1.0 : f32
  %blk = dataflow.block_acquire write %blocks : memref<32x32xf32>
  scf.for %i = %c0 to %c32 step %c1 {
    scf.for %j = %c0 to %c32 step %c1 {
      memref.store %v, %blk[%i, %j] : memref<32x32xf32>
    }
  }
  return
}
func.func @k_drain(%blocks: memref<32x32xf32>) attributes {dataflow.process = "drain"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %blk = dataflow.block_acquire %blocks : memref<32x32xf32>
  scf.for %i = %c0 to %c32 step %c1 {
    scf.for %j = %c0 to %c32 step %c1 {
      %x = memref.load %blk[%i, %j] : memref<32x32xf32>
    }
  }
  return
}
func.func @k_buffers() attributes {dataflow.process = "buffers"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %v = arith.constant 1.0 : f32
  %a2 = memref.alloca() : memref<2xf32>
  %a32 = memref.alloca() : memref<32xf32>
  %a1024 = memref.alloca() : memref<1024xf32>
  %a4607 = memref.alloca() : memref<4607xf32>
  %a4608 = memref.alloca() : memref<4608xf32>
  %a8192 = memref.alloca() : memref<8192xf32>
  %p1024 = memref.alloca() : memref<1024xf32>
  scf.for %i = %c0 to %c1024 step %c1 {
    memref.store %v, %p1024[%i] : memref<1024xf32>
  } {dataflow.unroll = 8 : i64}
  return
}
func.func @k() attributes {dataflow.kernel} {
  %a = dataflow.stream {name = "d2"} : !s2
  %b = dataflow.stream {name = "d3"} : !s3
  %c = dataflow.stream {name = "d16"} : !s16
  %d = dataflow.stream {name = "d32"} : !s32
  %e = dataflow.stream {name = "d33"} : !s33
  %f = dataflow.stream {name = "d100"} : !s100
  %g = dataflow.stream {name = "d128"} : !s128
  %h = dataflow.stream {name = "d129"} : !s129
  call @k_src(%a, %b, %c, %d, %e, %f, %g, %h) : (!s2, !s3, !s16, !s32, !s33, !s100, !s128, !s129) -> ()
  call @k_dst(%a, %b, %c, %d, %e, %f, %g, %h) : (!s2, !s3, !s16, !s32, !s33, !s100, !s128, !s129) -> ()
  %blocks = dataflow.buffer {name = "blocks"} : memref<32x32xf32>
  call @k_fill(%blocks) : (memref<32x32xf32>) -> ()
  call @k_drain(%blocks) : (memref<32x32xf32>) -> ()
  call @k_buffers() : () -> ()
  return
}

// -----

// Capacities: u55c has 960 URAM (no shell share). Largest first: `huge`,
// 960 * 4096 f32 elements, needs ceil(32 / 72) * ceil(3932160 / 4096) = 960
// URAM and takes them all. `late` (8192 f32, 262144 bits) prefers URAM, but
// none is left: it goes to BRAM, where it needs 16 BRAM_18K (e.g. 2 wide x 8
// deep of 16 x 1024-word, 18-bit-wide blocks; 4032 - 1058 = 2974 are free).
// It comes first in the IR: the order is by size, not by position.
// `mid` (1024 f32) is BRAM by the mapping anyway.

// CHECK-LABEL: func.func @big_buffers(
// CHECK: memref.alloca() {dataflow.storage = "bram"} : memref<8192xf32>
// CHECK: memref.alloca() {dataflow.storage = "uram"} : memref<3932160xf32>
// CHECK: memref.alloca() {dataflow.storage = "bram"} : memref<1024xf32>
func.func @big_buffers() attributes {dataflow.process = "buffers"} {
  %late = memref.alloca() : memref<8192xf32>
  %huge = memref.alloca() : memref<3932160xf32>
  %mid = memref.alloca() : memref<1024xf32>
  return
}
func.func @big() attributes {dataflow.kernel} {
  call @big_buffers() : () -> ()
  return
}
