// RUN: streamtensor-opt %s --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel | FileCheck %s
// RUN: streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=1,0 kernel-tile-orders=matmul_1=2,0,1' | FileCheck %s --check-prefix=ORDER
// The pass option syntax splits a list at every comma: both entries in one
// occurrence of the option are read the same.
// RUN: streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=1,0,matmul_1=2,0,1' | FileCheck %s --check-prefix=ORDER
// The identity is the default order.
// RUN: streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=0,1 kernel-tile-orders=matmul_1=0,1,2' | FileCheck %s

// Errors, located: on the function for what is wrong with the entry
// itself, on the op for an order of the wrong length.
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=1,1' 2>&1 | FileCheck %s --check-prefix=REPEAT
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=0,2' 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_1=1,0' 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=2,0,1' 2>&1 | FileCheck %s --check-prefix=LONG
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0' 2>&1 | FileCheck %s --check-prefix=NO-ORDER
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=' 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=1,0' 2>&1 | FileCheck %s --check-prefix=NO-NAME
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_0=i,j' 2>&1 | FileCheck %s --check-prefix=NOT-INDEX
// RUN: not streamtensor-opt %s --linalg-generalize-named-ops '--dataflow-convert-linalg-to-kernel=kernel-tile-orders=matmul_7=1,0' 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// kernel-tile-orders reorders the parallel tile loops of one kernel; the
// reduction loops stay inside them. Loop k of the order is task loop k, so
// the iteration space of every itensor of the kernel is permuted and its
// iteration map follows.

// The matmul 32x48 * 48x40 (tiles i=16, j=10, k=16), by default i then j:
// CHECK-LABEL: func.func @orders
// CHECK: dataflow.kernel "matmul_0"
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<16x16xf32, iter_space [2, 4, 3] * [16, 10, 16], iter_map (d0, d1, d2) -> (d0, d2)>, %{{.*}}: !dataflow.itensor<16x10xf32, iter_space [2, 4, 3] * [16, 10, 16], iter_map (d0, d1, d2) -> (d2, d1)>, %{{.*}}: !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>):
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32 step %c16
// CHECK-NOT: scf.for
// CHECK: scf.for %{{.*}} = %{{.*}} to %c40 step %c10
// CHECK: scf.for %{{.*}} = %{{.*}} to %c48 step
// CHECK: dataflow.itensor_write {{.*}} -> !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>

// matmul_0=1,0: j outside i, so the output comes a column of tiles at a
// time ((i, j) -> (d1, d0)); A is read through (d1, d2), B through (d2, d0).
// ORDER-LABEL: func.func @orders
// ORDER: dataflow.kernel "matmul_0"
// ORDER-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<16x16xf32, iter_space [4, 2, 3] * [10, 16, 16], iter_map (d0, d1, d2) -> (d1, d2)>, %{{.*}}: !dataflow.itensor<16x10xf32, iter_space [4, 2, 3] * [10, 16, 16], iter_map (d0, d1, d2) -> (d2, d0)>, %{{.*}}: !dataflow.itensor<16x10xf32, iter_space [4, 2] * [10, 16], iter_map (d0, d1) -> (d1, d0)>):
// ORDER: dataflow.task "matmul_0" inits(%{{.*}} : !dataflow.itensor<16x10xf32, iter_space [4, 2] * [10, 16], iter_map (d0, d1) -> (d1, d0)>)
// ORDER: scf.for %{{.*}} = %{{.*}} to %c40 step %c10
// ORDER-NOT: scf.for
// ORDER: scf.for %{{.*}} = %{{.*}} to %c32 step %c16
// The recomputed fill, then the reduction loop, still innermost.
// ORDER: linalg.generic
// ORDER: scf.for %{{.*}} = %{{.*}} to %c48 step
// ORDER: dataflow.itensor_read {{.*}} : !dataflow.itensor<16x16xf32, iter_space [4, 2, 3] * [10, 16, 16], iter_map (d0, d1, d2) -> (d1, d2)> -> tensor<16x16xf32>
// ORDER: dataflow.itensor_read {{.*}} : !dataflow.itensor<16x10xf32, iter_space [4, 2, 3] * [10, 16, 16], iter_map (d0, d1, d2) -> (d2, d0)> -> tensor<16x10xf32>
// ORDER: dataflow.itensor_write {{.*}} -> !dataflow.itensor<16x10xf32, iter_space [4, 2] * [10, 16], iter_map (d0, d1) -> (d1, d0)>

