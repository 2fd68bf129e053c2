// Complex numbers have no HLS type here.
#map = affine_map<(d0) -> (d0)>
func.func @forward(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  %init = tensor.empty() : tensor<4xcomplex<f32>>
  %0 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<4xcomplex<f32>>) outs(%init : tensor<4xcomplex<f32>>) {
  ^bb0(%in: complex<f32>, %out: complex<f32>):
    %s = complex.add %in, %in : complex<f32>
    linalg.yield %s : complex<f32>
  } -> tensor<4xcomplex<f32>>
  return %0 : tensor<4xcomplex<f32>>
}
