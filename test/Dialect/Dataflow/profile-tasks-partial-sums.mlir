// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s

// A float sum split over P partial sums (dataflow-split-float-sums): the
// pipelined loop adds element i into partial[i mod P]. Figures as in
// profile-tasks.mlir: memref.load 2, fadd 6, memref.store 1, so an update
// of one partial sum is a 9-cycle chain, and the same partial sum comes
// back after P iterations (dataflow.partial_sums): II = ceil(9 / P).
// Sixteen partial sums: II 1. Four: II 3.
// CHECK-LABEL: func.func @k_sum16(
// CHECK-SAME: ii = 1.000000e+00
// CHECK-LABEL: func.func @k_sum4(
// CHECK-SAME: ii = 3.000000e+00

func.func @k_sum16(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "sum16"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  %c64 = arith.constant 64 : index
  %partial = memref.alloca() {dataflow.lanes = 16 : i64, dataflow.partial_sums = 16 : i64} : memref<16xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    %lane = arith.andi %i, %c15 : index
    %a = memref.load %partial[%lane] : memref<16xf32>
    %s = arith.addf %a, %x : f32
    memref.store %s, %partial[%lane] : memref<16xf32>
    dataflow.stream_write %s into %out : !dataflow.stream<f32, 2>
  }
  return
}

func.func @k_sum4(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "sum4"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %partial = memref.alloca() {dataflow.lanes = 4 : i64, dataflow.partial_sums = 4 : i64} : memref<4xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    %lane = arith.andi %i, %c3 : index
    %a = memref.load %partial[%lane] : memref<4xf32>
    %s = arith.addf %a, %x : f32
    memref.store %s, %partial[%lane] : memref<4xf32>
    dataflow.stream_write %s into %out : !dataflow.stream<f32, 2>
  }
  return
}

func.func @k_gen(%a: !dataflow.stream<f32, 2>, %b: !dataflow.stream<f32, 2>) attributes {dataflow.process = "gen"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    dataflow.stream_write %one into %a : !dataflow.stream<f32, 2>
    dataflow.stream_write %one into %b : !dataflow.stream<f32, 2>
  }
  return
}

func.func @k_sink(%a: !dataflow.stream<f32, 2>, %b: !dataflow.stream<f32, 2>) attributes {dataflow.process = "sink"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %a : !dataflow.stream<f32, 2>
    %y = dataflow.stream_read %b : !dataflow.stream<f32, 2>
  }
  return
}

func.func @k() attributes {dataflow.kernel} {
  %a = dataflow.stream {name = "gen_to_sum16"} : !dataflow.stream<f32, 2>
  %b = dataflow.stream {name = "gen_to_sum4"} : !dataflow.stream<f32, 2>
  %c = dataflow.stream {name = "sum16_to_sink"} : !dataflow.stream<f32, 2>
  %d = dataflow.stream {name = "sum4_to_sink"} : !dataflow.stream<f32, 2>
  call @k_gen(%a, %b) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_sum16(%a, %c) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_sum4(%b, %d) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_sink(%c, %d) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  return
}
