// RUN: streamtensor-opt %s --split-input-file --verify-diagnostics

// Streams connect one writing process to one reading process; kernels and
// tasks carry their outputs in destination-passing style.

func.func @stream_two_writers(%v: f32) {
  // expected-error @+1 {{is written by two processes; a stream has exactly one writer and one reader}}
  %s = dataflow.stream : !dataflow.stream<f32, 2>
  // expected-note @+1 {{this process writes it}}
  dataflow.task "first" {
    dataflow.stream_write %v into %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  // expected-note @+1 {{this process writes it}}
  dataflow.task "second" {
    dataflow.stream_write %v into %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  dataflow.task "reader" {
    %x = dataflow.stream_read %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  return
}

// -----

func.func @stream_two_readers(%v: f32) {
  // expected-error @+1 {{is read by two processes}}
  %s = dataflow.stream : !dataflow.stream<f32, 2>
  dataflow.task "writer" {
    dataflow.stream_write %v into %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  // expected-note @+1 {{this process reads it}}
  dataflow.task "first" {
    %x = dataflow.stream_read %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  // expected-note @+1 {{this process reads it}}
  dataflow.task "second" {
    %x = dataflow.stream_read %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  return
}

// -----

func.func @stream_never_written() {
  // expected-error @+1 {{is read but never written}}
  %s = dataflow.stream : !dataflow.stream<f32, 2>
  dataflow.task "reader" {
    %x = dataflow.stream_read %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  return
}

// -----

func.func @stream_never_read(%v: f32) {
  // expected-error @+1 {{is written but never read}}
  %s = dataflow.stream : !dataflow.stream<f32, 2>
  dataflow.task "writer" {
    dataflow.stream_write %v into %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  return
}

// -----

func.func @stream_read_back(%v: f32) {
  // expected-error @+1 {{is written and read by the same task; a stream connects two processes}}
  %s = dataflow.stream : !dataflow.stream<f32, 2>
  dataflow.task "loopback" {
    dataflow.stream_write %v into %s : !dataflow.stream<f32, 2>
    %x = dataflow.stream_read %s : !dataflow.stream<f32, 2>
    dataflow.yield
  }
  return
}

// -----

func.func @kernel_block_arguments(%x: tensor<8xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{body needs one block argument per input and init (2), got 1}}
  %r = dataflow.kernel ins(%x : tensor<8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    dataflow.yield %in : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

func.func @kernel_input_other_tensor(%x: tensor<8xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{block argument #0 must be an itensor streaming the input 'tensor<8xf32>' (or the tensor itself, read in place), got '!dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>'}}
  %r = dataflow.kernel ins(%x : tensor<8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>,
       %out: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    dataflow.yield %out : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

func.func @kernel_init_not_itensor(%init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{block argument #0 must be an itensor streaming the init 'tensor<8xf32>', got 'tensor<8xf32>'}}
  %r = dataflow.kernel outs(%init : tensor<8xf32>) {
  ^bb0(%out: tensor<8xf32>):
    dataflow.yield %out : tensor<8xf32>
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

func.func @kernel_scalar_input(%s: f32, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{block argument #0 must have the type of the scalar input, 'f32', got 'f16'}}
  %r = dataflow.kernel ins(%s : f32) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f16, %out: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    dataflow.yield %out : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

func.func @kernel_yield(%x: tensor<8xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{body must yield one value per init, of the type of the init's block argument}}
  %r = dataflow.kernel ins(%x : tensor<8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>,
       %out: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    // The input streams in 4-element tiles, the output in one 8-element tile.
    // expected-note @+1 {{yield is here}}
    dataflow.yield %in : !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

func.func @kernel_results(%init: tensor<8xf32>) {
  // expected-error @+1 {{results must have the types of the inits}}
  %r = dataflow.kernel outs(%init : tensor<8xf32>) {
  ^bb0(%out: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    dataflow.yield %out : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  } -> tensor<4xf32>
  return
}

// -----

func.func @kernel_is_isolated(%init: tensor<8xf32>, %v: f32) {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = dataflow.kernel outs(%init : tensor<8xf32>) {
  ^bb0(%out: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    // expected-error @+1 {{using value defined outside the region}}
    %x = arith.addf %v, %v : f32
    dataflow.yield %out : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  } -> tensor<8xf32>
  return
}

// -----

func.func @task_block_arguments(%e: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>) {
  // expected-error @+1 {{body needs one block argument per init, of the init's type}}
  %r = dataflow.task inits(%e : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>) {
    dataflow.yield %e : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  } -> !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  return
}

// -----

func.func @task_results(%e: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>) {
  // expected-error @+1 {{results must have the types of the inits}}
  %r = dataflow.task inits(%e : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>) {
  ^bb0(%out: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    dataflow.yield %out : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  } -> !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
  return
}

// -----

func.func @task_yield(%e: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>) {
  // expected-error @+1 {{body must yield one value per init}}
  dataflow.task inits(%e : !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>) {
  ^bb0(%out: !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>):
    // expected-note @+1 {{yield is here}}
    dataflow.yield
  } -> !dataflow.itensor<8xf32, iter_space [] * [], iter_map () -> (0)>
  return
}

// -----

func.func @yield_outside() {
  // expected-error @+1 {{expects parent op to be one of 'dataflow.kernel, dataflow.task'}}
  dataflow.yield
}
