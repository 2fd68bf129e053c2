// A dynamic result shape.
func.func @forward(%x: tensor<4x8xf32>) -> tensor<?x8xf32> {
  %r = tensor.cast %x : tensor<4x8xf32> to tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}
