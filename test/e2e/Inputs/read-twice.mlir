// x - transpose(x): one tensor read through two maps, so two streams.
func.func @forward(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %e = tensor.empty() : tensor<32x32xf32>
  %t = linalg.transpose ins(%x : tensor<32x32xf32>) outs(%e : tensor<32x32xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<32x32xf32>
  %d = linalg.sub ins(%x, %t : tensor<32x32xf32>, tensor<32x32xf32>) outs(%e2 : tensor<32x32xf32>) -> tensor<32x32xf32>
  return %d : tensor<32x32xf32>
}
