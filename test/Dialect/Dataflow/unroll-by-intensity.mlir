// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity=luts-per-cycle=0 | FileCheck %s --check-prefixes=CHECK,DEFAULT
// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity="dsp-budget=32 luts-per-cycle=0" | FileCheck %s --check-prefixes=CHECK,B32
// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity="dsp-budget=13 luts-per-cycle=0" | FileCheck %s --check-prefixes=CHECK,NONE
// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity="dsp-budget=12 luts-per-cycle=0" | FileCheck %s --check-prefixes=CHECK,NONE
// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity="share=0.05 luts-per-cycle=0" | FileCheck %s --check-prefixes=CHECK,SHARE
// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity | FileCheck %s --check-prefixes=CHECK,THRIFT
// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity="dsp-budget=32 luts-per-cycle=0 order=cheapest" | FileCheck %s --check-prefixes=CHECK,CHEAP
// RUN: not streamtensor-opt %s --dataflow-unroll-by-intensity=share=0 2>&1 | FileCheck %s --check-prefix=BADSHARE
// RUN: not streamtensor-opt %s --dataflow-unroll-by-intensity=luts-per-cycle=-1 2>&1 | FileCheck %s --check-prefix=BADLUTS
// RUN: not streamtensor-opt %s --dataflow-unroll-by-intensity=order=fastest 2>&1 | FileCheck %s --check-prefix=BADORDER

// dataflow-unroll-by-intensity: the slowest process (largest latency L, over
// every kernel) gets its compute loop (innermost, no FIFO traffic) unrolled
// to the next divisor of its trip count, while the DSPs of the whole design
// stay within the budget and the process gets faster; a process with no such
// loop, or that gets no faster, is done. Latencies as in profile-tasks.mlir:
// a pipelined loop of N iterations runs (N - 1) * II + lat cycles; load 2,
// store 1, stream ops 1, fmul 3 cycles / 3 DSP, fadd 6 cycles / 2 DSP; a
// loop that reads HBM adds 64 cycles.
//
// Kernel @k: load -> bias -> poly -> store, 60 f32 tokens.
//  load:  memref.load (2) + stream_write (1) + 64 (HBM): 59 + 67 = 126.
//  bias:  stream_read (1), addf (6), stream_write (1): lat 8, 59 + 8 = 67.
//         2 DSP (its loop streams, so unrolling it would not help anyway).
//  poly:  fill   buf[i] = read:           lat 1 + 1 = 2,  59 + 2 = 61
//         compute buf[i] = buf[i]*a + b:  lat 2 + 3 + 6 + 1 = 12, II 1
//                 (load + store of buf per iteration: 2 accesses, 2 ports;
//                 buf[i] follows i, so no loop-carried dependence),
//                 60/f iterations at unroll f: 60/f - 1 + 12 = 60/f + 11
//         drain  write buf[i]:            lat 2 + 1 = 3,  59 + 3 = 62
//         L(f) = 61 + 60/f + 11 + 62 = 134 + 60/f: 194 at f = 1, then
//         164, 154, 149, 146, 144 (f = 6), 140, 139, 138, 137, 136, 135
//         (f = 60) for the divisors 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60.
//         DSP: fmul + fadd = 5 per copy, 5f at unroll f.
//  store: stream_read (1) + memref.store (1): 59 + 2 = 61.
// poly is the slowest at every step (135 > 126), and every step makes it
// faster, so only the DSP budget or the trip count stops it.
//
// Kernel @k2: gen -> heavy -> sink, 1000 tokens, and `small`, a process on
// its own local buffer.
//  gen:   1000 writes: 999 + 1 = 1000.       heavy: read, fmul, write:
//  lat 5, 999 + 5 = 1004, 3 DSP.             sink: 999 + 1 = 1000.
//  small: buf[i] = buf[i] * a over 64: lat 2 + 3 + 1 = 6, 63 + 6 = 69, 3 DSP.
// heavy, the slowest process of the design (1004), only has a loop that
// streams: a FIFO passes one token per cycle, so it is not unrolled and is
// done. The other processes go on (the paper would stop k2 here): small's
// compute loop is unrolled once poly, slower, is done: 3 DSP per copy, to
// the divisors 2, 4, 8, 16, 32, 64 of its trip count, each step faster.
//
// DSPs of the design before unrolling: bias 2 + poly 5 + heavy 3 + small 3
// = 13.
//  - default budget: 80% of the platform's DSPs less the shell's,
//    0.8 * (9024 - (147 + 195 + 192)) = 6792. poly goes all the way to f = 60: 13 - 5 + 300 = 308
//    DSP. There is no divisor of 60 above 60: done. small then goes to 64:
//    308 - 3 + 192 = 497 DSP.
//  - dsp-budget=32: f = 2, 3, 4 give 13 - 5 + 5f = 18, 23, 28 DSP; f = 5
//    would need 33 > 32: undone, poly stays at 4. small at 2 takes
//    28 - 3 + 6 = 31 DSP; at 4 it would need 37: it stays at 2.
//  - dsp-budget=13: the design fits as it is (13), but f = 2 needs 18:
//    nothing is unrolled.
//  - share=0.05 (a module beside others, with 5% of the device): the
//    budget is 0.05 * 6792 = 339.6. poly goes to 60 (308 DSP); small to 2,
//    4 and 8 (311, 317, 329); 16 would need 353: it stays at 8.
//  - dsp-budget=12: the design is already over (13 > 12): the pass leaves it
//    to the resource check and changes nothing.
// The runs above take every step that saves a cycle (luts-per-cycle=0). By
// default a step may add at most 30 LUTs of operators per cycle it saves
// (fmul 78 LUTs, fadd 198 a lane):
//  - poly: 194 -> 164 (f = 2) saves 30 cycles for 276 LUTs, 164 -> 154
//    (f = 3) 10 for 276; 154 -> 149 (f = 4) would save 5, worth 150 LUTs
//    at most: poly stays at 3.
//  - small: 69 -> 37 (f = 2) saves 32 cycles for 78 LUTs, 37 -> 21 (f = 4)
//    16 for 156; 21 -> 13 (f = 8) would save 8, worth 240 LUTs, for 312:
//    small stays at 4.
// order=cheapest takes the step that saves the most cycles per part of the
// budget first, wherever it is (dsp-budget=32, so a DSP is 1/32 of it and
// the LUTs, against 70% of the device's, weigh far less):
//  - small f = 2 saves 32 cycles for 3 DSP (341 cycles per budget),
//    poly f = 2 saves 30 for 5 (192): small to 2 (16 DSP), then poly to 2
//    (21);
//  - small f = 4: 16 for 6 more (85), poly f = 3: 10 for 5 (64): small to
//    4 (27), then poly to 3 (32);
//  - poly f = 4 (37) and small f = 8 (39) are over: done.
// poly 154 + small 21 = 175 cycles, where the slowest-first order's poly 149
// + small 37 = 186: the order for processes whose latencies add.

