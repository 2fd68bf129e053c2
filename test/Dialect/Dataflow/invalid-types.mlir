// RUN: streamtensor-opt %s --split-input-file --verify-diagnostics

// expected-error @+1 {{itensor element type must be an integer, index or float type, got 'complex<f32>'}}
func.func @element_not_scalar(%a: !dataflow.itensor<4x2xcomplex<f32>, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>)

// -----

// expected-error @+1 {{itensor iteration map must not have symbols}}
func.func @symbols(%a: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0)[s0] -> (d0)>)

// -----

// expected-error @+1 {{itensor iteration map has 2 loop dimensions but the iteration space has 1 loops}}
func.func @map_arity(%a: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0, d1) -> (d0)>)

// -----

// expected-error @+1 {{itensor iteration map has 2 results but the tile has rank 1}}
func.func @map_results(%a: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0, 0)>)

// -----

// expected-error @+1 {{itensor iteration map result #0 (d0 + d1) must be a loop dimension or a constant}}
func.func @map_not_projection(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1 + d0, d0)>)

// -----

// expected-error @+1 {{itensor iteration map result #1 (d0 * 2) must be a loop dimension or a constant}}
func.func @map_scaled(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0 * 2)>)

// -----

// expected-error @+1 {{itensor iteration map has the negative offset -4}}
func.func @negative_offset(%a: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (-4)>)

// -----

// expected-error @+1 {{itensor trip counts [4, 0] must be positive}}
func.func @zero_trip(%a: !dataflow.itensor<4x2xf32, iter_space [4, 0] * [2, 4], iter_map (d0, d1) -> (d1, d0)>)

// -----

// expected-error @+1 {{itensor steps [2, -4] must be positive}}
func.func @negative_step(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, -4], iter_map (d0, d1) -> (d1, d0)>)

// -----

// expected-error @+1 {{itensor has 2 trip counts but 1 steps}}
func.func @steps_arity(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2], iter_map (d0, d1) -> (d1, d0)>)

// -----

// expected-error @+1 {{itensor tile shape [4, 0] must have positive sizes}}
func.func @empty_tile(%a: !dataflow.itensor<4x0xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>)

// -----

// A tile has a static shape.
// expected-error @+1 {{expected static shape}}
func.func @dynamic_tile(%a: !dataflow.itensor<?x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>)

// -----

// expected-error @+1 {{expected 'iter_space'}}
func.func @missing_iteration_space(%a: !dataflow.itensor<4x2xf32, iter_map (d0, d1) -> (d1, d0)>)

// -----

// expected-error @+1 {{stream depth must be at least 1, got 0}}
func.func @zero_depth(%a: !dataflow.stream<f32, 0>)

// -----

// expected-error @+1 {{stream entries must be integers, indices, floats or vectors of them, got 'tensor<4xf32>'}}
func.func @tensor_entries(%a: !dataflow.stream<tensor<4xf32>, 2>)
