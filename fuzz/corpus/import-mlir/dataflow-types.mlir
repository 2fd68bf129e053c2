func.func @forward(%a: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, %b: !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>, %c: !dataflow.itensor<8x8xf16, iter_space [] * [], iter_map () -> (0, 0)>, %d: !dataflow.stream<vector<2x4xi8>, 1>) {
  return
}
