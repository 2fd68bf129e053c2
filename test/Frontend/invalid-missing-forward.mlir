// Without @forward (or the entry given with --entry) the module is rejected;
// the error points at the public function it has instead.

// RUN: not streamtensor-import %s 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: streamtensor-import %s >/dev/null 2>&1; test $? -eq 1
// RUN: streamtensor-import --entry=main %s | FileCheck %s --check-prefix=MAIN

// CHECK: invalid-missing-forward.mlir:[[# @LINE + 6]]:3: error: no entry function @forward in the module; its public function is @main

// MAIN: func.func @main(%arg0: tensor<2x3xi32>) -> tensor<2x3xi32>

module attributes {torch.debug_module_name = "Main"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @main(%arg0: tensor<2x3xi32>) -> tensor<2x3xi32> {
    return %arg0 : tensor<2x3xi32>
  }
}
