// RUN: streamtensor-opt %s --dataflow-lower-kernel-to-func --canonicalize | FileCheck %s

// A kernel result that the caller inserts into its own tensor at a runtime
// offset (a decode step's row of the KV cache) is stored there by the
// kernel: the output is the whole destination, the offset a scalar argument
// of the kernel, which the store process adds to the row index. The caller
// passes its tensor's buffer and returns it, updated in place.

// CHECK-LABEL: func.func @mul_0
// CHECK-SAME: (%{{.*}}: memref<1x8xf32>, %[[OUT:.*]]: memref<16x8xf32>, %[[OFFSET:.*]]: i32)
// CHECK-SAME: dataflow.arg_names = ["in0", "out0", "offset0"]
// CHECK: call @mul_0_store_0(%{{.*}}, %[[OUT]], %[[OFFSET]])

// CHECK-LABEL: func.func @mul_0_store_0
// CHECK-SAME: (%{{.*}}: !dataflow.stream<f32, 1>, %[[MEM:.*]]: memref<16x8xf32>, %[[POS:.*]]: i32)
// CHECK: %[[ROW:.*]] = arith.index_cast %[[POS]] : i32 to index
// CHECK: memref.store %{{.*}}, %[[MEM]][%[[ROW]], %{{.*}}] : memref<16x8xf32>

// CHECK-LABEL: func.func @append_row
// CHECK-SAME: (%{{.*}}: tensor<1x8xf32>, %[[CACHE:.*]]: tensor<16x8xf32>, %[[P:.*]]: i32) -> tensor<16x8xf32>
// CHECK-NOT: tensor.insert_slice
// CHECK: %[[BUFFER:.*]] = bufferization.to_buffer %[[CACHE]] : tensor<16x8xf32> to memref<16x8xf32>
// CHECK: call @mul_0(%{{.*}}, %[[BUFFER]], %[[P]])
// CHECK: %[[UPDATED:.*]] = bufferization.to_tensor %[[BUFFER]]
// CHECK: return %[[UPDATED]] : tensor<16x8xf32>

#map = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @append_row(%arg0: tensor<1x8xf32>, %arg1: tensor<16x8xf32>, %arg2: i32) -> tensor<16x8xf32> {
    %0 = tensor.empty() : tensor<1x8xf32>
    %1 = tensor.empty() : tensor<1x8xf32>
    %2 = dataflow.kernel "mul_0" ins(%arg0 : tensor<1x8xf32>) outs(%1 : tensor<1x8xf32>) {
    ^bb0(%arg3: !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>, %arg4: !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>):
      %c0 = arith.constant 0 : index
      %4 = dataflow.task "mul_0" inits(%arg4 : !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>) {
      ^bb0(%arg5: !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>):
        %c1 = arith.constant 1 : index
        %c1_0 = arith.constant 1 : index
        %5 = scf.for %arg6 = %c0 to %c1_0 step %c1 iter_args(%arg7 = %arg5) -> (!dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>) {
          %c8 = arith.constant 8 : index
          %c8_1 = arith.constant 8 : index
          %6 = scf.for %arg8 = %c0 to %c8_1 step %c8 iter_args(%arg9 = %arg7) -> (!dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>) {
            %7 = tensor.empty() : tensor<1x8xf32>
            %8 = tensor.empty() : tensor<1x8xf32>
            %9 = dataflow.itensor_read %arg3 init %8 : !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)> -> tensor<1x8xf32>
            %10 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%9 : tensor<1x8xf32>) outs(%7 : tensor<1x8xf32>) {
            ^bb0(%in: f32, %out: f32):
              %cst = arith.constant 2.000000e+00 : f32
              %12 = arith.mulf %in, %cst : f32
              linalg.yield %12 : f32
            } -> tensor<1x8xf32>
            %11 = dataflow.itensor_write %10 into %arg9 : tensor<1x8xf32> -> !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>
            scf.yield %11 : !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>
          }
          scf.yield %6 : !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>
        }
        dataflow.yield %5 : !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>
      } -> !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>
      dataflow.yield %4 : !dataflow.itensor<1x8xf32, iter_space [1, 1] * [1, 8], iter_map (d0, d1) -> (d0, d1)>
    } -> tensor<1x8xf32>
    %3 = arith.index_cast %arg2 : i32 to index
    %inserted_slice = tensor.insert_slice %2 into %arg1[%3, 0] [1, 8] [1, 1] : tensor<1x8xf32> into tensor<16x8xf32>
    return %inserted_slice : tensor<16x8xf32>
  }
}

