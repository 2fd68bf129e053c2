// An error on a line that was upgraded (arith.maxf -> arith.maximumf, three
// characters longer) is reported at the user's line and column, and shows the
// user's line.

// RUN: not streamtensor-import --source-lines %s 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: streamtensor-import %s >/dev/null 2>&1; test $? -eq 1

// CHECK: note: {{.*}}error-after-upgrade-maxf.mlir: upgraded 1 use of arith.maxf to arith.maximumf (line 20)
// CHECK-NEXT: error-after-upgrade-maxf.mlir:20:28: error: use of undeclared SSA value name
// CHECK-NEXT: %1 = arith.maxf %in, %bias : f32

#map = affine_map<(d0) -> (d0)>
module attributes {torch.debug_module_name = "Relu"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<8xf32>) -> tensor<8xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %0 = tensor.empty() : tensor<8xf32>
    %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%arg0 : tensor<8xf32>) outs(%0 : tensor<8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %1 = arith.maxf %in, %bias : f32
      linalg.yield %1 : f32
    } -> tensor<8xf32>
    return %1 : tensor<8xf32>
  }
}