// BADSHARE: error: dataflow-unroll-by-intensity: share must be in (0, 1], got 0
// BADLUTS: error: dataflow-unroll-by-intensity: luts-per-cycle must be at least 0, got -1
// BADORDER: error: dataflow-unroll-by-intensity: order must be 'slowest' or 'cheapest', got 'fastest'

// Only the compute loops of poly and small are ever unrolled.
// CHECK-NOT: dataflow.unroll
// CHECK-LABEL: func.func @k_poly(
// CHECK: scf.for
// CHECK-NEXT: dataflow.stream_read
// CHECK-NEXT: memref.store
// CHECK-NEXT: }{{$}}
// CHECK: scf.for
// CHECK-NEXT: memref.load
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store
// DEFAULT-NEXT: } {dataflow.unroll = 60 : i64}
// B32-NEXT: } {dataflow.unroll = 4 : i64}
// SHARE-NEXT: } {dataflow.unroll = 60 : i64}
// THRIFT-NEXT: } {dataflow.unroll = 3 : i64}
// CHEAP-NEXT: } {dataflow.unroll = 3 : i64}
// NONE-NEXT: }{{$}}
// CHECK: scf.for
// CHECK-NEXT: memref.load
// CHECK-NEXT: dataflow.stream_write
// CHECK-NEXT: }{{$}}
// CHECK-NOT: dataflow.unroll
// CHECK-LABEL: func.func @k(
// CHECK-NOT: dataflow.unroll
// CHECK-LABEL: func.func @k2_small(
// CHECK: scf.for
// CHECK-NEXT: memref.load
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: memref.store
// DEFAULT-NEXT: } {dataflow.unroll = 64 : i64}
// B32-NEXT: } {dataflow.unroll = 2 : i64}
// SHARE-NEXT: } {dataflow.unroll = 8 : i64}
// THRIFT-NEXT: } {dataflow.unroll = 4 : i64}
// CHEAP-NEXT: } {dataflow.unroll = 4 : i64}
// NONE-NEXT: }{{$}}
// CHECK-NOT: dataflow.unroll
func.func @k_load(%in: memref<60xf32>, %x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c60 = arith.constant 60 : index
  scf.for %i = %c0 to %c60 step %c1 {
    %v = memref.load %in[%i] : memref<60xf32>
    dataflow.stream_write %v into %x : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_bias(%x: !dataflow.stream<f32, 2>, %y: !dataflow.stream<f32, 2>) attributes {dataflow.process = "bias"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c60 = arith.constant 60 : index
  %b = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c60 step %c1 {
    %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
    %s = arith.addf %v, %b : f32
    dataflow.stream_write %s into %y : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_poly(%y: !dataflow.stream<f32, 2>, %z: !dataflow.stream<f32, 2>) attributes {dataflow.process = "poly"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c60 = arith.constant 60 : index
  %a = arith.constant 2.0 : f32
  %b = arith.constant 0.5 : f32
  %buf = memref.alloca() : memref<60xf32>
  scf.for %i = %c0 to %c60 step %c1 {
    %v = dataflow.stream_read %y : !dataflow.stream<f32, 2>
    memref.store %v, %buf[%i] : memref<60xf32>
  }
  scf.for %i = %c0 to %c60 step %c1 {
    %v = memref.load %buf[%i] : memref<60xf32>
    %m = arith.mulf %v, %a : f32
    %s = arith.addf %m, %b : f32
    memref.store %s, %buf[%i] : memref<60xf32>
  }
  scf.for %i = %c0 to %c60 step %c1 {
    %v = memref.load %buf[%i] : memref<60xf32>
    dataflow.stream_write %v into %z : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_store(%z: !dataflow.stream<f32, 2>, %out: memref<60xf32>) attributes {dataflow.process = "store"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c60 = arith.constant 60 : index
  scf.for %i = %c0 to %c60 step %c1 {
    %v = dataflow.stream_read %z : !dataflow.stream<f32, 2>
    memref.store %v, %out[%i] : memref<60xf32>
  }
  return
}
func.func @k(%in: memref<60xf32>, %out: memref<60xf32>) attributes {dataflow.kernel} {
  %x = dataflow.stream {entries = 60 : i64, name = "x"} : !dataflow.stream<f32, 2>
  %y = dataflow.stream {entries = 60 : i64, name = "y"} : !dataflow.stream<f32, 2>
  %z = dataflow.stream {entries = 60 : i64, name = "z"} : !dataflow.stream<f32, 2>
  call @k_load(%in, %x) : (memref<60xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_bias(%x, %y) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_poly(%y, %z) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_store(%z, %out) : (!dataflow.stream<f32, 2>, memref<60xf32>) -> ()
  return
}

func.func @k2_gen(%a: !dataflow.stream<f32, 2>) attributes {dataflow.process = "gen"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c1000 step %c1 {
    dataflow.stream_write %one into %a : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k2_heavy(%a: !dataflow.stream<f32, 2>, %b: !dataflow.stream<f32, 2>) attributes {dataflow.process = "heavy"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %k = arith.constant 3.0 : f32
  scf.for %i = %c0 to %c1000 step %c1 {
    %v = dataflow.stream_read %a : !dataflow.stream<f32, 2>
    %m = arith.mulf %v, %k : f32
    dataflow.stream_write %m into %b : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k2_sink(%b: !dataflow.stream<f32, 2>) attributes {dataflow.process = "sink"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  scf.for %i = %c0 to %c1000 step %c1 {
    %v = dataflow.stream_read %b : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k2_small() attributes {dataflow.process = "small"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %k = arith.constant 3.0 : f32
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    %m = arith.mulf %v, %k : f32
    memref.store %m, %buf[%i] : memref<64xf32>
  }
  return
}
func.func @k2() attributes {dataflow.kernel} {
  %a = dataflow.stream {entries = 1000 : i64, name = "a"} : !dataflow.stream<f32, 2>
  %b = dataflow.stream {entries = 1000 : i64, name = "b"} : !dataflow.stream<f32, 2>
  call @k2_gen(%a) : (!dataflow.stream<f32, 2>) -> ()
  call @k2_heavy(%a, %b) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k2_sink(%b) : (!dataflow.stream<f32, 2>) -> ()
  call @k2_small() : () -> ()
  return
}
