// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s

// An op that reads only what the loop nest does not change computes the
// same value in every iteration and every unrolled copy: HLS merges the
// copies (or hoists the op), so it costs one operator, not one per lane.
// A layer norm's normalization divides its sum by the length inside the
// elementwise loop. On the U55C (platforms/u55c.json) fsub is an fadd
// (2 DSPs), fdiv none.

// 16 lanes of `x - sum / 1024`: 16 fsubs, one fdiv (994 LUTs), beside the
// banks of the arrays; the next process has 15 fdivs more, 14910 LUTs.
// CHECK-LABEL: func.func @k_invariant_divide(
// CHECK-SAME: dsp = 3.200000e+01 : f64
// CHECK-SAME: lut = 6.210000e+03 : f64
func.func @k_invariant_divide(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "invariant_divide"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %n = arith.constant 1.024000e+03 : f32
  %x = memref.alloca() : memref<64x16xf32>
  %sum = memref.alloca() : memref<1xf32>
  %y = memref.alloca() : memref<64x16xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      %s = memref.load %sum[%c0] : memref<1xf32>
      %mean = arith.divf %s, %n : f32
      %d = arith.subf %v, %mean : f32
      memref.store %d, %y[%i, %j] : memref<64x16xf32>
    } {dataflow.unroll = 16 : i64}
  }
  %r = memref.load %y[%c0, %c0] : memref<64x16xf32>
  dataflow.stream_write %r into %o : !dataflow.stream<f32, 2>
  return
}

// Each lane divides its own element: 16 fdivs (and 16 fsubs).
// CHECK-LABEL: func.func @k_lane_divide(
// CHECK-SAME: dsp = 3.200000e+01 : f64
// CHECK-SAME: lut = 2.112000e+04 : f64
func.func @k_lane_divide(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "lane_divide"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %n = arith.constant 1.024000e+03 : f32
  %x = memref.alloca() : memref<64x16xf32>
  %sum = memref.alloca() : memref<1xf32>
  %y = memref.alloca() : memref<64x16xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      %s = memref.load %sum[%c0] : memref<1xf32>
      %q = arith.divf %v, %n : f32
      %d = arith.subf %q, %s : f32
      memref.store %d, %y[%i, %j] : memref<64x16xf32>
    } {dataflow.unroll = 16 : i64}
  }
  %r = memref.load %y[%c0, %c0] : memref<64x16xf32>
  dataflow.stream_write %r into %o : !dataflow.stream<f32, 2>
  return
}

// A sum the nest itself updates is not invariant, even at a fixed
// address: each iteration reads what the previous one stored, so the
// divide of it is one per copy (16 fdivs, as above).
// CHECK-LABEL: func.func @k_written_in_nest(
// CHECK-SAME: lut = 2.009600e+04 : f64
func.func @k_written_in_nest(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "written_in_nest"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %n = arith.constant 1.024000e+03 : f32
  %x = memref.alloca() : memref<64x16xf32>
  %sum = memref.alloca() : memref<1xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %j] : memref<64x16xf32>
      %s = memref.load %sum[%c0] : memref<1xf32>
      %q = arith.divf %s, %n : f32
      %d = arith.subf %v, %q : f32
      memref.store %d, %sum[%c0] : memref<1xf32>
    } {dataflow.unroll = 16 : i64}
  }
  %r = memref.load %sum[%c0] : memref<1xf32>
  dataflow.stream_write %r into %o : !dataflow.stream<f32, 2>
  return
}

// The FIFOs have no reader: the profiler looks at each process alone.
func.func @k() attributes {dataflow.kernel} {
  %a = dataflow.stream {entries = 1 : i64, name = "a"} : !dataflow.stream<f32, 2>
  %b = dataflow.stream {entries = 1 : i64, name = "b"} : !dataflow.stream<f32, 2>
  %c = dataflow.stream {entries = 1 : i64, name = "c"} : !dataflow.stream<f32, 2>
  call @k_invariant_divide(%a) : (!dataflow.stream<f32, 2>) -> ()
  call @k_lane_divide(%b) : (!dataflow.stream<f32, 2>) -> ()
  call @k_written_in_nest(%c) : (!dataflow.stream<f32, 2>) -> ()
  return
}
