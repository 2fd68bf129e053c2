// An iota added to the input: its payload reads linalg.index, which counts
// from the first point of a tile once tiled.
#map = affine_map<(d0) -> (d0)>
func.func @forward(%x: tensor<32xf32>) -> tensor<32xf32> {
  %init = tensor.empty() : tensor<32xf32>
  %0 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<32xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.sitofp %c : i32 to f32
    %s = arith.addf %in, %f : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %0 : tensor<32xf32>
}
