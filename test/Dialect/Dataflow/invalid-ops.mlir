// RUN: streamtensor-opt %s --split-input-file --verify-diagnostics

// Each case breaks one rule of one op's verifier.

func.func @read_wrong_tile(%a: !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)>) {
  %e = tensor.empty() : tensor<2x4xf32>
  // expected-error @+1 {{result must be the tile 'tensor<4x2xf32>' (or a vector of that shape, or the scalar of a one-element tile), got 'tensor<2x4xf32>'}}
  %t = dataflow.itensor_read %a init %e : !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)> -> tensor<2x4xf32>
  return
}

// -----

func.func @read_scalar_of_large_tile(%a: !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)>) {
  // expected-error @+1 {{result must be the tile 'tensor<4x2xf32>'}}
  %t = dataflow.itensor_read %a : !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)> -> f32
  return
}

// -----

func.func @read_tensor_without_init(%a: !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)>) {
  // expected-error @+1 {{reads a tile tensor and needs an init tensor to hold it}}
  %t = dataflow.itensor_read %a : !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)> -> tensor<4x2xf32>
  return
}

// -----

func.func @read_outside_loops(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  // expected-error @+1 {{must be inside loops matching the iteration space of '!dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>': trip counts [4, 2] and steps [2, 4], found trip counts [] and steps [] (loops of one iteration ignored)}}
  %t = dataflow.itensor_read %a : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> vector<4x2xf32>
  return
}

// -----

func.func @read_wrong_steps(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  // Same trip counts, but the inner loop steps by 1.
  scf.for %i = %c0 to %c8 step %c2 {
    scf.for %j = %c0 to %c2 step %c1 {
      // expected-error @+1 {{trip counts [4, 2] and steps [2, 4], found trip counts [4, 2] and steps [2, 1]}}
      %t = dataflow.itensor_read %a : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> vector<4x2xf32>
    }
  }
  return
}

// -----

func.func @read_dynamic_loop(%a: !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-note @+1 {{this loop has none}}
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{must be inside loops with constant bounds and positive constant steps}}
    %t = dataflow.itensor_read %a : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)> -> f32
  }
  return
}

// -----

// Loops that also enclose where the stream starts do not count: here the
// itensor is created inside the outer loop, so only the inner loop streams it.
func.func @write_counts_only_inner_loops(%v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %e = dataflow.itensor_empty : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
    %r = scf.for %j = %c0 to %c4 step %c1 iter_args(%acc = %e) -> (!dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>) {
      // expected-error @+1 {{trip counts [4, 4] and steps [1, 1], found trip counts [4] and steps [1]}}
      %w = dataflow.itensor_write %v into %acc : f32 -> !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
      scf.yield %w : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
    }
  }
  return
}

// -----

func.func @write_wrong_value(%v: vector<2x4xf32>, %a: !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)>) {
  // expected-error @+1 {{value must be the tile 'tensor<4x2xf32>' (or a vector of that shape, or the scalar of a one-element tile), got 'vector<2x4xf32>'}}
  %w = dataflow.itensor_write %v into %a : vector<2x4xf32> -> !dataflow.itensor<4x2xf32, iter_space [] * [], iter_map () -> (0, 0)>
  return
}

// -----

func.func @cast_element_type(%a: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>) {
  // expected-error @+1 {{cannot change the element type from 'f32' to 'f16'}}
  %c = dataflow.itensor_cast %a : !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)> -> !dataflow.itensor<4xf16, iter_space [2] * [4], iter_map (d0) -> (d0)>
  return
}

// -----

func.func @cast_changes_layout(%a: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{source and result must stream the same tiles in the same order; use itensor_converter to change the layout}}
  %c = dataflow.itensor_cast %a : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d1, d0)>
  return
}

// -----

func.func @reassociate_group_count(%a: !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{needs one reassociation group per dimension of the lower-rank side (1), got 2}}
  %r = dataflow.itensor_reassociate %a [[0], [1]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16xf32, iter_space [16] * [16], iter_map (d0) -> (d0)>
  return
}

// -----

func.func @reassociate_group_order(%a: !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{reassociation groups must list the dimensions 0 to 1 in order, once each}}
  %r = dataflow.itensor_reassociate %a [[1, 0]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16xf32, iter_space [16] * [16], iter_map (d0) -> (d0)>
  return
}

// -----

