// linalg.init_tensor with its size list over two lines: the upgrade keeps the
// newline, and an error on the second line is reported at the user's column.

// RUN: not streamtensor-import --source-lines %s 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: streamtensor-import %s >/dev/null 2>&1; test $? -eq 1

// CHECK: note: {{.*}}error-after-upgrade-init-tensor.mlir: upgraded 1 use of linalg.init_tensor to tensor.empty (line 16)
// CHECK-NEXT: error-after-upgrade-init-tensor.mlir:17:34: error: expected non-function type
// CHECK-NEXT: 8] : tensr<?x8xf32>

module attributes {torch.debug_module_name = "Empty"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %arg0, %c0 : tensor<4x8xf32>
    %0 = linalg.init_tensor [%dim,
                             8] : tensr<?x8xf32>
    %1 = tensor.cast %0 : tensor<?x8xf32> to tensor<4x8xf32>
    return %1 : tensor<4x8xf32>
  }
}
