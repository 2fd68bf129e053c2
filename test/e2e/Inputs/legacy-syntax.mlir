// A 2023 torch-mlir export: linalg.init_tensor, arith.maxf and a
// tensor.expand_shape without output_shape, which MLIR 22 rejects as written.
#map = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
module attributes {torch.debug_module_name = "Legacy"} {
  func.func @forward(%arg0: tensor<16x32xf32>) -> tensor<16x2x16xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %0 = linalg.init_tensor [16, 32] : tensor<16x32xf32>
    %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<16x32xf32>) outs(%0 : tensor<16x32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %2 = arith.maxf %in, %cst : f32
      linalg.yield %2 : f32
    } -> tensor<16x32xf32>
    %3 = tensor.expand_shape %1 [[0], [1, 2]] : tensor<16x32xf32> into tensor<16x2x16xf32>
    %4 = linalg.init_tensor [16, 2, 16] : tensor<16x2x16xf32>
    %5 = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%3 : tensor<16x2x16xf32>) outs(%4 : tensor<16x2x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %6 = arith.mulf %in, %in : f32
      linalg.yield %6 : f32
    } -> tensor<16x2x16xf32>
    return %5 : tensor<16x2x16xf32>
  }
}
