// RUN: streamtensor-opt %s | FileCheck %s
// RUN: streamtensor-opt %s | streamtensor-opt | FileCheck %s
// RUN: streamtensor-opt %s --mlir-print-op-generic | streamtensor-opt | FileCheck %s

// The paper's Figure 5 as one kernel: a producer task streams the input in
// layout (b), a converter with the minimal 8x2 buffer reorders it into layout
// (c), and a consumer task reads (c) and writes the output.

// CHECK-LABEL: func.func @figure5_kernel
// CHECK: %[[R:.*]] = dataflow.kernel "figure5" ins(%{{.*}} : tensor<8x8xf32>) outs(%{{.*}} : tensor<8x8xf32>) {
// CHECK-NEXT: ^bb0(%[[IN:.*]]: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>, %[[OUT:.*]]: !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>):
// CHECK: %[[EMPTY:.*]] = dataflow.itensor_empty : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
// CHECK: %[[PRODUCED:.*]] = dataflow.task "producer" inits(%[[EMPTY]] : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
// CHECK: dataflow.itensor_read %[[IN]] init %{{.*}} : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> tensor<4x2xf32>
// CHECK: dataflow.itensor_write %{{.*}} into %{{.*}} : tensor<4x2xf32> -> !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
// CHECK: dataflow.yield %{{.*}} : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
// CHECK: } -> !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
// CHECK: %[[CONVERTED:.*]] = dataflow.itensor_converter %[[PRODUCED]] buffer [8, 2] shared_loops 1 : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
// CHECK: %[[CONSUMED:.*]] = dataflow.task "consumer" inits(%[[OUT]] : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>) {
// CHECK: dataflow.itensor_read %[[CONVERTED]] : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)> -> vector<4x2xf32>
// CHECK: dataflow.itensor_write %{{.*}} into %{{.*}} : vector<4x2xf32> -> !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
// CHECK: dataflow.yield %[[CONSUMED]] : !dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], iter_map (d0, d1, d2) -> (d2, d0)>
// CHECK-NEXT: } -> tensor<8x8xf32>
// CHECK: return %[[R]] : tensor<8x8xf32>
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

// A scalar input passes into the kernel as it is; affine.for loops count as
// loops too, and a scalar is the value of a one-element tile.
// CHECK-LABEL: func.func @scalar_input_and_affine_loops
// CHECK: dataflow.kernel ins(%{{.*}}, %{{.*}} : tensor<4xf32>, f32) outs(%{{.*}} : tensor<4xf32>) {
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>, %{{.*}}: f32, %{{.*}}: !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>):
// CHECK: affine.for
// CHECK: dataflow.itensor_read %{{.*}} : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)> -> f32
// CHECK: dataflow.itensor_write %{{.*}} into %{{.*}} : f32 -> !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
func.func @scalar_input_and_affine_loops(%x: tensor<4xf32>, %scale: f32, %init: tensor<4xf32>) -> tensor<4xf32> {
  %result = dataflow.kernel ins(%x, %scale : tensor<4xf32>, f32) outs(%init : tensor<4xf32>) {
  ^bb0(%in: !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>, %s: f32,
       %out: !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>):
    %done = dataflow.task inits(%out : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>) {
    ^bb0(%dest: !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>):
      %scaled = affine.for %i = 0 to 4 iter_args(%acc = %dest) -> (!dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>) {
        %v = dataflow.itensor_read %in : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)> -> f32
        %m = arith.mulf %v, %s : f32
        %w = dataflow.itensor_write %m into %acc : f32 -> !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
        affine.yield %w : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
      }
      dataflow.yield %scaled : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
    } -> !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
    dataflow.yield %done : !dataflow.itensor<1xf32, iter_space [4] * [1], iter_map (d0) -> (d0)>
  } -> tensor<4xf32>
  return %result : tensor<4xf32>
}

// CHECK-LABEL: func.func @instance_cast_reassociate
// CHECK: %[[I:.*]] = dataflow.itensor_instance : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>
// CHECK: %[[C:.*]] = dataflow.itensor_cast %[[I]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<1x16xf32, iter_space [4, 1, 4] * [1, 1, 16], iter_map (d0, d1, d2) -> (d0, d2)>
// CHECK: dataflow.itensor_reassociate %[[I]] {{\[\[}}0, 1]] : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16xf32, iter_space [16] * [16], iter_map (d0) -> (d0)>
// CHECK: dataflow.itensor_reassociate %{{.*}} {{\[\[}}0, 1]] : !dataflow.itensor<16xf32, iter_space [16] * [16], iter_map (d0) -> (d0)> -> !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>
func.func @instance_cast_reassociate() {
  %fifo = dataflow.itensor_instance : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>
  %cast = dataflow.itensor_cast %fifo
      : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>
      -> !dataflow.itensor<1x16xf32, iter_space [4, 1, 4] * [1, 1, 16], iter_map (d0, d1, d2) -> (d0, d2)>
  %flat = dataflow.itensor_reassociate %fifo [[0, 1]]
      : !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>
      -> !dataflow.itensor<16xf32, iter_space [16] * [16], iter_map (d0) -> (d0)>
  %back = dataflow.itensor_reassociate %flat [[0, 1]]
      : !dataflow.itensor<16xf32, iter_space [16] * [16], iter_map (d0) -> (d0)>
      -> !dataflow.itensor<1x16xf32, iter_space [4, 4] * [1, 16], iter_map (d0, d1) -> (d0, d1)>
  return
}

