// RUN: streamtensor-opt %s --split-input-file --dataflow-lower-kernel-to-func --verify-diagnostics

// What LowerKernelToFunc cannot lower yet; each case is a valid kernel.

// Only tasks, converters, forks, casts, itensor_empty and constants can sit
// in a kernel: an itensor_chunk is not lowered.
!T = !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
!H = !dataflow.itensor<4xf32, iter_space [1] * [4], iter_map (d0) -> (d0)>
func.func @chunk(%a: tensor<8xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  %r = dataflow.kernel "k" ins(%a : tensor<8xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !T, %out: !H):
    // expected-error @+1 {{cannot be lowered inside a kernel yet}}
    %lo, %hi = dataflow.itensor_chunk %in dim 0 : !T -> !H, !H
    dataflow.yield %lo : !H
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// The kernel yields its own init: no process writes that output.
!T = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
func.func @yield_init(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{yields a value that no process produces}}
  %r = dataflow.kernel "k" ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !T, %out: !T):
    dataflow.yield %out : !T
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A task reads the kernel's second init, which no process produces.
!T = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
func.func @read_init(%a: tensor<4xf32>, %e: tensor<4xf32>, %e2: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %r:2 = dataflow.kernel "k" ins(%a : tensor<4xf32>) outs(%e, %e2 : tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%in: !T, %out: !T, %out2: !T):
    // expected-error @+1 {{reads an itensor that no process produces}}
    %t = dataflow.task "t" inits(%out2 : !T) {
    ^bb0(%dest: !T):
      %empty = tensor.empty() : tensor<4xf32>
      %tile = dataflow.itensor_read %out init %empty : !T -> tensor<4xf32>
      %w = dataflow.itensor_write %tile into %dest : tensor<4xf32> -> !T
      dataflow.yield %w : !T
    } -> !T
    dataflow.yield %in, %t : !T, !T
  } -> tensor<4xf32>, tensor<4xf32>
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A loop-carried tile that each iteration replaces by a new one has no
// buffer to be updated in place.
!T = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
!V = !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (0)>
func.func @not_in_place(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  %r = dataflow.kernel "k" ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !V, %out: !T):
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %t = dataflow.task "t" inits(%out : !T) {
    ^bb0(%dest: !T):
      %empty = tensor.empty() : tensor<4xf32>
      // expected-error @+1 {{carries a value that cannot be updated in place}}
      %last = scf.for %i = %c0 to %c8 step %c4 iter_args(%prev = %empty) -> (tensor<4xf32>) {
        %e2 = tensor.empty() : tensor<4xf32>
        %tile = dataflow.itensor_read %in init %e2 : !V -> tensor<4xf32>
        scf.yield %tile : tensor<4xf32>
      }
      %w = dataflow.itensor_write %last into %dest : tensor<4xf32> -> !T
      dataflow.yield %w : !T
    } -> !T
    dataflow.yield %t : !T
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Tiles read as vectors are not lowered.
!T = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
func.func @vector_read(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  %r = dataflow.kernel "k" ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !T, %out: !T):
    %t = dataflow.task "t" inits(%out : !T) {
    ^bb0(%dest: !T):
      // expected-error @+1 {{of a vector cannot be lowered yet}}
      %tile = dataflow.itensor_read %in : !T -> vector<4xf32>
      %w = dataflow.itensor_write %tile into %dest : vector<4xf32> -> !T
      dataflow.yield %w : !T
    } -> !T
    dataflow.yield %t : !T
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Arithmetic on whole tensors inside a task is not lowered (only linalg
// ops on tiles are).
!T = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
func.func @tensor_arith(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  %r = dataflow.kernel "k" ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !T, %out: !T):
    %t = dataflow.task "t" inits(%out : !T) {
    ^bb0(%dest: !T):
      %empty = tensor.empty() : tensor<4xf32>
      %tile = dataflow.itensor_read %in init %empty : !T -> tensor<4xf32>
      // expected-error @+1 {{on tensors inside a task cannot be lowered yet}}
      %sum = arith.addf %tile, %tile : tensor<4xf32>
      %w = dataflow.itensor_write %sum into %dest : tensor<4xf32> -> !T
      dataflow.yield %w : !T
    } -> !T
    dataflow.yield %t : !T
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Only linalg.generic runs on tile buffers: a named linalg op is refused.
!T = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
func.func @named_op(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  %r = dataflow.kernel "k" ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !T, %out: !T):
    %t = dataflow.task "t" inits(%out : !T) {
    ^bb0(%dest: !T):
      %empty = tensor.empty() : tensor<4xf32>
      %tile = dataflow.itensor_read %in init %empty : !T -> tensor<4xf32>
      %e3 = tensor.empty() : tensor<4xf32>
      // expected-error @+1 {{inside a task cannot be lowered yet}}
      %x = linalg.exp ins(%tile : tensor<4xf32>) outs(%e3 : tensor<4xf32>) -> tensor<4xf32>
      %w = dataflow.itensor_write %x into %dest : tensor<4xf32> -> !T
      dataflow.yield %w : !T
    } -> !T
    dataflow.yield %t : !T
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A vector value written as a tile is not lowered either.
!t = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
func.func @vector_write(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  %r = dataflow.kernel "k" ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !t, %out: !t):
    %zeros = arith.constant dense<0.0> : vector<4xf32>
    %t = dataflow.task "t" inits(%out : !t) {
    ^bb0(%dest: !t):
      // expected-error @+1 {{of a vector cannot be lowered yet}}
      %w = dataflow.itensor_write %zeros into %dest : vector<4xf32> -> !t
      dataflow.yield %w : !t
    } -> !t
    dataflow.yield %t : !t
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
