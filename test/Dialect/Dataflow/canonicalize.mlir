// RUN: streamtensor-opt %s --canonicalize --split-input-file | FileCheck %s
// RUN: streamtensor-opt %s --cse --split-input-file | FileCheck %s --check-prefix=CSE

// A cast to the same type, and a cast back, fold away.
// CHECK-LABEL: func.func @cast_folds
// CHECK-SAME: (%[[X:.*]]: !dataflow.itensor
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @cast_folds(%x: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>)
    -> (!dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>,
        !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>) {
  %same = dataflow.itensor_cast %x : !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)> -> !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
  %padded = dataflow.itensor_cast %x : !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)> -> !dataflow.itensor<4xf32, iter_space [1, 2] * [1, 4], iter_map (d0, d1) -> (d1)>
  %back = dataflow.itensor_cast %padded : !dataflow.itensor<4xf32, iter_space [1, 2] * [1, 4], iter_map (d0, d1) -> (d1)> -> !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
  return %same, %back : !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>, !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
}

// -----

// Two casts in a row become one.
// CHECK-LABEL: func.func @cast_chain
// CHECK-SAME: (%[[X:.*]]: !dataflow.itensor
// CHECK-NEXT: %[[C:.*]] = dataflow.itensor_cast %[[X]] : !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)> -> !dataflow.itensor<4xf32, iter_space [2, 1] * [4, 1], iter_map (d0, d1) -> (d0)>
// CHECK-NEXT: return %[[C]]
func.func @cast_chain(%x: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>)
    -> !dataflow.itensor<4xf32, iter_space [2, 1] * [4, 1], iter_map (d0, d1) -> (d0)> {
  %a = dataflow.itensor_cast %x : !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)> -> !dataflow.itensor<4xf32, iter_space [1, 2] * [1, 4], iter_map (d0, d1) -> (d1)>
  %b = dataflow.itensor_cast %a : !dataflow.itensor<4xf32, iter_space [1, 2] * [1, 4], iter_map (d0, d1) -> (d1)> -> !dataflow.itensor<4xf32, iter_space [2, 1] * [4, 1], iter_map (d0, d1) -> (d0)>
  return %b : !dataflow.itensor<4xf32, iter_space [2, 1] * [4, 1], iter_map (d0, d1) -> (d0)>
}

// -----

// A converter between equal types is no converter; one between different
// layouts stays.
// CHECK-LABEL: func.func @converter_folds
// CHECK-SAME: (%[[X:.*]]: !dataflow.itensor
// CHECK-NEXT: %[[C:.*]] = dataflow.itensor_converter %[[X]] buffer [8, 2] shared_loops 1
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @converter_folds(%x: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>)
    -> (!dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>,
        !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>) {
  %same = dataflow.itensor_converter %x buffer [8, 8] shared_loops 0 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
  %other = dataflow.itensor_converter %x buffer [8, 2] shared_loops 1 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  return %same, %other : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>, !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
}

// -----

// Converters of one stream into one layout are duplicates: CSE keeps one.
// Two itensor_empty are two streams: CSE keeps both.
// CSE-LABEL: func.func @duplicates
// CSE: %[[C:.*]] = dataflow.itensor_converter
// CSE-NOT: dataflow.itensor_converter
// CSE: %[[E0:.*]] = dataflow.itensor_empty
// CSE-NEXT: %[[E1:.*]] = dataflow.itensor_empty
// CSE-NEXT: return %[[C]], %[[C]], %[[E0]], %[[E1]]
func.func @duplicates(%x: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>)
    -> (!dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>,
        !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>,
        !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>,
        !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>) {
  %a = dataflow.itensor_converter %x buffer [8, 2] shared_loops 1 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  %b = dataflow.itensor_converter %x buffer [8, 2] shared_loops 1 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  %e0 = dataflow.itensor_empty : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
  %e1 = dataflow.itensor_empty : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
  return %a, %b, %e0, %e1 : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>, !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>, !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>, !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
}

// -----

// An itensor or stream nobody uses is dead.
// CHECK-LABEL: func.func @dead
// CHECK-NEXT: return
func.func @dead() {
  %e = dataflow.itensor_empty : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
  %s = dataflow.stream : !dataflow.stream<f32, 2>
  %b = dataflow.buffer : memref<4xf32>
  return
}
