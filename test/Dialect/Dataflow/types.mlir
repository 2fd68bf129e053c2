// RUN: streamtensor-opt %s | FileCheck %s
// RUN: streamtensor-opt %s | streamtensor-opt | FileCheck %s
// RUN: streamtensor-opt %s --mlir-print-op-generic | streamtensor-opt | FileCheck %s

// The three itensor types of the paper's Figure 5, all streaming an 8x8
// tensor, and stream types.

// CHECK-LABEL: func.func @figure5
// CHECK-SAME: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
// CHECK-SAME: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
// CHECK-SAME: !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
func.func @figure5(
    %a: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>,
    %b: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>,
    %c: !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>) {
  return
}

// Constant offsets, a single token, integer and index elements.
// CHECK-LABEL: func.func @other_layouts
// CHECK-SAME: !dataflow.itensor<1x16xi8, iter_space [4] * [16], iter_map (d0) -> (0, d0)>
// CHECK-SAME: !dataflow.itensor<8x8xf16, iter_space [] * [], iter_map () -> (0, 0)>
// CHECK-SAME: !dataflow.itensor<1xindex, iter_space [3, 5] * [1, 1], iter_map (d0, d1) -> (d1)>
func.func @other_layouts(
    %a: !dataflow.itensor<1x16xi8, iter_space [4] * [16], iter_map (d0) -> (0, d0)>,
    %b: !dataflow.itensor<8x8xf16, iter_space [] * [], iter_map () -> (0, 0)>,
    %c: !dataflow.itensor<1xindex, iter_space [3, 5] * [1, 1], iter_map (d0, d1) -> (d1)>) {
  return
}

// Whitespace and line breaks inside the type do not matter.
// CHECK-LABEL: func.func @spelling
// CHECK-SAME: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
func.func @spelling(%b: !dataflow.itensor<4x2xf32,iter_space[4,2]*[2,4],
                                          iter_map(d0,d1)->(d1,d0)>) {
  return
}

// CHECK-LABEL: func.func @streams
// CHECK-SAME: !dataflow.stream<f32, 32>
// CHECK-SAME: !dataflow.stream<vector<2x4xi8>, 1>
func.func @streams(%a: !dataflow.stream<f32, 32>, %b: !dataflow.stream<vector<2x4xi8>, 1>) {
  return
}