func.func @reassociate_empty_group(%a: !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{reassociation group #0 is empty}}
  %r = dataflow.itensor_reassociate %a [[], [0, 1, 2]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<1x1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, 0, d1)>
  return
}

// -----

func.func @reassociate_tensor_size(%a: !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{reassociation group #0 has tensor size 256 but dimension 0 of the lower-rank side has 128}}
  %r = dataflow.itensor_reassociate %a [[0, 1]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16xf32, iter_space [8] * [16], iter_map (d0) -> (d0)>
  return
}

// -----

func.func @reassociate_tile_size(%a: !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{reassociation group #0 has tile size 16 but dimension 0 of the lower-rank side has tile size 32}}
  %r = dataflow.itensor_reassociate %a [[0, 1]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<32xf32, iter_space [8] * [32], iter_map (d0) -> (d0)>
  return
}

// -----

func.func @reassociate_tokens(%a: !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{source streams 16 tokens but result streams 32}}
  %r = dataflow.itensor_reassociate %a [[0, 1]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16xf32, iter_space [2, 16] * [1, 16], iter_map (d0, d1) -> (d1)>
  return
}

// -----

func.func @converter_other_tensor(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  // expected-error @+1 {{converts between layouts of one tensor, but the source streams 'tensor<8x8xf32>' and the result 'tensor<8x4xf32>'}}
  %c = dataflow.itensor_converter %a buffer [8, 2] shared_loops 0 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [2, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
  return
}

// -----

func.func @converter_buffer_rank(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  // expected-error @+1 {{buffer has rank 1 but the tensor has rank 2}}
  %c = dataflow.itensor_converter %a buffer [16] shared_loops 0 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  return
}

// -----

func.func @converter_too_many_shared_loops(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  // expected-error @+1 {{shares 2 loops with producer and consumer, but only 1 outer loops agree}}
  %c = dataflow.itensor_converter %a buffer [4, 2] shared_loops 2 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  return
}

// -----

// Figure 5: the converter from (b) to (c) needs 8x2 inside the shared loop.
func.func @converter_buffer_too_small(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  // expected-error @+1 {{buffer 4x2 is smaller than the minimum 8x2 for 1 shared loops}}
  %c = dataflow.itensor_converter %a buffer [4, 2] shared_loops 1 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  return
}

// -----

// Outside the shared loop, the same converter needs the whole tensor.
func.func @converter_buffer_too_small_unshared(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  // expected-error @+1 {{buffer 8x2 is smaller than the minimum 8x8 for 0 shared loops}}
  %c = dataflow.itensor_converter %a buffer [8, 2] shared_loops 0 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  return
}

// -----

func.func @converter_buffer_too_large(%a: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  // expected-error @+1 {{buffer 16x2 is larger than the tensor 8x8}}
  %c = dataflow.itensor_converter %a buffer [16, 2] shared_loops 1 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
  return
}

// -----

func.func @chunk_dim_out_of_range(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{dimension 2 is out of range for rank 2}}
  %a, %b = dataflow.itensor_chunk %x dim 2 : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @chunk_tile(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{result #1 must have the tile 'tensor<2x2xf32>', got 'tensor<2x4xf32>'}}
  %a, %b = dataflow.itensor_chunk %x dim 1 : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x4xf32, iter_space [4] * [2], iter_map (d0) -> (d0, 0)>
  return
}

// -----

func.func @chunk_other_dimension(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{result #0 differs from the whole tensor on dimension 0, which is not the dimension 1}}
  %a, %b = dataflow.itensor_chunk %x dim 1 : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [2, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @chunk_not_on_tile_boundary(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{result #0 has size 3 on dimension 1, not a multiple of the tile size 2}}
  %a, %b = dataflow.itensor_chunk %x dim 1 : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 1], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 3], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @chunk_sizes_do_not_add_up(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{the results add up to 12 on dimension 1 but the whole tensor has 8}}
  %a, %b = dataflow.itensor_chunk %x dim 1 : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @concat_sizes_do_not_add_up(%a: !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{the inputs add up to 4 on dimension 1 but the whole tensor has 8}}
  %w = dataflow.itensor_concat %a dim 1 : !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @chunk_no_results(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{needs at least one result}}
  "dataflow.itensor_chunk"(%x) {dim = 0 : i64} : (!dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) -> ()
  return
}

// -----

func.func @fork_one_result(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{needs at least two results, got 1}}
  %a = dataflow.itensor_fork %x : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @fork_other_type(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{result #1 must have the source type}}
  %a, %b = dataflow.itensor_fork %x : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d1, d0)>
  return
}

// -----

func.func @join_one_input(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{needs at least two inputs, got 1}}
  %j = dataflow.itensor_join %x : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @join_tile(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, %y: !dataflow.itensor<1x4xf32, iter_space [8, 2] * [1, 4], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{input #1 must have the tile 'tensor<2x2xf32>', got 'tensor<1x4xf32>'}}
  %j = dataflow.itensor_join %x, %y : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<1x4xf32, iter_space [8, 2] * [1, 4], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [2, 4, 4] * [1, 2, 2], iter_map (d0, d1, d2) -> (d1, d2)>
  return
}

// -----

func.func @join_tokens(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{inputs stream 32 tokens together but the result streams 16}}
  %j = dataflow.itensor_join %x, %x : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @to_stream_entries(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  // expected-error @+1 {{stream entries 'f32' must hold one token of 'tensor<2x2xf32>'}}
  %s = dataflow.itensor_to_stream %x : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.stream<f32, 2>
  return
}

// -----

func.func @from_stream_entries(%s: !dataflow.stream<vector<4xi8>, 2>) {
  // expected-error @+1 {{stream entries 'vector<4xi8>' must hold one token of 'tensor<2x2xf32>'}}
  %x = dataflow.stream_to_itensor %s : !dataflow.stream<vector<4xi8>, 2> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  return
}

// -----

func.func @stream_read_type(%s: !dataflow.stream<f32, 2>) {
  // expected-error @+1 {{result is an entry of the stream}}
  %x = "dataflow.stream_read"(%s) : (!dataflow.stream<f32, 2>) -> f16
  return
}

// -----

func.func @buffer_depth() {
  // expected-error @+1 {{attribute 'depth' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %b = dataflow.buffer {depth = 0} : memref<4xf32>
  return
}

// -----

func.func @buffer_dynamic(%n: index) {
  // expected-error @+1 {{must be statically shaped memref of any type values}}
  %b = "dataflow.buffer"() : () -> memref<?xf32>
  return
}
