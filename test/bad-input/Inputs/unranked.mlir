// An unranked tensor argument.
func.func @forward(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}
