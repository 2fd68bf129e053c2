// The arguments of the entry function need static shapes: a dynamic one is
// reported at the argument.

// RUN: not streamtensor-import %s 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: streamtensor-import %s >/dev/null 2>&1; test $? -eq 1

// CHECK: invalid-dynamic-arg.mlir:[[# @LINE + 4]]:46: error: argument #1 of @forward has a dynamic shape ('tensor<?x8xf32>'); the compiler needs static shapes: export the model with fixed input sizes

module attributes {torch.debug_module_name = "Add"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<4x8xf32>, %arg1: tensor<?x8xf32>) -> tensor<4x8xf32> {
    %cast = tensor.cast %arg1 : tensor<?x8xf32> to tensor<4x8xf32>
    %0 = tensor.empty() : tensor<4x8xf32>
    %1 = linalg.add ins(%arg0, %cast : tensor<4x8xf32>, tensor<4x8xf32>) outs(%0 : tensor<4x8xf32>) -> tensor<4x8xf32>
    return %1 : tensor<4x8xf32>
  }
}
