// (A·B)·D: the second matmul reads the first one's result as its left
// operand, a row of tiles at a time: the paper's Figure 7 converter.
func.func @forward(%a: tensor<32x16xf32>, %b: tensor<16x64xf32>, %d: tensor<64x32xf32>) -> tensor<32x32xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %e0 = tensor.empty() : tensor<32x64xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<32x64xf32>) -> tensor<32x64xf32>
  %ab = linalg.matmul ins(%a, %b : tensor<32x16xf32>, tensor<16x64xf32>) outs(%f0 : tensor<32x64xf32>) -> tensor<32x64xf32>
  %e1 = tensor.empty() : tensor<32x32xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<32x32xf32>) -> tensor<32x32xf32>
  %abd = linalg.matmul ins(%ab, %d : tensor<32x64xf32>, tensor<64x32xf32>) outs(%f1 : tensor<32x32xf32>) -> tensor<32x32xf32>
  return %abd : tensor<32x32xf32>
}
