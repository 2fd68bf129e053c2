// RUN: streamtensor-opt %s --split-input-file --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel | FileCheck %s
// RUN: streamtensor-opt %s --split-input-file --linalg-generalize-named-ops --linalg-fuse-elementwise-ops --linalg-fold-unit-extent-dims --linalg-inline-scalar-operands --canonicalize --cse --dataflow-convert-linalg-to-kernel | FileCheck %s --check-prefix=PRE
// RUN: streamtensor-opt %s --split-input-file --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel=tile-size=12 | FileCheck %s --check-prefix=T12

// Each linalg op becomes a kernel with one task. Every loop is tiled by the
// largest divisor of its range that is at most tile-size (16 by default);
// parallel tile loops are outside, reduction tile loops inside them.

// A matmul 32x48 * 48x40: tiles i=16, j=10 (40 = 4 x 10), k=16. A is read
// over the whole nest [2, 4, 3] through (i, k), B through (k, j); the output
// is written in the parallel loops [2, 4] only. The fill of the init is
// recomputed on each output tile: no fill kernel, no stream for the init.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<32x48xf32>, %[[B:.*]]: tensor<48x40xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[R:.*]] = dataflow.kernel "matmul_0" ins(%[[A]], %[[B]] : tensor<32x48xf32>, tensor<48x40xf32>) outs(%{{.*}} : tensor<32x40xf32>) {
// CHECK-NEXT: ^bb0(%[[IA:.*]]: !dataflow.itensor<16x16xf32, iter_space [2, 4, 3] * [16, 10, 16], iter_map (d0, d1, d2) -> (d0, d2)>, %[[IB:.*]]: !dataflow.itensor<16x10xf32, iter_space [2, 4, 3] * [16, 10, 16], iter_map (d0, d1, d2) -> (d2, d1)>, %[[OUT:.*]]: !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>):
// CHECK: dataflow.task "matmul_0" inits(%[[OUT]] : !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32 step %c16
// CHECK: scf.for %{{.*}} = %{{.*}} to %c40 step %c10
// The recomputed fill, then the reduction loop carrying the accumulator tile.
// CHECK: %[[FILL:.*]] = linalg.generic {{.*}} ins(%{{.*}} : f32) outs(%{{.*}} : tensor<16x10xf32>)
// CHECK: %[[ACC:.*]] = scf.for %{{.*}} = %{{.*}} to %c48 step %{{.*}} iter_args(%[[ACCIN:.*]] = %[[FILL]]) -> (tensor<16x10xf32>)
// CHECK: %[[TA:.*]] = dataflow.itensor_read %[[IA]] init %{{.*}} : {{.*}} -> tensor<16x16xf32>
// CHECK: %[[TB:.*]] = dataflow.itensor_read %[[IB]] init %{{.*}} : {{.*}} -> tensor<16x10xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[TA]], %[[TB]] : tensor<16x16xf32>, tensor<16x10xf32>) outs(%[[ACCIN]] : tensor<16x10xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// The output tile is written once the reduction loop is done.
// CHECK: dataflow.itensor_write %[[ACC]] into %{{.*}} : tensor<16x10xf32> -> !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>
// CHECK: } -> tensor<32x40xf32>
// CHECK-NEXT: return %[[R]] : tensor<32x40xf32>

// After the usual preprocessing the fill has no input and yields a constant
// from outside: the constant is cloned into the kernel, still one kernel.
// PRE-LABEL: func.func @matmul
// PRE-NOT: linalg.generic
// PRE: dataflow.kernel "matmul_0" ins(%{{.*}}, %{{.*}} : tensor<32x48xf32>, tensor<48x40xf32>) outs(%{{.*}} : tensor<32x40xf32>) {
// PRE: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// PRE: dataflow.task "matmul_0"
// PRE: linalg.generic {{.*}} outs(%{{.*}} : tensor<16x10xf32>)
// PRE-NEXT: ^bb0(%{{.*}}: f32):
// PRE-NEXT: linalg.yield %[[ZERO]] : f32
// PRE: } -> tensor<32x40xf32>
// PRE-NEXT: return

