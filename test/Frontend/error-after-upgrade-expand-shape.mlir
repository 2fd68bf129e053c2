// An error after an inserted output_shape, on the same line, is reported at
// the user's column.

// RUN: not streamtensor-import --source-lines %s 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: streamtensor-import %s >/dev/null 2>&1; test $? -eq 1

// CHECK: note: {{.*}}error-after-upgrade-expand-shape.mlir: upgraded 1 use of tensor.expand_shape without output_shape to tensor.expand_shape with output_shape (line 14)
// CHECK-NEXT: error-after-upgrade-expand-shape.mlir:14:109: error: undefined symbol alias id 'heads'
// CHECK-NEXT: %expanded = tensor.expand_shape %arg0 {{\[\[}}0], [1, 2]] : tensor<16x128xf32> into tensor<16x4x32xf32, #heads>

module attributes {torch.debug_module_name = "View"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<16x128xf32>) -> tensor<16x4x32xf32> {
    %expanded = tensor.expand_shape %arg0 [[0], [1, 2]] : tensor<16x128xf32> into tensor<16x4x32xf32, #heads>
    return %expanded : tensor<16x4x32xf32>
  }
}
