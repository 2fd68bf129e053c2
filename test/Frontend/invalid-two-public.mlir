// The module must have exactly one public function, the entry: a second one
// is reported at its line.

// RUN: not streamtensor-import %s 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: streamtensor-import %s >/dev/null 2>&1; test $? -eq 1

// CHECK: invalid-two-public.mlir:[[# @LINE + 11]]:3: error: the module has 2 public functions (@forward, @backward); expected exactly one, the entry @forward: make @backward private

module attributes {torch.debug_module_name = "TwoFunctions"} {
  func.func @forward(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %0 = tensor.empty() : tensor<4xf32>
    %1 = linalg.add ins(%arg0, %arg0 : tensor<4xf32>, tensor<4xf32>) outs(%0 : tensor<4xf32>) -> tensor<4xf32>
    return %1 : tensor<4xf32>
  }
  func.func private @helper(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    return %arg0 : tensor<4xf32>
  }
  func.func @backward(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    return %arg0 : tensor<4xf32>
  }
}
