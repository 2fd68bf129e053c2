// The transpose of a matmul's result needs a converter buffer of the whole
// 1536x1536 tensor (9 MiB): more than a thread's default stack.
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @forward(%x: tensor<1536x16xf32>, %w: tensor<16x1536xf32>) -> tensor<1536x1536xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1536x1536xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1536x1536xf32>) -> tensor<1536x1536xf32>
  %t = linalg.matmul ins(%x, %w : tensor<1536x16xf32>, tensor<16x1536xf32>) outs(%f : tensor<1536x1536xf32>) -> tensor<1536x1536xf32>
  %r = linalg.generic {indexing_maps = [#tr, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%t, %t : tensor<1536x1536xf32>, tensor<1536x1536xf32>) outs(%e : tensor<1536x1536xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1536x1536xf32>
  return %r : tensor<1536x1536xf32>
}
