// The paper's Figure 5 as one dataflow kernel.
//
// An 8x8 tensor arrives in layout (b): 4x2 tiles, a column of tiles at a
// time. The consumer wants layout (c): the same tiles, each column of tiles
// streamed twice. The layout converter between them keeps one column of tiles
// on chip, an 8x2 buffer (twice over, ping and pong), inside the loop over
// columns that producer and consumer share. A smaller buffer, or a buffer
// outside that loop smaller than the whole tensor, is rejected.
//
//   streamtensor-opt examples/figure5.mlir
func.func @figure5_kernel(%input: tensor<8x8xf32>, %init: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %result = dataflow.kernel "figure5" ins(%input : tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) {
  ^bb0(%in: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>,
       %out: !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %empty = dataflow.itensor_empty : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
    %produced = dataflow.task "producer" inits(%empty : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
    ^bb0(%dest: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>):
      %outer = scf.for %i = %c0 to %c8 step %c2 iter_args(%acc0 = %dest) -> (!dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
        %inner = scf.for %j = %c0 to %c8 step %c4 iter_args(%acc1 = %acc0) -> (!dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
          %tile_init = tensor.empty() : tensor<4x2xf32>
          %tile = dataflow.itensor_read %in init %tile_init : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> tensor<4x2xf32>
          %written = dataflow.itensor_write %tile into %acc1 : tensor<4x2xf32> -> !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
          scf.yield %written : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
        }
        scf.yield %inner : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
      }
      dataflow.yield %outer : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
    } -> !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
    %converted = dataflow.itensor_converter %produced buffer [8, 2] shared_loops 1
        : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
        -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
    %consumed = dataflow.task "consumer" inits(%out : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>) {
    ^bb0(%dest: !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>):
      // The middle loop streams every column of tiles twice.
      %l0 = scf.for %i = %c0 to %c8 step %c2 iter_args(%acc0 = %dest) -> (!dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>) {
        %l1 = scf.for %r = %c0 to %c2 step %c1 iter_args(%acc1 = %acc0) -> (!dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>) {
          %l2 = scf.for %j = %c0 to %c8 step %c4 iter_args(%acc2 = %acc1) -> (!dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>) {
            %tile = dataflow.itensor_read %converted : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)> -> vector<4x2xf32>
            %written = dataflow.itensor_write %tile into %acc2 : vector<4x2xf32> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
            scf.yield %written : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
          }
          scf.yield %l2 : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
        }
        scf.yield %l1 : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
      }
      dataflow.yield %l0 : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
    } -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
    dataflow.yield %consumed : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  } -> tensor<8x8xf32>
  return %result : tensor<8x8xf32>
}