// tile-size=12: 32 -> 8, 40 -> 10, 48 -> 12 (largest divisors at most 12).
// T12-LABEL: func.func @matmul
// T12: ^bb0(%{{.*}}: !dataflow.itensor<8x12xf32, iter_space [4, 4, 4] * [8, 10, 12], iter_map (d0, d1, d2) -> (d0, d2)>, %{{.*}}: !dataflow.itensor<12x10xf32, iter_space [4, 4, 4] * [8, 10, 12], iter_map (d0, d1, d2) -> (d2, d1)>, %{{.*}}: !dataflow.itensor<8x10xf32, iter_space [4, 4] * [8, 10], iter_map (d0, d1) -> (d0, d1)>):
func.func @matmul(%a: tensor<32x48xf32>, %b: tensor<48x40xf32>) -> tensor<32x40xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<32x40xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %r = linalg.matmul ins(%a, %b : tensor<32x48xf32>, tensor<48x40xf32>) outs(%fill : tensor<32x40xf32>) -> tensor<32x40xf32>
  return %r : tensor<32x40xf32>
}

// -----

// Elementwise add with a broadcast row: the 1x40 operand streams 1x10 tiles
// with offset 0 on its unit dimension, in the same [2, 4] loops. The output
// is not read, so nothing streams it in.

// CHECK-LABEL: func.func @broadcast
// CHECK-SAME: (%[[X:.*]]: tensor<32x40xf32>, %[[ROW:.*]]: tensor<1x40xf32>)
// CHECK: dataflow.kernel "add_0" ins(%[[X]], %[[ROW]] : tensor<32x40xf32>, tensor<1x40xf32>) outs(%{{.*}} : tensor<32x40xf32>) {
// CHECK-NEXT: ^bb0(%[[IX:.*]]: !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>, %[[IROW:.*]]: !dataflow.itensor<1x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (0, d1)>, %{{.*}}: !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>):
// CHECK: %[[TX:.*]] = dataflow.itensor_read %[[IX]] init %{{.*}} : {{.*}} -> tensor<16x10xf32>
// CHECK: %[[TROW:.*]] = dataflow.itensor_read %[[IROW]] init %{{.*}} : {{.*}} -> tensor<1x10xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[TX]], %[[TROW]] : tensor<16x10xf32>, tensor<1x10xf32>) outs(%{{.*}} : tensor<16x10xf32>)
// CHECK: dataflow.itensor_write %[[SUM]] into
func.func @broadcast(%x: tensor<32x40xf32>, %row: tensor<1x40xf32>) -> tensor<32x40xf32> {
  %empty = tensor.empty() : tensor<32x40xf32>
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x, %row : tensor<32x40xf32>, tensor<1x40xf32>) outs(%empty : tensor<32x40xf32>) {
  ^bb0(%in: f32, %r0: f32, %out: f32):
    %s = arith.addf %in, %r0 : f32
    linalg.yield %s : f32
  } -> tensor<32x40xf32>
  return %r : tensor<32x40xf32>
}

// -----

// A transpose 32x40 -> 40x32: the loops follow the output (40 in tiles of
// 10, then 32 in tiles of 16); the input streams 16x10 tiles through the
// permuted map (d1, d0).

// CHECK-LABEL: func.func @transpose
// CHECK: dataflow.kernel "transpose_0" ins(%{{.*}} : tensor<32x40xf32>) outs(%{{.*}} : tensor<40x32xf32>) {
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<16x10xf32, iter_space [4, 2] * [10, 16], iter_map (d0, d1) -> (d1, d0)>, %{{.*}}: !dataflow.itensor<10x16xf32, iter_space [4, 2] * [10, 16], iter_map (d0, d1) -> (d0, d1)>):
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<16x10xf32>) outs(%{{.*}} : tensor<10x16xf32>)
func.func @transpose(%a: tensor<32x40xf32>) -> tensor<40x32xf32> {
  %empty = tensor.empty() : tensor<40x32xf32>
  %r = linalg.transpose ins(%a : tensor<32x40xf32>) outs(%empty : tensor<40x32xf32>) permutation = [1, 0]
  return %r : tensor<40x32xf32>
}

