// RUN: not streamtensor-opt %s --dataflow-assign-slrs 2>&1 | FileCheck %s

// A process larger than every die is refused by name before the ILP (the
// solver would only say "infeasible"), even though the design as a whole
// fits the device.
//
// wide: Horner's rule, 3 fmul (3 DSP) + 3 fadd (2 DSP) = 15 DSP per copy,
// unrolled 256 times: 3840 DSP. The device has 8490 for kernels, but its
// largest die has 3072 - 192 = 2880 (SLR2, platforms/u55c.json), and a
// process sits on one die.

// CHECK: error: process k/wide needs 3840 DSP (its operators, buffers and the FIFOs it writes), more than any die of u55c has (2880); a process sits on one die: try a smaller --tile-size
// CHECK-NOT: infeasible

func.func @k_wide() attributes {dataflow.process = "wide"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %p0 = arith.constant 0.5 : f32
  %p1 = arith.constant 0.25 : f32
  %p2 = arith.constant 0.125 : f32
  %p3 = arith.constant 0.0625 : f32
  %buf = memref.alloca() : memref<256xf32>
  scf.for %i = %c0 to %c256 step %c1 {
    %v = memref.load %buf[%i] : memref<256xf32>
    %t0 = arith.mulf %v, %p3 : f32
    %t1 = arith.addf %t0, %p2 : f32
    %t2 = arith.mulf %t1, %v : f32
    %t3 = arith.addf %t2, %p1 : f32
    %t4 = arith.mulf %t3, %v : f32
    %t5 = arith.addf %t4, %p0 : f32
    memref.store %t5, %buf[%i] : memref<256xf32>
  } {dataflow.unroll = 256 : i64}
  return
}
func.func @k() attributes {dataflow.kernel} {
  call @k_wide() : () -> ()
  return
}