// The batched matmul 32x48x16 * 32x16x40 (tiles b=16, i=16, j=10, k=16;
// trip counts 2, 3, 4 and 1), by default b, i, j:
// CHECK: dataflow.kernel "matmul_1"
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<16x16x16xf32, iter_space [2, 3, 4, 1] * [16, 16, 10, 16], iter_map (d0, d1, d2, d3) -> (d0, d1, d3)>, %{{.*}}: !dataflow.itensor<16x16x10xf32, iter_space [2, 3, 4, 1] * [16, 16, 10, 16], iter_map (d0, d1, d2, d3) -> (d0, d3, d2)>, %{{.*}}: !dataflow.itensor<16x16x10xf32, iter_space [2, 3, 4] * [16, 16, 10], iter_map (d0, d1, d2) -> (d0, d1, d2)>):
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32 step %c16
// CHECK-NOT: scf.for
// CHECK: scf.for %{{.*}} = %{{.*}} to %c48 step %c16
// CHECK-NOT: scf.for
// CHECK: scf.for %{{.*}} = %{{.*}} to %c40 step %c10
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16{{.*}} step

// matmul_1=2,0,1: j, then b, then i; the reduction loop k last.
// ORDER: dataflow.kernel "matmul_1"
// ORDER-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<16x16x16xf32, iter_space [4, 2, 3, 1] * [10, 16, 16, 16], iter_map (d0, d1, d2, d3) -> (d1, d2, d3)>, %{{.*}}: !dataflow.itensor<16x16x10xf32, iter_space [4, 2, 3, 1] * [10, 16, 16, 16], iter_map (d0, d1, d2, d3) -> (d1, d3, d0)>, %{{.*}}: !dataflow.itensor<16x16x10xf32, iter_space [4, 2, 3] * [10, 16, 16], iter_map (d0, d1, d2) -> (d1, d2, d0)>):
// ORDER: scf.for %{{.*}} = %{{.*}} to %c40 step %c10
// ORDER-NOT: scf.for
// ORDER: scf.for %{{.*}} = %{{.*}} to %c32 step %c16
// ORDER-NOT: scf.for
// ORDER: scf.for %{{.*}} = %{{.*}} to %c48 step %c16
// ORDER: scf.for %{{.*}} = %{{.*}} to %c16{{.*}} step
// ORDER: dataflow.itensor_write {{.*}} -> !dataflow.itensor<16x16x10xf32, iter_space [4, 2, 3] * [10, 16, 16], iter_map (d0, d1, d2) -> (d1, d2, d0)>

// REPEAT: convert-linalg-to-kernel-tile-orders.mlir:[[@LINE+11]]:1: error: kernel-tile-orders: 'matmul_0=1,1' is not a permutation of 0..1
// RANGE: error: kernel-tile-orders: 'matmul_0=0,2' is not a permutation of 0..1
// The op is generalized (named ops have no iteration domain to reorder).
// SHORT: convert-linalg-to-kernel-tile-orders.mlir:[[@LINE+15]]:8: error: 'linalg.generic' op kernel-tile-orders: kernel 'matmul_1' has 3 parallel loops, the order given for it has 2
// LONG: convert-linalg-to-kernel-tile-orders.mlir:[[@LINE+11]]:8: error: 'linalg.generic' op kernel-tile-orders: kernel 'matmul_0' has 2 parallel loops, the order given for it has 3
// NO-ORDER: error: kernel-tile-orders: 'matmul_0' is not NAME=i,j,... (a permutation of the kernel's parallel loops, outermost first)
// EMPTY: error: kernel-tile-orders: 'matmul_0=' is not NAME=i,j,...
// NO-NAME: error: kernel-tile-orders: '1,0' is not NAME=i,j,...
// NOT-INDEX: error: kernel-tile-orders: 'matmul_0=i,j' is not NAME=i,j,...: 'i' is not a loop index
// A name no kernel has is refused, as kernel-tile-sizes does.
// UNKNOWN: error: kernel-tile-orders: 'matmul_7' names no kernel of this function
func.func @orders(%a: tensor<32x48xf32>, %b: tensor<48x40xf32>, %x: tensor<32x48x16xf32>, %y: tensor<32x16x40xf32>) -> (tensor<32x40xf32>, tensor<32x48x40xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<32x40xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %r = linalg.matmul ins(%a, %b : tensor<32x48xf32>, tensor<48x40xf32>) outs(%fill : tensor<32x40xf32>) -> tensor<32x40xf32>
  %bempty = tensor.empty() : tensor<32x48x40xf32>
  %bfill = linalg.fill ins(%zero : f32) outs(%bempty : tensor<32x48x40xf32>) -> tensor<32x48x40xf32>
  %s = linalg.batch_matmul ins(%x, %y : tensor<32x48x16xf32>, tensor<32x16x40xf32>) outs(%bfill : tensor<32x48x40xf32>) -> tensor<32x48x40xf32>
  return %r, %s : tensor<32x40xf32>, tensor<32x48x40xf32>
}
