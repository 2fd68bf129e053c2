// RUN: streamtensor-opt %s --split-input-file --dataflow-lower-kernel-to-func --canonicalize | FileCheck %s

// A packable input (a weight the host lays out offline) that only one DMA
// reads is stored in the order that DMA reads it: [tiles along its loops,
// tile], here [2, 3] tiles of 16x16. The DMA walks tile indices and reads
// each tile front to back; the caller sees its buffer with the packed
// shape, and records the layout on the argument for the weight packer.

// CHECK-LABEL: func.func @mul_0
// CHECK-SAME: (%{{.*}}: memref<2x3x16x16xf32>, %{{.*}}: memref<32x48xf32>)

// CHECK-LABEL: func.func @mul_0_load_0
// CHECK: scf.for %[[T0:.*]] = %c0 to %c2 step %c1
// CHECK-NEXT: scf.for %[[T1:.*]] = %c0 to %c3 step %c1
// CHECK: scf.for %[[E0:.*]] = %c0 to %c16 step %c1
// CHECK-NEXT: scf.for %[[E1:.*]] = %c0 to %c16 step %c1
// CHECK-NEXT: memref.load %{{.*}}[%[[T0]], %[[T1]], %[[E0]], %[[E1]]] : memref<2x3x16x16xf32>

// CHECK-LABEL: func.func @scale
// CHECK-SAME: dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 16, 16>}
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1]] : memref<32x48xf32> into memref<1536xf32>
// CHECK: %[[PACKED:.*]] = memref.expand_shape %[[FLAT]] {{\[\[}}0, 1, 2, 3]] output_shape [2, 3, 16, 16]
// CHECK: call @mul_0(%[[PACKED]], %{{.*}})
#map = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @scale(%arg0: tensor<32x48xf32> {dataflow.packable}) -> tensor<32x48xf32> {
    %0 = tensor.empty() : tensor<32x48xf32>
    %1 = tensor.empty() : tensor<32x48xf32>
    %2 = dataflow.kernel "mul_0" ins(%arg0 : tensor<32x48xf32>) outs(%1 : tensor<32x48xf32>) {
    ^bb0(%arg1: !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>, %arg2: !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>):
      %c0 = arith.constant 0 : index
      %3 = dataflow.task "mul_0" inits(%arg2 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>) {
      ^bb0(%arg3: !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>):
        %c16 = arith.constant 16 : index
        %c32 = arith.constant 32 : index
        %4 = scf.for %arg4 = %c0 to %c32 step %c16 iter_args(%arg5 = %arg3) -> (!dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>) {
          %c16_0 = arith.constant 16 : index
          %c48 = arith.constant 48 : index
          %5 = scf.for %arg6 = %c0 to %c48 step %c16_0 iter_args(%arg7 = %arg5) -> (!dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>) {
            %6 = tensor.empty() : tensor<16x16xf32>
            %7 = tensor.empty() : tensor<16x16xf32>
            %8 = dataflow.itensor_read %arg1 init %7 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)> -> tensor<16x16xf32>
            %9 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%8 : tensor<16x16xf32>) outs(%6 : tensor<16x16xf32>) {
            ^bb0(%in: f32, %out: f32):
              %cst = arith.constant 2.000000e+00 : f32
              %11 = arith.mulf %in, %cst : f32
              linalg.yield %11 : f32
            } -> tensor<16x16xf32>
            %10 = dataflow.itensor_write %9 into %arg7 : tensor<16x16xf32> -> !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
            scf.yield %10 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
          }
          scf.yield %5 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
        }
        dataflow.yield %4 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
      } -> !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
      dataflow.yield %3 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
    } -> tensor<32x48xf32>
    return %2 : tensor<32x48xf32>
  }
}


// -----

// Another graph fixed the layout ([8, 48] tiles, which decode and prefill
// share through one weight file); this DMA reads 16x16 tiles, so it maps
// each index into the packed layout: [i / 8, j / 48, i % 8, j % 48].

// CHECK-LABEL: func.func @mul_0_load_0
// CHECK-SAME: memref<4x1x8x48xf32>
// CHECK: %[[I:.*]] = arith.addi
// CHECK: %[[J:.*]] = arith.addi
// CHECK: %[[TI:.*]] = arith.divsi %[[I]], %c8 : index
// CHECK: %[[TJ:.*]] = arith.divsi %[[J]], %c48 : index
// CHECK: %[[EI:.*]] = arith.remsi %[[I]], %c8 : index
// CHECK: %[[EJ:.*]] = arith.remsi %[[J]], %c48 : index
// CHECK: memref.load %{{.*}}[%[[TI]], %[[TJ]], %[[EI]], %[[EJ]]] : memref<4x1x8x48xf32>
// CHECK-LABEL: func.func @fixed_layout
// CHECK-SAME: dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 8, 48>}
#map = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @fixed_layout(%arg0: tensor<32x48xf32> {dataflow.packable, dataflow.tiles = {order = array<i64: 0, 1>, tile = array<i64: 8, 48>}}) -> tensor<32x48xf32> {
    %0 = tensor.empty() : tensor<32x48xf32>
    %1 = tensor.empty() : tensor<32x48xf32>
    %2 = dataflow.kernel "mul_0" ins(%arg0 : tensor<32x48xf32>) outs(%1 : tensor<32x48xf32>) {
    ^bb0(%arg1: !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>, %arg2: !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>):
      %c0 = arith.constant 0 : index
      %3 = dataflow.task "mul_0" inits(%arg2 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>) {
      ^bb0(%arg3: !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>):
        %c16 = arith.constant 16 : index
        %c32 = arith.constant 32 : index
        %4 = scf.for %arg4 = %c0 to %c32 step %c16 iter_args(%arg5 = %arg3) -> (!dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>) {
          %c16_0 = arith.constant 16 : index
          %c48 = arith.constant 48 : index
          %5 = scf.for %arg6 = %c0 to %c48 step %c16_0 iter_args(%arg7 = %arg5) -> (!dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>) {
            %6 = tensor.empty() : tensor<16x16xf32>
            %7 = tensor.empty() : tensor<16x16xf32>
            %8 = dataflow.itensor_read %arg1 init %7 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)> -> tensor<16x16xf32>
            %9 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%8 : tensor<16x16xf32>) outs(%6 : tensor<16x16xf32>) {
            ^bb0(%in: f32, %out: f32):
              %cst = arith.constant 2.000000e+00 : f32
              %11 = arith.mulf %in, %cst : f32
              linalg.yield %11 : f32
            } -> tensor<16x16xf32>
            %10 = dataflow.itensor_write %9 into %arg7 : tensor<16x16xf32> -> !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
            scf.yield %10 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
          }
          scf.yield %5 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
        }
        dataflow.yield %4 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
      } -> !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
      dataflow.yield %3 : !dataflow.itensor<16x16xf32, iter_space [2, 3] * [16, 16], iter_map (d0, d1) -> (d0, d1)>
    } -> tensor<32x48xf32>
    return %2 : tensor<32x48xf32>
  }
}

