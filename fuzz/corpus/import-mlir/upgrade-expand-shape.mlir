#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>
module attributes {torch.debug_module_name = "SplitHeads"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<1x16x128xf32>) -> tensor<1x4x16x32xf32> {
    %expanded = tensor.expand_shape %arg0 [[0], [1], [2, 3]] : tensor<1x16x128xf32> into tensor<1x16x4x32xf32>
    %0 = tensor.empty() : tensor<1x4x16x32xf32>
    %1 = linalg.generic {indexing_maps = [#map1, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%expanded : tensor<1x16x4x32xf32>) outs(%0 : tensor<1x4x16x32xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x4x16x32xf32>
    %collapsed = tensor.collapse_shape %1 [[0, 1], [2], [3]] : tensor<1x4x16x32xf32> into tensor<4x16x32xf32>
    %expanded_0 = tensor.expand_shape %collapsed [[0, 1],
                                                  [2],
                                                  [3]] {torch_op = "aten.view"}
        : tensor<4x16x32xf32>
        into tensor<1x4x16x32xf32>
    %expanded_1 = tensor.expand_shape %collapsed [[0, 1], [2], [3]] output_shape [1, 4, 16, 32] : tensor<4x16x32xf32> into tensor<1x4x16x32xf32>
    %expanded_2 = tensor.expand_shape %collapsed [[0, 1], [2], [3]] : tensor<4x16x32xf32> into tensor<1x4x16x32xf32>
    %2 = tensor.empty() : tensor<1x4x16x32xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map, #map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%expanded_0, %expanded_1, %expanded_2 : tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>) outs(%2 : tensor<1x4x16x32xf32>) {
    ^bb0(%in: f32, %in_3: f32, %in_4: f32, %out: f32):
      %4 = arith.addf %in, %in_3 : f32
      %5 = arith.addf %4, %in_4 : f32
      linalg.yield %5 : f32
    } -> tensor<1x4x16x32xf32>
    return %3 : tensor<1x4x16x32xf32>
  }
}
