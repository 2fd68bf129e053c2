// RUN: streamtensor-opt %s --split-input-file --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel --verify-diagnostics
// RUN: not streamtensor-opt %s --split-input-file --dataflow-convert-linalg-to-kernel=tile-size=0 2>&1 | FileCheck %s --check-prefix=ZERO

// What ConvertLinalgToKernel rejects.

// A tile size of 0 is refused before any op is looked at (on the function).
// ZERO: convert-linalg-to-kernel-invalid.mlir:[[@LINE+4]]:1: error: tile-size and unroll-factor must be at least 1, got 0 and 1
// ZERO-NOT: error: 'linalg

// A rank-0 tensor that is not a constant has no stream and no scalar to pass.
func.func @rank0_argument(%a: tensor<8xf32>, %s: tensor<f32>) -> tensor<8xf32> {
  %empty = tensor.empty() : tensor<8xf32>
  // expected-error @+1 {{has a rank-0 tensor operand that is not a constant; not supported yet}}
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>],
      iterator_types = ["parallel"]}
      ins(%a, %s : tensor<8xf32>, tensor<f32>) outs(%empty : tensor<8xf32>) {
  ^bb0(%in: f32, %scalar: f32, %out: f32):
    %v = arith.addf %in, %scalar : f32
    linalg.yield %v : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// The payload uses a tensor from outside other than by reading elements of
// it: the kernel is isolated from above, and that tensor has no stream.
func.func @captured_tensor(%a: tensor<8xf32>, %t: tensor<8xf32>) -> tensor<8xf32> {
  %empty = tensor.empty() : tensor<8xf32>
  // expected-error @+1 {{uses a value of type 'tensor<8xf32>' from outside; only scalars, and static tensors it only reads elements of (tensor.extract), can be passed to a kernel}}
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
      iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%empty : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %changed = tensor.insert %in into %t[%i] : tensor<8xf32>
    %x = tensor.extract %changed[%i] : tensor<8xf32>
    linalg.yield %x : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// Dynamic shapes have no static tiling.
func.func @dynamic(%a: tensor<?xf32>, %init: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{has a dynamic loop range; give the model static shapes (maximum sizes for dynamic ones)}}
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
      iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// The output is indexed by the reduction loop: its tiles would not be
// complete when written.
func.func @output_along_reduction(%a: tensor<8x4xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{writes its result along a reduction loop}}
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
      iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<8x4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A convolution's (d0 + d1) map does not stream as tiles.
func.func @conv(%a: tensor<10xf32>, %w: tensor<3xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{has an indexing map we cannot stream: affine_map<(d0, d1) -> (d0 + d1)> (only loop dimensions, and 0 on unit dimensions)}}
  %r = linalg.conv_1d ins(%a, %w : tensor<10xf32>, tensor<3xf32>) outs(%init : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A constant offset is only allowed on a unit dimension.
func.func @constant_on_wide_dimension(%a: tensor<4x8xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{has an indexing map we cannot stream: affine_map<(d0) -> (0, d0)> (only loop dimensions, and 0 on unit dimensions)}}
  %r = linalg.generic {
      indexing_maps = [affine_map<(d0) -> (0, d0)>, affine_map<(d0) -> (d0)>],
      iterator_types = ["parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// One result per op.
func.func @two_results(%a: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %empty = tensor.empty() : tensor<8xf32>
  // expected-error @+1 {{with 2 results is not supported yet}}
  %r:2 = linalg.generic {
      indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
      iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%empty, %empty : tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%in: f32, %o0: f32, %o1: f32):
    linalg.yield %in, %in : f32, f32
  } -> (tensor<8xf32>, tensor<8xf32>)
  return %r#0, %r#1 : tensor<8xf32>, tensor<8xf32>
}
