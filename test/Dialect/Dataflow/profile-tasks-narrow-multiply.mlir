// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s

// An integer multiply is priced by the width of its operands before
// extension: HLS narrows `(int32_t)a * (int32_t)b` of int8 a and b to an
// 8x8-bit multiply, the platform's mac_i8i8 (1 DSP on the U55C,
// platforms/u55c.json). A 32-bit multiply has no integer figure and is
// priced like fmul (3 DSPs); so is one with an operand zero-extended from
// 8 bits (9 bits signed, wider than mac_i8i8's operands).

// CHECK-LABEL: func.func @k_narrow(
// CHECK-SAME: dsp = 1.000000e+00 : f64
func.func @k_narrow(%o: !dataflow.stream<i32, 2>) attributes {dataflow.process = "narrow"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloca() : memref<4xi8>
  %b = memref.alloca() : memref<4xi8>
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %a[%i] : memref<4xi8>
    %y = memref.load %b[%i] : memref<4xi8>
    %wx = arith.extsi %x : i8 to i32
    %wy = arith.extsi %y : i8 to i32
    %p = arith.muli %wx, %wy : i32
    dataflow.stream_write %p into %o : !dataflow.stream<i32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_wide(
// CHECK-SAME: dsp = 3.000000e+00 : f64
func.func @k_wide(%o: !dataflow.stream<i32, 2>) attributes {dataflow.process = "wide"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloca() : memref<4xi32>
  %b = memref.alloca() : memref<4xi8>
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %a[%i] : memref<4xi32>
    %y = memref.load %b[%i] : memref<4xi8>
    %wy = arith.extsi %y : i8 to i32
    %p = arith.muli %x, %wy : i32
    dataflow.stream_write %p into %o : !dataflow.stream<i32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_unsigned_operand(
// CHECK-SAME: dsp = 3.000000e+00 : f64
func.func @k_unsigned_operand(%o: !dataflow.stream<i32, 2>) attributes {dataflow.process = "unsigned_operand"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloca() : memref<4xi8>
  %b = memref.alloca() : memref<4xi8>
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %a[%i] : memref<4xi8>
    %y = memref.load %b[%i] : memref<4xi8>
    %wx = arith.extui %x : i8 to i32
    %wy = arith.extsi %y : i8 to i32
    %p = arith.muli %wx, %wy : i32
    dataflow.stream_write %p into %o : !dataflow.stream<i32, 2>
  }
  return
}

// The FIFOs have no reader: the profiler looks at each process alone.
func.func @k() attributes {dataflow.kernel} {
  %a = dataflow.stream {entries = 4 : i64, name = "a"} : !dataflow.stream<i32, 2>
  %b = dataflow.stream {entries = 4 : i64, name = "b"} : !dataflow.stream<i32, 2>
  %c = dataflow.stream {entries = 4 : i64, name = "c"} : !dataflow.stream<i32, 2>
  call @k_narrow(%a) : (!dataflow.stream<i32, 2>) -> ()
  call @k_wide(%b) : (!dataflow.stream<i32, 2>) -> ()
  call @k_unsigned_operand(%c) : (!dataflow.stream<i32, 2>) -> ()
  return
}