// -----

// A row sum accumulated into a function argument (its init is not a fill):
// the init is streamed in as an extra kernel input, with the output's type,
// and each accumulator tile is read before the reduction loop starts.

// CHECK-LABEL: func.func @accumulate
// CHECK-SAME: (%[[A:.*]]: tensor<32x48xf32>, %[[ACC:.*]]: tensor<32xf32>)
// CHECK: dataflow.kernel "reduce_sum_0" ins(%[[A]], %[[ACC]] : tensor<32x48xf32>, tensor<32xf32>) outs(%{{.*}} : tensor<32xf32>) {
// CHECK-NEXT: ^bb0(%[[IA:.*]]: !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>, %[[IACC:.*]]: !dataflow.itensor<16xf32, iter_space [2] * [16], iter_map (d0) -> (d0)>, %{{.*}}: !dataflow.itensor<16xf32, iter_space [2] * [16], iter_map (d0) -> (d0)>):
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32 step %c16
// CHECK: %[[INIT:.*]] = dataflow.itensor_read %[[IACC]] init %{{.*}} : !dataflow.itensor<16xf32, iter_space [2] * [16], iter_map (d0) -> (d0)> -> tensor<16xf32>
// CHECK: %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %c48 step %{{.*}} iter_args(%[[PART:.*]] = %[[INIT]]) -> (tensor<16xf32>)
// CHECK: %[[TA:.*]] = dataflow.itensor_read %[[IA]]
// CHECK: linalg.generic {{.*}} ins(%[[TA]] : tensor<16x16xf32>) outs(%[[PART]] : tensor<16xf32>)
// CHECK: dataflow.itensor_write %[[SUM]] into
func.func @accumulate(%a: tensor<32x48xf32>, %acc: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<32x48xf32>) outs(%acc : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// -----

// A payload that uses a constant defined outside the op: the kernel is
// isolated from above, so the constant is cloned into it.

// CHECK-LABEL: func.func @captured_constant
// CHECK: dataflow.kernel "mul_0"
// CHECK: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: dataflow.task "mul_0"
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.*}}, %[[TWO]] : f32
func.func @captured_constant(%a: tensor<32x40xf32>) -> tensor<32x40xf32> {
  %two = arith.constant 2.0 : f32
  %empty = tensor.empty() : tensor<32x40xf32>
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %two : f32
    linalg.yield %m : f32
  } -> tensor<32x40xf32>
  return %r : tensor<32x40xf32>
}

// -----

// Ranges without a divisor in (1, 16]: 17 (prime) is tiled by 1; 7 is at
// most 16 and is one whole tile.

// CHECK-LABEL: func.func @odd_ranges
// CHECK: dataflow.kernel "exp_0"
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<1x7xf32, iter_space [17, 1] * [1, 7], iter_map (d0, d1) -> (d0, d1)>, %{{.*}}: !dataflow.itensor<1x7xf32, iter_space [17, 1] * [1, 7], iter_map (d0, d1) -> (d0, d1)>):
func.func @odd_ranges(%a: tensor<17x7xf32>) -> tensor<17x7xf32> {
  %empty = tensor.empty() : tensor<17x7xf32>
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<17x7xf32>) outs(%empty : tensor<17x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  } -> tensor<17x7xf32>
  return %r : tensor<17x7xf32>
}

// -----

// One fill feeding two reductions: each kernel recomputes it and no kernel
// is made for the fill. Kernels are numbered in order.

