// Static arguments and result, but a slice as long as a value read at run
// time: the rows summed have a dynamic count, with no hint of its size.
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d1)>
func.func @forward(%x: tensor<4x8xf32>, %rows: tensor<i64>) -> tensor<8xf32> {
  %v = tensor.extract %rows[] : tensor<i64>
  %n = arith.index_cast %v : i64 to index
  %slice = tensor.extract_slice %x[0, 0] [%n, 8] [1, 1] : tensor<4x8xf32> to tensor<?x8xf32>
  %zero = arith.constant 0.000000e+00 : f32
  %empty = tensor.empty() : tensor<8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["reduction", "parallel"]}
      ins(%slice : tensor<?x8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %sum : tensor<8xf32>
}
