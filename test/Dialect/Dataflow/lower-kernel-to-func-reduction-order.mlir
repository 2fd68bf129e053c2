// RUN: streamtensor-opt %s --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel=tile-size=256 --dataflow-lower-kernel-to-func --canonicalize | FileCheck %s

// The loop order inside a tile (dataflow-lower-kernel-to-func). By default
// the reduction loops are outermost (the paper's permutation heuristic). A
// reduction summed by integer adds over at most 128 elements of the tile
// (the tiling caps it there) goes innermost instead, to be unrolled into
// an adder tree while a parallel loop stays pipelined (docs/dataflow.md,
// "Loop order").

// int8 x int8 -> int32, K = 64 in one tile of 64: the output loop (32)
// outside, the reduction (64) inside.
// CHECK-LABEL: func.func @matmul_0_matmul_0(
// CHECK: memref.store %{{.*}} : memref<64x32xi8>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %[[N:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c64 step %c1 {
// CHECK-NEXT: memref.load %{{.*}}[%c0, %[[K]]] : memref<1x64xi8>
// CHECK-NEXT: memref.load %{{.*}}[%[[K]], %[[N]]] : memref<64x32xi8>
// CHECK: arith.addi
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%c0, %[[N]]] : memref<1x32xi32>
func.func @int_small(%a: tensor<1x64xi8>, %b: tensor<64x32xi8>) -> tensor<1x32xi32> {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x32xi32>) -> tensor<1x32xi32>
  %m = linalg.matmul ins(%a, %b : tensor<1x64xi8>, tensor<64x32xi8>) outs(%f : tensor<1x32xi32>) -> tensor<1x32xi32>
  return %m : tensor<1x32xi32>
}

// K = 128, the most that goes inside (a 64-byte token of int4 pairs).
// CHECK-LABEL: func.func @matmul_0_1_matmul_0(
// CHECK: memref.store %{{.*}} : memref<128x32xi8>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %[[N:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c128 step %c1 {
func.func @int_most(%a: tensor<1x128xi8>, %b: tensor<128x32xi8>) -> tensor<1x32xi32> {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x32xi32>) -> tensor<1x32xi32>
  %m = linalg.matmul ins(%a, %b : tensor<1x128xi8>, tensor<128x32xi8>) outs(%f : tensor<1x32xi32>) -> tensor<1x32xi32>
  return %m : tensor<1x32xi32>
}

// K = 512 at tile size 256: the tiling gives an integer reduction at most
// 128 elements per tile (dataflow-convert-linalg-to-kernel), so K is tiled
// by 128 and still goes inside; the N loop keeps its tile of 32.
// CHECK-LABEL: func.func @matmul_0_2_matmul_0(
// CHECK: memref.store %{{.*}} : memref<128x32xi8>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %[[N:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c128 step %c1 {
// CHECK-NEXT: memref.load %{{.*}}[%c0, %[[K]]] : memref<1x128xi8>
// CHECK-NEXT: memref.load %{{.*}}[%[[K]], %[[N]]] : memref<128x32xi8>
func.func @int_large(%a: tensor<1x512xi8>, %b: tensor<512x32xi8>) -> tensor<1x32xi32> {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x32xi32>) -> tensor<1x32xi32>
  %m = linalg.matmul ins(%a, %b : tensor<1x512xi8>, tensor<512x32xi8>) outs(%f : tensor<1x32xi32>) -> tensor<1x32xi32>
  return %m : tensor<1x32xi32>
}

// A float sum does not reassociate: outermost, however small.
// CHECK-LABEL: func.func @matmul_0_3_matmul_0(
// CHECK: memref.store %{{.*}} : memref<64x32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c64 step %c1 {
// CHECK-NEXT: scf.for %[[N:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: memref.load %{{.*}}[%c0, %[[K]]] : memref<1x64xf32>
// CHECK-NEXT: memref.load %{{.*}}[%[[K]], %[[N]]] : memref<64x32xf32>
func.func @float_small(%a: tensor<1x64xf32>, %b: tensor<64x32xf32>) -> tensor<1x32xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x32xf32>) -> tensor<1x32xf32>
  %m = linalg.matmul ins(%a, %b : tensor<1x64xf32>, tensor<64x32xf32>) outs(%f : tensor<1x32xf32>) -> tensor<1x32xf32>
  return %m : tensor<1x32xf32>
}

// A float reduction is not capped: K = 512 at tile size 256 keeps tiles of
// 256, outermost.
// CHECK-LABEL: func.func @matmul_0_4_matmul_0(
// CHECK: memref.store %{{.*}} : memref<256x32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c256 step %c1 {
// CHECK-NEXT: scf.for %[[N:.*]] = %c0 to %c32 step %c1 {
func.func @float_large(%a: tensor<1x512xf32>, %b: tensor<512x32xf32>) -> tensor<1x32xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x32xf32>) -> tensor<1x32xf32>
  %m = linalg.matmul ins(%a, %b : tensor<1x512xf32>, tensor<512x32xf32>) outs(%f : tensor<1x32xf32>) -> tensor<1x32xf32>
  return %m : tensor<1x32xf32>
}
