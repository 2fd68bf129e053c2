// An op of a dialect nobody registered (a torch-mlir op left unlowered).
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "torch.aten.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
