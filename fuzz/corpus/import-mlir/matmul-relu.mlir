#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {torch.debug_module_name = "MatmulRelu"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%a: tensor<32x48xf32>, %b: tensor<48x40xf32>) -> tensor<32x40xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %empty = tensor.empty() : tensor<32x40xf32>
    %filled = linalg.fill ins(%zero : f32) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
    %product = linalg.matmul ins(%a, %b : tensor<32x48xf32>, tensor<48x40xf32>) outs(%filled : tensor<32x40xf32>) -> tensor<32x40xf32>
    %relu = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%product : tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) {
    ^bb0(%in: f32, %out: f32):
      %positive = arith.cmpf ugt, %in, %zero : f32
      %max = arith.select %positive, %in, %zero : f32
      linalg.yield %max : f32
    } -> tensor<32x40xf32>
    return %relu : tensor<32x40xf32>
  }
}
