// tensor.expand_shape without output_shape and with a dynamic result shape
// cannot be upgraded from the type alone: it is left as it is, and the
// parser's error stands, at the user's line.

// RUN: not streamtensor-import %s 2>&1 | FileCheck %s --implicit-check-not=error: --implicit-check-not=note:
// RUN: streamtensor-import %s >/dev/null 2>&1; test $? -eq 1

// CHECK: expand-shape-dynamic.mlir:14:57: error: custom op 'tensor.expand_shape' expected 'output_shape'

module attributes {torch.debug_module_name = "View"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<16x128xf32>) -> tensor<16x4x32xf32> {
    %cast = tensor.cast %arg0 : tensor<16x128xf32> to tensor<?x128xf32>
    %expanded = tensor.expand_shape %cast [[0], [1, 2]] : tensor<?x128xf32> into tensor<?x4x32xf32>
    %cast_0 = tensor.cast %expanded : tensor<?x4x32xf32> to tensor<16x4x32xf32>
    return %cast_0 : tensor<16x4x32xf32>
  }
}
