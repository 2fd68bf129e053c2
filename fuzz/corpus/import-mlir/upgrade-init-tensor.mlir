#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1, d0)>
#map2 = affine_map<(d0, d1) -> (d1)>
module attributes {torch.debug_module_name = "Linear"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<4x16xf32>) -> tensor<4x8xf32> {
    %c0 = arith.constant 0 : index
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant dense<1.000000e+00> : tensor<8x16xf32>
    %cst_1 = arith.constant dense<5.000000e-01> : tensor<8xf32>
    %0 = linalg.init_tensor [16, 8] : tensor<16x8xf32>
    %1 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel"]} ins(%cst_0 : tensor<8x16xf32>) outs(%0 : tensor<16x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<16x8xf32>
    %2 = linalg.init_tensor [4, 8] : tensor<4x8xf32>
    %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<4x8xf32>) -> tensor<4x8xf32>
    %4 = linalg.matmul ins(%arg0, %1 : tensor<4x16xf32>, tensor<16x8xf32>) outs(%3 : tensor<4x8xf32>) -> tensor<4x8xf32>
    %dim = tensor.dim %arg0, %c0 : tensor<4x16xf32>
    %5 = linalg.init_tensor [%dim, 8] : tensor<?x8xf32>
    %6 = tensor.cast %4 : tensor<4x8xf32> to tensor<?x8xf32>
    %7 = linalg.init_tensor [%dim,
                             8] : tensor<?x8xf32>
    %8 = linalg.generic {indexing_maps = [#map, #map2, #map], iterator_types = ["parallel", "parallel"]} ins(%6, %cst_1 : tensor<?x8xf32>, tensor<8xf32>) outs(%7 : tensor<?x8xf32>) {
    ^bb0(%in: f32, %in_2: f32, %out: f32):
      %10 = arith.addf %in, %in_2 : f32
      linalg.yield %10 : f32
    } -> tensor<?x8xf32>
    %9 = tensor.cast %8 : tensor<?x8xf32> to tensor<4x8xf32>
    return %9 : tensor<4x8xf32>
  }
}
