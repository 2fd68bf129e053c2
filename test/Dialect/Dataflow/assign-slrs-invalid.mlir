// RUN: not streamtensor-opt %s --dataflow-assign-slrs 2>&1 | FileCheck %s

// A design that needs more DSPs than the u55c has is refused before the ILP,
// with the total, the DSPs available, the excess and the (at most three)
// largest users, named kernel/process.
//
// DSPs available: 9024 on the device, less the shell's 147 + 195 + 192 = 534:
// 8490.
// Needs (fmul 3 DSP, fadd 2 DSP per operator instance; a loop with
// dataflow.unroll = f that touches no FIFO has f copies of its operators):
//   huge:  Horner's rule, 3 fmul + 3 fadd = 15 DSP per copy, unrolled 1024
//          times: 15360
//   mid:   fmul + fadd = 5 per copy, unrolled 4 times: 20
//   scale: fmul + fadd in a loop that streams: 5 (its dataflow.unroll = 8
//          is ignored: a FIFO passes one token per cycle, so a loop that
//          touches one is never replicated)
//   gen:   one fadd: 2
// Total 15360 + 20 + 5 + 2 = 15387 DSP, 15387 - 8490 = 6897 over. gen, the
// fourth user, is not listed.

// CHECK: error: the design does not fit u55c: it needs 15387 DSP, 8490 are available (6897 over); largest users: k/huge 15360, k/mid 20, k/scale 5{{$}}

func.func @k_gen(%x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "gen"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    %v = arith.addf %one, %one : f32
    dataflow.stream_write %v into %x : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_scale(%x: !dataflow.stream<f32, 2>, %y: !dataflow.stream<f32, 2>) attributes {dataflow.process = "scale"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %a = arith.constant 2.0 : f32
  %b = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
    %m = arith.mulf %v, %a : f32
    %s = arith.addf %m, %b : f32
    dataflow.stream_write %s into %y : !dataflow.stream<f32, 2>
  } {dataflow.unroll = 8 : i64}
  return
}
func.func @k_sink(%y: !dataflow.stream<f32, 2>) attributes {dataflow.process = "sink"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %y : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_mid() attributes {dataflow.process = "mid"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %a = arith.constant 2.0 : f32
  %b = arith.constant 1.0 : f32
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    %m = arith.mulf %v, %a : f32
    %s = arith.addf %m, %b : f32
    memref.store %s, %buf[%i] : memref<64xf32>
  } {dataflow.unroll = 4 : i64}
  return
}
func.func @k_huge() attributes {dataflow.process = "huge"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %p0 = arith.constant 0.5 : f32
  %p1 = arith.constant 0.25 : f32
  %p2 = arith.constant 0.125 : f32
  %p3 = arith.constant 0.0625 : f32
  %buf = memref.alloca() : memref<1024xf32>
  scf.for %i = %c0 to %c1024 step %c1 {
    %v = memref.load %buf[%i] : memref<1024xf32>
    %t0 = arith.mulf %v, %p3 : f32
    %t1 = arith.addf %t0, %p2 : f32
    %t2 = arith.mulf %t1, %v : f32
    %t3 = arith.addf %t2, %p1 : f32
    %t4 = arith.mulf %t3, %v : f32
    %t5 = arith.addf %t4, %p0 : f32
    memref.store %t5, %buf[%i] : memref<1024xf32>
  } {dataflow.unroll = 1024 : i64}
  return
}
func.func @k() attributes {dataflow.kernel} {
  %x = dataflow.stream {name = "x"} : !dataflow.stream<f32, 2>
  %y = dataflow.stream {name = "y"} : !dataflow.stream<f32, 2>
  call @k_gen(%x) : (!dataflow.stream<f32, 2>) -> ()
  call @k_scale(%x, %y) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_sink(%y) : (!dataflow.stream<f32, 2>) -> ()
  call @k_mid() : () -> ()
  call @k_huge() : () -> ()
  return
}
