// A gather: the payload reads a tensor from outside by a computed index,
// which has no stream (tensor.extract of a captured tensor).
#map = affine_map<(d0) -> (d0)>
func.func @forward(%x: tensor<8xf32>, %table: tensor<8xf32>) -> tensor<8xf32> {
  %init = tensor.empty() : tensor<8xf32>
  %0 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %c7 = arith.constant 7 : index
    %j = arith.subi %c7, %i : index
    %t = tensor.extract %table[%j] : tensor<8xf32>
    %s = arith.addf %in, %t : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
