// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity="dsp-budget=9 luts-per-cycle=0" | FileCheck %s --check-prefixes=CHECK,B9
// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity="dsp-budget=12 luts-per-cycle=0" | FileCheck %s --check-prefixes=CHECK,B12

// Two processes of a kernel as slow as each other whose next steps are
// worth exactly as much (the default order, cheapest) are taken as parallel
// branches of one stage, which is as slow as its slowest branch: they step
// together or not at all. Each: buf[i] = buf[i] * a over 64 elements,
// 3 DSP (one fmul) per copy, 69 cycles, 37 at unroll 2, 21 at 4 (as
// `small` in unroll-by-intensity.mlir). The design takes 6 DSPs.
//  - dsp-budget=9: one step fits (9), both do not (12): neither is
//    unrolled (one alone would leave the stage as slow as before);
//  - dsp-budget=12: both go to 2 (12); both at 4 would take 24.

// CHECK-LABEL: func.func @k_left(
// CHECK: memref.store
// B9-NEXT: }{{$}}
// B12-NEXT: } {dataflow.unroll = 2 : i64}
// CHECK-LABEL: func.func @k_right(
// CHECK: memref.store
// B9-NEXT: }{{$}}
// B12-NEXT: } {dataflow.unroll = 2 : i64}
func.func @k_left() attributes {dataflow.process = "left"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %a = arith.constant 2.0 : f32
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    %m = arith.mulf %v, %a : f32
    memref.store %m, %buf[%i] : memref<64xf32>
  }
  return
}
func.func @k_right() attributes {dataflow.process = "right"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %a = arith.constant 3.0 : f32
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    %m = arith.mulf %v, %a : f32
    memref.store %m, %buf[%i] : memref<64xf32>
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  call @k_left() : () -> ()
  call @k_right() : () -> ()
  return
}
