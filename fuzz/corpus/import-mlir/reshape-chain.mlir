#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
module {
  func.func @forward(%x: tensor<8x4xf32>, %w: tensor<4x6xf32>, %y: tensor<6x8xf32>) -> tensor<8x6xf32> {
    %cst = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<8x6xf32>
    %e2 = tensor.empty() : tensor<6x8xf32>
    %f = linalg.fill ins(%cst : f32) outs(%e : tensor<8x6xf32>) -> tensor<8x6xf32>
    %t1 = linalg.matmul ins(%x, %w : tensor<8x4xf32>, tensor<4x6xf32>) outs(%f : tensor<8x6xf32>) -> tensor<8x6xf32>
    %t2 = linalg.generic {indexing_maps = [#tr, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%t1, %y : tensor<8x6xf32>, tensor<6x8xf32>) outs(%e2 : tensor<6x8xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<6x8xf32>
    %c = tensor.collapse_shape %t2 [[0, 1]] : tensor<6x8xf32> into tensor<48xf32>
    %z = tensor.expand_shape %c [[0, 1]] output_shape [8, 6] : tensor<48xf32> into tensor<8x6xf32>
    %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%t1, %z : tensor<8x6xf32>, tensor<8x6xf32>) outs(%e : tensor<8x6xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %s = arith.mulf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<8x6xf32>
    return %r : tensor<8x6xf32>
  }
}
