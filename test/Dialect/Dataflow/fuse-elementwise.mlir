// RUN: streamtensor-opt %s --dataflow-fuse-elementwise --split-input-file | FileCheck %s

// dataflow-fuse-elementwise: an elementwise producer is fused into its
// consumer when the consumer reads each of its elements once, or when its
// payload is wiring (integer casts, shifts, bit operations). Arithmetic read
// again and again by the consumer stays a separate op: fused, it would run
// once per reuse.

#id = affine_map<(d0, d1) -> (d0, d1)>
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// A float activation (x * x + 1) read by a matmul once per output column:
// not fused, the matmul still reads the activation's result.
// CHECK-LABEL: func.func @activation_into_matmul(
// CHECK: %[[ACT:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[ACT]], %{{.*}} : tensor<4x8xf32>, tensor<8x6xf32>)
// CHECK-NOT: arith.addf
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: linalg.yield
func.func @activation_into_matmul(%x: tensor<4x8xf32>, %w: tensor<8x6xf32>,
                                  %acc: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %one = arith.constant 1.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  %act = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %r = arith.addf %sq, %one : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%act, %w : tensor<4x8xf32>, tensor<8x6xf32>)
      outs(%acc : tensor<4x6xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %p = arith.mulf %l, %r : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  return %y : tensor<4x6xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// The same activation read once per element by an elementwise consumer:
// fused into one op.
// CHECK-LABEL: func.func @activation_into_elementwise(
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: arith.subf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @activation_into_elementwise(%x: tensor<4x8xf32>,
                                       %z: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %one = arith.constant 1.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  %act = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %r = arith.addf %sq, %one : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%act, %z : tensor<4x8xf32>, tensor<4x8xf32>)
      outs(%empty : tensor<4x8xf32>) {
  ^bb0(%l: f32, %r: f32, %o: f32):
    %d = arith.subf %l, %r : f32
    linalg.yield %d : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// Unpacking a 4-bit weight ((w << 4) >> 4 on int8) is wiring: fused into
// the matmul that reads each weight once per row.
// CHECK-LABEL: func.func @unpack_into_matmul(
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<4x8xi32>, tensor<8x6xi8>)
// CHECK: arith.shli
// CHECK: arith.shrsi
// CHECK: arith.muli
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @unpack_into_matmul(%x: tensor<4x8xi32>, %w: tensor<8x6xi8>,
                              %acc: tensor<4x6xi32>) -> tensor<4x6xi32> {
  %four = arith.constant 4 : i8
  %empty = tensor.empty() : tensor<8x6xi8>
  %unpacked = linalg.generic {indexing_maps = [#id, #id],
                              iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<8x6xi8>) outs(%empty : tensor<8x6xi8>) {
  ^bb0(%in: i8, %out: i8):
    %l = arith.shli %in, %four : i8
    %r = arith.shrsi %l, %four : i8
    linalg.yield %r : i8
  } -> tensor<8x6xi8>
  %y = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %unpacked : tensor<4x8xi32>, tensor<8x6xi8>)
      outs(%acc : tensor<4x6xi32>) {
  ^bb0(%l: i32, %r: i8, %o: i32):
    %e = arith.extsi %r : i8 to i32
    %p = arith.muli %l, %e : i32
    %s = arith.addi %o, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x6xi32>
  return %y : tensor<4x6xi32>
}

// -----

#row = affine_map<(d0, d1) -> (d0)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// A row statistic (1 / sqrt) broadcast over its row: not fused, or the
// square root would run once per column.
// CHECK-LABEL: func.func @statistic_broadcast(
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: math.rsqrt
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %[[R]] : tensor<4x8xf32>, tensor<4xf32>)
// CHECK-NOT: math.rsqrt
// CHECK: return
func.func @statistic_broadcast(%x: tensor<4x8xf32>,
                               %var: tensor<4xf32>) -> tensor<4x8xf32> {
  %e4 = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%var : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.rsqrt %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %empty = tensor.empty() : tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %r : tensor<4x8xf32>, tensor<4xf32>)
      outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
