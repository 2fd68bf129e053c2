// An embedding lookup as torch-mlir writes it: the table is read at the rows
// the token ids give (tensor.extract at computed indices), then scaled. The
// ids come as float32 so that the C-simulation testbench and the CPU golden
// can feed them; they are whole numbers in [0, 16).
#map = affine_map<(d0, d1) -> (d0)>
#map1 = affine_map<(d0, d1) -> (d0, d1)>
func.func @forward(%ids: tensor<8xf32>, %table: tensor<16x32xf32>) -> tensor<8x32xf32> {
  %init = tensor.empty() : tensor<8x32xf32>
  %0 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<8xf32>) outs(%init : tensor<8x32xf32>) {
  ^bb0(%id: f32, %out: f32):
    %whole = arith.fptosi %id : f32 to i32
    %row = arith.index_cast %whole : i32 to index
    %column = linalg.index 1 : index
    %v = tensor.extract %table[%row, %column] : tensor<16x32xf32>
    %two = arith.constant 2.0 : f32
    %s = arith.mulf %v, %two : f32
    linalg.yield %s : f32
  } -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}
