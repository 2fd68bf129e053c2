// RUN: streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=tile-size=8 kernel-tile-sizes=matmul_0=12' | FileCheck %s
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-sizes=matmul_7=12' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-sizes=matmul_0=0' 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-sizes=matmul_0' 2>&1 | FileCheck %s --check-prefix=FORM

// kernel-tile-sizes bounds the tiles of one kernel: the matmul is tiled at
// most 12 (32 -> 8, 40 -> 10, 48 -> 12), the add after it keeps the global
// tile-size 8 (32 -> 8, 40 -> 8).

// CHECK-LABEL: func.func @matmul_add
// CHECK: dataflow.kernel "matmul_0"
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<8x12xf32, iter_space [4, 4, 4] * [8, 10, 12], iter_map (d0, d1, d2) -> (d0, d2)>, %{{.*}}: !dataflow.itensor<12x10xf32, iter_space [4, 4, 4] * [8, 10, 12], iter_map (d0, d1, d2) -> (d2, d1)>, %{{.*}}: !dataflow.itensor<8x10xf32, iter_space [4, 4] * [8, 10], iter_map (d0, d1) -> (d0, d1)>):
// CHECK: dataflow.kernel "add_1"
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<8x8xf32, iter_space [4, 5] * [8, 8], iter_map (d0, d1) -> (d0, d1)>

// A name no kernel has is refused, so that a typo does not pass unseen.
// UNKNOWN: error: kernel-tile-sizes: 'matmul_7' names no kernel of this function

// ZERO: error: kernel-tile-sizes: 'matmul_0=0' is not NAME=SIZE with a size of at least 1
// FORM: error: kernel-tile-sizes: 'matmul_0' is not NAME=SIZE with a size of at least 1
func.func @matmul_add(%a: tensor<32x48xf32>, %b: tensor<48x40xf32>, %c: tensor<32x40xf32>) -> tensor<32x40xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<32x40xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %r = linalg.matmul ins(%a, %b : tensor<32x48xf32>, tensor<48x40xf32>) outs(%fill : tensor<32x40xf32>) -> tensor<32x40xf32>
  %s = linalg.add ins(%r, %c : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  return %s : tensor<32x40xf32>
}
