// RUN: streamtensor-opt %s --dataflow-bind-float-adders=impl=fabric --dataflow-profile-tasks | FileCheck %s --check-prefix=FABRIC
// RUN: streamtensor-opt %s --dataflow-bind-float-adders=impl=dsp --dataflow-profile-tasks | FileCheck %s --check-prefix=DSP
// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s --check-prefix=DSP
// A platform without a figure for the adder in LUTs cannot build it.
// RUN: %python -c "import json, sys; p = json.load(open(sys.argv[1])); del p['operators']['fadd_fabric']; json.dump(p, open(sys.argv[2], 'w'))" %examples/../platforms/u55c.json %t.json
// RUN: not streamtensor-opt %s --dataflow-bind-float-adders="impl=fabric platform=%t.json" 2>&1 | FileCheck %s --check-prefix=NOFIGURE
// RUN: not streamtensor-opt %s --dataflow-bind-float-adders=impl=lut 2>&1 | FileCheck %s --check-prefix=BADIMPL

// The module records the choice, and the task model prices every float
// add and subtract by it. On the U55C (platforms/u55c.json), fmul takes 3
// DSPs (78 LUTs), fadd 2 DSPs (198 LUTs, 6 cycles) and fadd_fabric none
// (338 LUTs, 4 cycles).
// FABRIC: module attributes {dataflow.float_adders = "fabric"}
// DSP-NOT: dataflow.float_adders = "fabric"

// A float MAC in 8 lanes: 8 fmuls and 8 fadds. In DSPs 8 x (3 + 2) = 40;
// in LUTs the adds take none, 8 x 3 = 24, and 8 x 140 LUTs more (the
// rest of the LUTs, the same in both, are the lanes' other logic).
// FABRIC-LABEL: func.func @k_mac(
// FABRIC-SAME: dsp = 2.400000e+01 : f64
// FABRIC-SAME: lut = 4.352000e+03 : f64
// DSP-LABEL: func.func @k_mac(
// DSP-SAME: dsp = 4.000000e+01 : f64
// DSP-SAME: lut = 3.232000e+03 : f64
func.func @k_mac(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "mac"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %a = memref.alloca() : memref<64x8xf32>
  %b = memref.alloca() : memref<64x8xf32>
  %acc = memref.alloca() : memref<8xf32>
  scf.for %k = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %x = memref.load %a[%k, %j] : memref<64x8xf32>
      %y = memref.load %b[%k, %j] : memref<64x8xf32>
      %s = memref.load %acc[%j] : memref<8xf32>
      %p = arith.mulf %x, %y : f32
      %t = arith.addf %s, %p : f32
      memref.store %t, %acc[%j] : memref<8xf32>
    } {dataflow.unroll = 8 : i64}
  }
  %r = memref.load %acc[%c0] : memref<8xf32>
  dataflow.stream_write %r into %o : !dataflow.stream<f32, 2>
  return
}

// A bias subtract in 16 lanes: 32 DSPs as adders, none in LUTs (and
// 16 x 140 LUTs more).
// FABRIC-LABEL: func.func @k_bias(
// FABRIC-SAME: dsp = 0.000000e+00 : f64
// FABRIC-SAME: lut = 7.456000e+03 : f64
// DSP-LABEL: func.func @k_bias(
// DSP-SAME: dsp = 3.200000e+01 : f64
// DSP-SAME: lut = 5.216000e+03 : f64
func.func @k_bias(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "bias"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %x = memref.alloca() : memref<64x16xf32>
  %b = memref.alloca() : memref<16xf32>
  %y = memref.alloca() : memref<64x16xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      %w = memref.load %b[%j] : memref<16xf32>
      %d = arith.subf %v, %w : f32
      memref.store %d, %y[%i, %j] : memref<64x16xf32>
    } {dataflow.unroll = 16 : i64}
  }
  %r = memref.load %y[%c0, %c0] : memref<64x16xf32>
  dataflow.stream_write %r into %o : !dataflow.stream<f32, 2>
  return
}

// The FIFOs have no reader: the profiler looks at each process alone.
func.func @k() attributes {dataflow.kernel} {
  %a = dataflow.stream {entries = 1 : i64, name = "a"} : !dataflow.stream<f32, 2>
  %b = dataflow.stream {entries = 1 : i64, name = "b"} : !dataflow.stream<f32, 2>
  call @k_mac(%a) : (!dataflow.stream<f32, 2>) -> ()
  call @k_bias(%b) : (!dataflow.stream<f32, 2>) -> ()
  return
}

// NOFIGURE: error: dataflow-bind-float-adders: platform 'u55c' has no operator 'fadd_fabric' for fadd implemented as fabric
// BADIMPL: error: dataflow-bind-float-adders: impl must be 'fabric' or 'dsp', got 'lut'
