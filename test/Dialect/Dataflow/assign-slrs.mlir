// RUN: streamtensor-opt %s --split-input-file --dataflow-assign-slrs | FileCheck %s

// dataflow-assign-slrs on u55c. Each process needs its operators plus the
// memories it owns (its local buffers and the FIFOs it writes); DMAs (the
// processes that touch a kernel argument) are pinned to the HBM's die,
// hbm.placement.slr = 0. The ILP minimises, per resource kind used, the
// fill (in %) of the fullest die, plus bits / 64 per FIFO bit per die
// boundary crossed.
//
// Die capacities less the shell (platforms/u55c.json):
//          DSP           LUT                   FF
//   SLR0   2880 - 147    439680 - 70680        879360 - 133360
//        = 2733        = 369000              = 746000
//   SLR1   3072 - 195    432000 - 99000        864000 - 189000
//        = 2877        = 333000              = 675000
//   SLR2   3072 - 192    432000 - 65000        864000 - 135000
//        = 2880        = 367000              = 729000
//
// Case 1: load -> scale -> store, 64 f32 tokens, FIFOs of depth 2 (in
// registers: 2 * 32 = 64 FF, owned by their writer).
//   load:  0 DSP, 0 LUT, 64 FF (FIFO x); pinned to SLR0.
//   scale: fmul + fadd = 5 DSP, 78 + 198 = 276 LUT, 143 + 318 + 64 (FIFO y)
//          = 525 FF.
//   store: nothing; pinned to SLR0.
//   scale on SLR0: 100 * (5/2733 + 276/369000 + (64 + 525)/746000)
//                  = 0.183 + 0.075 + 0.079 = 0.337, no crossing.
//   scale on SLR1: 100 * (5/2877 + 276/333000 + 525/675000)
//                  = 0.174 + 0.083 + 0.078 = 0.334, but x and y cross one
//                  boundary each: + 2 * 32/64 = 1.
//   (SLR2: 0.321 + 2 * 2 * 32/64 = 2.321.)
// Everything on SLR0, 0 bits crossing.

// CHECK: module attributes {dataflow.slr_crossing_bits = 0 : i64}
// CHECK-LABEL: func.func @k(
// CHECK-NEXT: dataflow.stream {name = "x"}
// CHECK-NEXT: dataflow.stream {name = "y"}
// CHECK-NEXT: call @k_load({{.*}}) {dataflow.slr = 0 : i64}
// CHECK-NEXT: call @k_scale({{.*}}) {dataflow.slr = 0 : i64}
// CHECK-NEXT: call @k_store({{.*}}) {dataflow.slr = 0 : i64}
// CHECK-NEXT: return

func.func @k_load(%in: memref<64xf32>, %x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %in[%i] : memref<64xf32>
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
  }
  return
}
func.func @k_store(%y: !dataflow.stream<f32, 2>, %out: memref<64xf32>) attributes {dataflow.process = "store"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %y : !dataflow.stream<f32, 2>
    memref.store %v, %out[%i] : memref<64xf32>
  }
  return
}
func.func @k(%in: memref<64xf32>, %out: memref<64xf32>) attributes {dataflow.kernel} {
  %x = dataflow.stream {name = "x"} : !dataflow.stream<f32, 2>
  %y = dataflow.stream {name = "y"} : !dataflow.stream<f32, 2>
  call @k_load(%in, %x) : (memref<64xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_scale(%x, %y) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_store(%y, %out) : (!dataflow.stream<f32, 2>, memref<64xf32>) -> ()
  return
}

// -----

// Case 2: load -> big -> store, where big's compute loop (fmul + fadd on a
// 560-element buffer) is unrolled 560 times.
//   big: 560 * 5 = 2800 DSP, 560 * 276 = 154560 LUT, 560 * 461 = 258160 FF
//        for the operators; its buffer is split into 560 cyclic banks of one
//        f32 (32 bits <= 4096: LUTRAM, 32 * 2 * ceil(1/64) = 64 LUT each):
//        35840 LUT; FIFO y: 64 FF. Total 2800 DSP, 190400 LUT, 258224 FF.
//   load: 64 FF (FIFO x), store: nothing; both pinned to SLR0.
// 2800 DSP > 2733: big cannot sit on SLR0 (the design as a whole fits:
// 2800 <= 8490).
//   big on SLR1: 100 * (2800/2877 + 190400/333000 + 258224/675000)
//              = 97.32 + 57.18 + 38.26 = 192.76, crossing 2 * 32/64 = 1:
//              193.76.
//   big on SLR2: 100 * (2800/2880 + 190400/367000 + 258224/729000)
//              = 97.22 + 51.88 + 35.42 = 184.52, crossing 2 * 2 * 32/64 = 2:
//              186.52.
// The larger free LUT and FF of SLR2 outweigh the second boundary: big goes
// to SLR2, and x and y cross two boundaries each: 2 * 2 * 32 = 128 bits.

// CHECK: module attributes {dataflow.slr_crossing_bits = 128 : i64}
// CHECK-LABEL: func.func @k(
// CHECK-NEXT: dataflow.stream {name = "x"}
// CHECK-NEXT: dataflow.stream {name = "y"}
// CHECK-NEXT: call @k_load({{.*}}) {dataflow.slr = 0 : i64}
// CHECK-NEXT: call @k_big({{.*}}) {dataflow.slr = 2 : i64}
// CHECK-NEXT: call @k_store({{.*}}) {dataflow.slr = 0 : i64}
// CHECK-NEXT: return

func.func @k_load(%in: memref<560xf32>, %x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c560 = arith.constant 560 : index
  scf.for %i = %c0 to %c560 step %c1 {
    %v = memref.load %in[%i] : memref<560xf32>
    dataflow.stream_write %v into %x : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_big(%x: !dataflow.stream<f32, 2>, %y: !dataflow.stream<f32, 2>) attributes {dataflow.process = "big"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c560 = arith.constant 560 : index
  %a = arith.constant 2.0 : f32
  %b = arith.constant 1.0 : f32
  %buf = memref.alloca() : memref<560xf32>
  scf.for %i = %c0 to %c560 step %c1 {
    %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
    memref.store %v, %buf[%i] : memref<560xf32>
  }
  scf.for %i = %c0 to %c560 step %c1 {
    %v = memref.load %buf[%i] : memref<560xf32>
    %m = arith.mulf %v, %a : f32
    %s = arith.addf %m, %b : f32
    memref.store %s, %buf[%i] : memref<560xf32>
  } {dataflow.unroll = 560 : i64}
  scf.for %i = %c0 to %c560 step %c1 {
    %v = memref.load %buf[%i] : memref<560xf32>
    dataflow.stream_write %v into %y : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_store(%y: !dataflow.stream<f32, 2>, %out: memref<560xf32>) attributes {dataflow.process = "store"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c560 = arith.constant 560 : index
  scf.for %i = %c0 to %c560 step %c1 {
    %v = dataflow.stream_read %y : !dataflow.stream<f32, 2>
    memref.store %v, %out[%i] : memref<560xf32>
  }
  return
}
func.func @k(%in: memref<560xf32>, %out: memref<560xf32>) attributes {dataflow.kernel} {
  %x = dataflow.stream {name = "x"} : !dataflow.stream<f32, 2>
  %y = dataflow.stream {name = "y"} : !dataflow.stream<f32, 2>
  call @k_load(%in, %x) : (memref<560xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_big(%x, %y) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_store(%y, %out) : (!dataflow.stream<f32, 2>, memref<560xf32>) -> ()
  return
}