// CHECK-LABEL: func.func @shared_fill
// CHECK-NOT: linalg.generic
// CHECK: dataflow.kernel "reduce_sum_0" ins(%{{.*}} : tensor<32x48xf32>) outs(%{{.*}} : tensor<32xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : f32) outs(%{{.*}} : tensor<16xf32>)
// CHECK: dataflow.kernel "reduce_max_1" ins(%{{.*}} : tensor<32x48xf32>) outs(%{{.*}} : tensor<32xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : f32) outs(%{{.*}} : tensor<16xf32>)
// CHECK-NOT: dataflow.kernel
// CHECK: return
func.func @shared_fill(%a: tensor<32x48xf32>, %b: tensor<32x48xf32>) -> (tensor<32xf32>, tensor<32xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<32xf32>) -> tensor<32xf32>
  %sum = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<32x48xf32>) outs(%fill : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  %max = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%b : tensor<32x48xf32>) outs(%fill : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<32xf32>
  return %sum, %max : tensor<32xf32>, tensor<32xf32>
}

// -----

// Runtime scalars (a decode position) become scalar inputs of the kernel,
// after the streamed ones: operands first, then the values the payload
// captures; linalg.index counts from the tile's first point, so it is
// offset by the tile loop's induction variable (tiles of 16 over 32).

// CHECK-LABEL: func.func @position_mask
// CHECK-SAME: (%[[S:.*]]: tensor<32xf32>, %[[P:.*]]: i32, %[[B:.*]]: f32)
// CHECK: dataflow.kernel "select_0" ins(%[[S]], %[[B]], %[[P]] : tensor<32xf32>, f32, i32)
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<{{.*}}>, %[[KB:.*]]: f32, %[[KP:.*]]: i32, %{{.*}}: !dataflow.itensor<{{.*}}>):
// CHECK: scf.for %[[TILE:.*]] = %{{.*}} to %c32 step %c16
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[KB]] : tensor<16xf32>, f32)
// CHECK: %[[LOCAL:.*]] = linalg.index 0 : index
// CHECK: %[[GLOBAL:.*]] = arith.addi %[[LOCAL]], %[[TILE]] : index
// CHECK: %[[KEY:.*]] = arith.index_cast %[[GLOBAL]] : index to i32
// CHECK: arith.cmpi slt, %[[KEY]], %[[KP]] : i32
func.func @position_mask(%scores: tensor<32xf32>, %position: i32, %bias: f32) -> tensor<32xf32> {
  %empty = tensor.empty() : tensor<32xf32>
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>],
      iterator_types = ["parallel"]}
      ins(%scores, %bias : tensor<32xf32>, f32) outs(%empty : tensor<32xf32>) {
  ^bb0(%s: f32, %b: f32, %out: f32):
    %j = linalg.index 0 : index
    %key = arith.index_cast %j : index to i32
    %visible = arith.cmpi slt, %key, %position : i32
    %low = arith.constant -1.0e30 : f32
    %shifted = arith.addf %s, %b : f32
    %v = arith.select %visible, %shifted, %low : f32
    linalg.yield %v : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// -----

// A gather (an embedding lookup): the payload reads a table from outside at
// computed rows. The table is a kernel input read in place: its block
// argument is the tensor itself, not a stream, and the task extracts from it.

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[IDS:.*]]: tensor<8xi32>, %[[TABLE:.*]]: tensor<16x32xf32>)
// CHECK: dataflow.kernel "mul_0" ins(%[[IDS]], %[[TABLE]] : tensor<8xi32>, tensor<16x32xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<{{.*}}>, %[[KTABLE:.*]]: tensor<16x32xf32>, %{{.*}}: !dataflow.itensor<{{.*}}>):
// CHECK: tensor.extract %[[KTABLE]][%{{.*}}, %{{.*}}] : tensor<16x32xf32>
func.func @gather(%ids: tensor<8xi32>, %table: tensor<16x32xf32>) -> tensor<8x32xf32> {
  %init = tensor.empty() : tensor<8x32xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<8xi32>) outs(%init : tensor<8x32xf32>) {
  ^bb0(%id: i32, %out: f32):
    %row = arith.index_cast %id : i32 to index
    %column = linalg.index 1 : index
    %v = tensor.extract %table[%row, %column] : tensor<16x32xf32>
    %two = arith.constant 2.0 : f32
    %s = arith.mulf %v, %two : f32
    linalg.yield %s : f32
  } -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}