// CHECK-LABEL: func.func @chunk_concat_fork_join
// CHECK-SAME: (%[[X:.*]]: !dataflow.itensor
// CHECK: %[[PARTS:.*]]:2 = dataflow.itensor_chunk %[[X]] dim 1 : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
// CHECK: dataflow.itensor_concat %[[PARTS]]#0, %[[PARTS]]#1 dim 1 : !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
// CHECK: %[[COPIES:.*]]:2 = dataflow.itensor_fork %[[X]] : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
// CHECK: dataflow.itensor_join %[[COPIES]]#0, %[[COPIES]]#1 : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<2x2xf32, iter_space [2, 4, 4] * [1, 2, 2], iter_map (d0, d1, d2) -> (d1, d2)>
func.func @chunk_concat_fork_join(%x: !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>) {
  %left, %right = dataflow.itensor_chunk %x dim 1
      : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
      -> !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>,
         !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  %whole = dataflow.itensor_concat %left, %right dim 1
      : !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>,
        !dataflow.itensor<2x2xf32, iter_space [4, 2] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
      -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  %a, %b = dataflow.itensor_fork %x
      : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
      -> !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>,
         !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
  %joined = dataflow.itensor_join %a, %b
      : !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>,
        !dataflow.itensor<2x2xf32, iter_space [4, 4] * [2, 2], iter_map (d0, d1) -> (d0, d1)>
      -> !dataflow.itensor<2x2xf32, iter_space [2, 4, 4] * [1, 2, 2], iter_map (d0, d1, d2) -> (d1, d2)>
  return
}

// After bufferization: FIFOs connect tasks that have no inits.
// CHECK-LABEL: func.func @streams_and_buffers
// CHECK: %[[S:.*]] = dataflow.stream : !dataflow.stream<f32, 2>
// CHECK: %[[T:.*]] = dataflow.stream : !dataflow.stream<vector<4x2xf32>, 8>
// CHECK: dataflow.buffer : memref<8x2xf32>
// CHECK: dataflow.buffer {depth = 3 : i64} : memref<4xf32>
// CHECK: dataflow.task "writer" {
// CHECK: dataflow.stream_write %{{.*}} into %[[S]] : !dataflow.stream<f32, 2>
// CHECK: dataflow.yield
// CHECK: dataflow.task "reader" {
// CHECK: dataflow.stream_read %[[S]] : !dataflow.stream<f32, 2>
// CHECK: dataflow.itensor_to_stream %{{.*}} : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)> -> !dataflow.stream<vector<4x2xf32>, 8>
// CHECK: dataflow.stream_to_itensor %[[T]] : !dataflow.stream<vector<4x2xf32>, 8> -> !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
func.func @streams_and_buffers(%v: f32, %it: !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %s = dataflow.stream : !dataflow.stream<f32, 2>
  %t = dataflow.stream : !dataflow.stream<vector<4x2xf32>, 8>
  %ping_pong = dataflow.buffer : memref<8x2xf32>
  %triple = dataflow.buffer {depth = 3} : memref<4xf32>
  dataflow.task "writer" {
    scf.for %i = %c0 to %c4 step %c1 {
      dataflow.stream_write %v into %s : !dataflow.stream<f32, 2>
    }
    dataflow.yield
  }
  dataflow.task "reader" {
    scf.for %i = %c0 to %c4 step %c1 {
      %x = dataflow.stream_read %s : !dataflow.stream<f32, 2>
      memref.store %x, %triple[%i] : memref<4xf32>
    }
    dataflow.yield
  }
  %as_stream = dataflow.itensor_to_stream %it
      : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
      -> !dataflow.stream<vector<4x2xf32>, 8>
  %as_itensor = dataflow.stream_to_itensor %t
      : !dataflow.stream<vector<4x2xf32>, 8>
      -> !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
  return
}

// A task nested in a loop: the stream is followed through the task's init and
// the loop-carried value back to where it starts, so both loops count.
// CHECK-LABEL: func.func @task_in_loop
// CHECK: scf.for
// CHECK: dataflow.task "row" inits
// CHECK: scf.for
// CHECK: dataflow.itensor_write
func.func @task_in_loop(%v: f32) -> !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %empty = dataflow.itensor_empty : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
  %rows = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %empty) -> (!dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>) {
    %row = dataflow.task "row" inits(%acc : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>) {
    ^bb0(%dest: !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>):
      %cols = scf.for %j = %c0 to %c4 step %c1 iter_args(%inner = %dest) -> (!dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>) {
        %w = dataflow.itensor_write %v into %inner : f32 -> !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
        scf.yield %w : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
      }
      dataflow.yield %cols : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
    } -> !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
    scf.yield %row : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
  }
  return %rows : !dataflow.itensor<1x1xf32, iter_space [4, 4] * [1, 1], iter_map (d0, d1) -> (d0, d1)>
}
