// RUN: streamtensor-opt %s --split-input-file --dataflow-lower-kernel-to-func --canonicalize | FileCheck %s

// Each kernel becomes a function over memrefs that declares one FIFO per
// itensor edge (named <producer>_to_<consumer>, entries = tokens x tile
// elements, depth 1 until SizeFifos) and calls one function per process.
// The kernels are what ConvertLinalgToKernel (tile-size=4) and FuseKernels
// make of small linalg functions.

// exp on 8x12 in 4x4 tiles, 2 x 3 tokens of 16 elements: 96 entries per FIFO.

// CHECK-LABEL: func.func @exp_0(
// CHECK-SAME: %[[IN:[^:]*]]: memref<8x12xf32>, %[[OUT:[^:]*]]: memref<8x12xf32>) attributes {dataflow.arg_names = ["in0", "out0"], dataflow.kernel} {
// CHECK-NEXT: %[[S0:.*]] = dataflow.stream {entries = 96 : i64, name = "load_0_to_exp_0"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: %[[S1:.*]] = dataflow.stream {entries = 96 : i64, name = "exp_0_to_store_0"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: call @exp_0_load_0(%[[IN]], %[[S0]]) : (memref<8x12xf32>, !dataflow.stream<f32, 1>) -> ()
// CHECK-NEXT: call @exp_0_exp_0(%[[S1]], %[[S0]]) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
// CHECK-NEXT: call @exp_0_store_0(%[[S1]], %[[OUT]]) : (!dataflow.stream<f32, 1>, memref<8x12xf32>) -> ()
// CHECK-NEXT: return

// The load DMA walks the itensor's loops and, per tile, its elements
// row-major, straight from memory into the FIFO: a perfect nest, with no
// buffer and no index arithmetic between the loops.
// CHECK-LABEL: func.func @exp_0_load_0(
// CHECK-SAME: %[[MEM:[^:]*]]: memref<8x12xf32>, %[[S:[^:]*]]: !dataflow.stream<f32, 1>) attributes {dataflow.process = "load_0"} {
// CHECK-NOT: memref.alloca
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c8{{.*}} step %c4
// CHECK-NEXT: scf.for %[[J:.*]] = %{{.*}} to %c12{{.*}} step %c4
// CHECK-NEXT: scf.for %[[EI:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK-NEXT: scf.for %[[EJ:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK-NEXT: %[[ROW:.*]] = arith.addi %[[I]], %[[EI]] : index
// CHECK-NEXT: %[[COL:.*]] = arith.addi %[[J]], %[[EJ]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %[[MEM]][%[[ROW]], %[[COL]]] : memref<8x12xf32>
// CHECK-NEXT: dataflow.stream_write %[[V]] into %[[S]] : !dataflow.stream<f32, 1>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return

// The task: a local buffer per tile, filled from the FIFO; the linalg op as
// loops over buffers; the result tile written to the FIFO.
// CHECK-LABEL: func.func @exp_0_exp_0(
// CHECK-SAME: %[[W:[^:]*]]: !dataflow.stream<f32, 1>, %[[R:[^:]*]]: !dataflow.stream<f32, 1>) attributes {dataflow.process = "exp_0"} {
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c4
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12{{.*}} step %c4
// CHECK: %[[TILE:.*]] = memref.alloca() : memref<4x4xf32>
// CHECK: scf.for %[[E0:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: scf.for %[[E1:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: %[[X:.*]] = dataflow.stream_read %[[R]] : !dataflow.stream<f32, 1>
// CHECK: memref.store %[[X]], %[[TILE]][%[[E0]], %[[E1]]] : memref<4x4xf32>
// CHECK: %[[RES:.*]] = memref.alloca() : memref<4x4xf32>
// CHECK: scf.for %[[P0:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: scf.for %[[P1:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: %[[IN:.*]] = memref.load %[[TILE]][%[[P0]], %[[P1]]] : memref<4x4xf32>
// CHECK: %[[EXP:.*]] = math.exp %[[IN]] : f32
// CHECK: memref.store %[[EXP]], %[[RES]][%[[P0]], %[[P1]]] : memref<4x4xf32>
// CHECK: %[[Y:.*]] = memref.load %[[RES]][%{{.*}}, %{{.*}}] : memref<4x4xf32>
// CHECK: dataflow.stream_write %[[Y]] into %[[W]] : !dataflow.stream<f32, 1>
// CHECK-NOT: linalg.generic

// The store DMA mirrors the load: FIFO straight to memory.
// CHECK-LABEL: func.func @exp_0_store_0(
// CHECK-SAME: %[[S:[^:]*]]: !dataflow.stream<f32, 1>, %[[MEM:[^:]*]]: memref<8x12xf32>) attributes {dataflow.process = "store_0"} {
// CHECK-NOT: memref.alloca
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c8{{.*}} step %c4
// CHECK-NEXT: scf.for %[[J:.*]] = %{{.*}} to %c12{{.*}} step %c4
// CHECK-NEXT: scf.for %[[EI:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK-NEXT: scf.for %[[EJ:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK-NEXT: %[[ROW:.*]] = arith.addi %[[I]], %[[EI]] : index
// CHECK-NEXT: %[[COL:.*]] = arith.addi %[[J]], %[[EJ]] : index
// CHECK-NEXT: %[[V:.*]] = dataflow.stream_read %[[S]] : !dataflow.stream<f32, 1>
// CHECK-NEXT: memref.store %[[V]], %[[MEM]][%[[ROW]], %[[COL]]] : memref<8x12xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return

// The caller passes its tensors as buffers, allocates the output and reads
// it back as a tensor.
// CHECK-LABEL: func.func @exp(
// CHECK-SAME: %[[A:[^:]*]]: tensor<8x12xf32>) -> tensor<8x12xf32> {
// CHECK-NOT: dataflow.kernel
// CHECK: %[[BUF:.*]] = bufferization.to_buffer %[[A]] read_only : tensor<8x12xf32> to memref<8x12xf32>
// CHECK: %[[ALLOC:.*]] = memref.alloc() : memref<8x12xf32>
// CHECK: call @exp_0(%[[BUF]], %[[ALLOC]]) : (memref<8x12xf32>, memref<8x12xf32>) -> ()
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[ALLOC]] restrict writable : memref<8x12xf32> to tensor<8x12xf32>
// CHECK: return %[[T]] : tensor<8x12xf32>

!t = !dataflow.itensor<4x4xf32, iter_space [2, 3] * [4, 4], iter_map (d0, d1) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @exp(%arg0: tensor<8x12xf32>) -> tensor<8x12xf32> {
  %0 = tensor.empty() : tensor<8x12xf32>
  %1 = dataflow.kernel "exp_0" ins(%arg0 : tensor<8x12xf32>) outs(%0 : tensor<8x12xf32>) {
  ^bb0(%in: !t, %out: !t):
    %c12 = arith.constant 12 : index
    %c8 = arith.constant 8 : index
    %c4 = arith.constant 4 : index
    %c0 = arith.constant 0 : index
    %2 = dataflow.task "exp_0" inits(%out : !t) {
    ^bb0(%dest: !t):
      %3 = scf.for %i = %c0 to %c8 step %c4 iter_args(%d0 = %dest) -> (!t) {
        %4 = scf.for %j = %c0 to %c12 step %c4 iter_args(%d1 = %d0) -> (!t) {
          %5 = tensor.empty() : tensor<4x4xf32>
          %6 = dataflow.itensor_read %in init %5 : !t -> tensor<4x4xf32>
          %7 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%6 : tensor<4x4xf32>) outs(%5 : tensor<4x4xf32>) {
          ^bb0(%x: f32, %o: f32):
            %e = math.exp %x : f32
            linalg.yield %e : f32
          } -> tensor<4x4xf32>
          %8 = dataflow.itensor_write %7 into %d1 : tensor<4x4xf32> -> !t
          scf.yield %8 : !t
        }
        scf.yield %4 : !t
      }
      dataflow.yield %3 : !t
    } -> !t
    dataflow.yield %2 : !t
  } -> tensor<8x12xf32>
  return %1 : tensor<8x12xf32>
}

// -----

// A matmul 8x8 * 8x8 in 4x4 tiles: A and B stream 2 x 2 x 2 tokens (each
// operand tile is sent once per output tile that needs it), the output
// 2 x 2. The recomputed fill initialises the accumulator buffer; the tile
// matmul runs with its reduction loop outermost (maps interchanged).

// CHECK-LABEL: func.func @matmul_0(
// CHECK-NEXT: %[[SA:.*]] = dataflow.stream {entries = 128 : i64, name = "load_0_to_matmul_0"}
// CHECK-NEXT: %[[SB:.*]] = dataflow.stream {entries = 128 : i64, name = "load_1_to_matmul_0"}
// CHECK-NEXT: %[[SC:.*]] = dataflow.stream {entries = 64 : i64, name = "matmul_0_to_store_0"}
// CHECK-NEXT: call @matmul_0_load_0(%arg0, %[[SA]])
// CHECK-NEXT: call @matmul_0_load_1(%arg1, %[[SB]])
// CHECK-NEXT: call @matmul_0_matmul_0(%[[SC]], %[[SA]], %[[SB]])
// CHECK-NEXT: call @matmul_0_store_0(%[[SC]], %arg2)
// CHECK-NEXT: return

// CHECK-LABEL: func.func @matmul_0_matmul_0(
// CHECK-SAME: %[[W:[^:]*]]: !dataflow.stream<f32, 1>, %[[RA:[^:]*]]: !dataflow.stream<f32, 1>, %[[RB:[^:]*]]: !dataflow.stream<f32, 1>) attributes {dataflow.process = "matmul_0"}
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<4x4xf32>
// CHECK: memref.store %[[ZERO]], %[[ACC]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[TA:.*]] = memref.alloca() : memref<4x4xf32>
// CHECK: dataflow.stream_read %[[RA]]
// CHECK: %[[TB:.*]] = memref.alloca() : memref<4x4xf32>
// CHECK: dataflow.stream_read %[[RB]]
// The tile matmul: the reduction loop k outermost, then rows, then columns.
// CHECK: scf.for %[[K:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %[[I:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %[[J:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: %[[A:.*]] = memref.load %[[TA]][%[[I]], %[[K]]]
// CHECK-NEXT: %[[B:.*]] = memref.load %[[TB]][%[[K]], %[[J]]]
// CHECK-NEXT: %[[C:.*]] = memref.load %[[ACC]][%[[I]], %[[J]]]
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[B]]
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[C]], %[[P]]
// CHECK-NEXT: memref.store %[[S]], %[[ACC]][%[[I]], %[[J]]]
// After the reduction loop, the accumulator goes out.
// CHECK: }
// CHECK: memref.load %[[ACC]]
// CHECK: dataflow.stream_write %{{.*}} into %[[W]]

!a = !dataflow.itensor<4x4xf32, iter_space [2, 2, 2] * [4, 4, 4], iter_map (d0, d1, d2) -> (d0, d2)>
!b = !dataflow.itensor<4x4xf32, iter_space [2, 2, 2] * [4, 4, 4], iter_map (d0, d1, d2) -> (d2, d1)>
!c = !dataflow.itensor<4x4xf32, iter_space [2, 2] * [4, 4], iter_map (d0, d1) -> (d0, d1)>
func.func @matmul(%arg0: tensor<8x8xf32>, %arg1: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = tensor.empty() : tensor<8x8xf32>
  %1 = dataflow.kernel "matmul_0" ins(%arg0, %arg1 : tensor<8x8xf32>, tensor<8x8xf32>) outs(%0 : tensor<8x8xf32>) {
  ^bb0(%ia: !a, %ib: !b, %out: !c):
    %c8 = arith.constant 8 : index
    %c4 = arith.constant 4 : index
    %zero = arith.constant 0.000000e+00 : f32
    %c0 = arith.constant 0 : index
    %2 = dataflow.task "matmul_0" inits(%out : !c) {
    ^bb0(%dest: !c):
      %3 = scf.for %i = %c0 to %c8 step %c4 iter_args(%d0 = %dest) -> (!c) {
        %4 = scf.for %j = %c0 to %c8 step %c4 iter_args(%d1 = %d0) -> (!c) {
          %5 = tensor.empty() : tensor<4x4xf32>
          %6 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%5 : tensor<4x4xf32>) {
          ^bb0(%o: f32):
            linalg.yield %zero : f32
          } -> tensor<4x4xf32>
          %7 = scf.for %k = %c0 to %c8 step %c4 iter_args(%acc = %6) -> (tensor<4x4xf32>) {
            %9 = dataflow.itensor_read %ia init %5 : !a -> tensor<4x4xf32>
            %10 = dataflow.itensor_read %ib init %5 : !b -> tensor<4x4xf32>
            %11 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%9, %10 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%acc : tensor<4x4xf32>) {
            ^bb0(%x: f32, %y: f32, %z: f32):
              %12 = arith.mulf %x, %y : f32
              %13 = arith.addf %z, %12 : f32
              linalg.yield %13 : f32
            } -> tensor<4x4xf32>
            scf.yield %11 : tensor<4x4xf32>
          }
          %8 = dataflow.itensor_write %7 into %d1 : tensor<4x4xf32> -> !c
          scf.yield %8 : !c
        }
        scf.yield %4 : !c
      }
      dataflow.yield %3 : !c
    } -> !c
    dataflow.yield %2 : !c
  } -> tensor<8x8xf32>
  return %1 : tensor<8x8xf32>
}

// -----

// A row sum accumulated into an input: the init FIFO (the kernel's second
// input) fills the accumulator buffer before the reduction loop.

// CHECK-LABEL: func.func @reduce_sum_0(
// CHECK-NEXT: %[[SA:.*]] = dataflow.stream {entries = 64 : i64, name = "load_0_to_reduce_sum_0"}
// CHECK-NEXT: %[[SI:.*]] = dataflow.stream {entries = 8 : i64, name = "load_1_to_reduce_sum_0"}
// CHECK-NEXT: %[[SO:.*]] = dataflow.stream {entries = 8 : i64, name = "reduce_sum_0_to_store_0"}
// CHECK: call @reduce_sum_0_reduce_sum_0(%[[SO]], %[[SI]], %[[SA]])
// CHECK-LABEL: func.func @reduce_sum_0_reduce_sum_0(
// CHECK-SAME: %[[W:[^:]*]]: !dataflow.stream<f32, 1>, %[[RI:[^:]*]]: !dataflow.stream<f32, 1>, %[[RA:[^:]*]]: !dataflow.stream<f32, 1>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c4
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<4xf32>
// CHECK: dataflow.stream_read %[[RI]]
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c4
// CHECK: %[[TA:.*]] = memref.alloca() : memref<4x4xf32>
// CHECK: dataflow.stream_read %[[RA]]
// CHECK: scf.for %[[K:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %[[I:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: %[[X:.*]] = memref.load %[[TA]][%[[I]], %[[K]]]
// CHECK-NEXT: %[[PARTIAL:.*]] = memref.load %[[ACC]][%[[I]]]
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[X]], %[[PARTIAL]]
// CHECK-NEXT: memref.store %[[SUM]], %[[ACC]][%[[I]]]
// CHECK: memref.load %[[ACC]]
// CHECK: dataflow.stream_write %{{.*}} into %[[W]]

!a = !dataflow.itensor<4x4xf32, iter_space [2, 2] * [4, 4], iter_map (d0, d1) -> (d0, d1)>
!v = !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
func.func @accumulate(%arg0: tensor<8x8xf32>, %arg1: tensor<8xf32>) -> tensor<8xf32> {
  %0 = tensor.empty() : tensor<8xf32>
  %1 = dataflow.kernel "reduce_sum_0" ins(%arg0, %arg1 : tensor<8x8xf32>, tensor<8xf32>) outs(%0 : tensor<8xf32>) {
  ^bb0(%ia: !a, %init: !v, %out: !v):
    %c8 = arith.constant 8 : index
    %c4 = arith.constant 4 : index
    %c0 = arith.constant 0 : index
    %2 = dataflow.task "reduce_sum_0" inits(%out : !v) {
    ^bb0(%dest: !v):
      %3 = scf.for %i = %c0 to %c8 step %c4 iter_args(%d0 = %dest) -> (!v) {
        %4 = tensor.empty() : tensor<4xf32>
        %5 = dataflow.itensor_read %init init %4 : !v -> tensor<4xf32>
        %6 = scf.for %k = %c0 to %c8 step %c4 iter_args(%acc = %5) -> (tensor<4xf32>) {
          %8 = tensor.empty() : tensor<4x4xf32>
          %9 = dataflow.itensor_read %ia init %8 : !a -> tensor<4x4xf32>
          %10 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%9 : tensor<4x4xf32>) outs(%acc : tensor<4xf32>) {
          ^bb0(%x: f32, %s: f32):
            %11 = arith.addf %x, %s : f32
            linalg.yield %11 : f32
          } -> tensor<4xf32>
          scf.yield %10 : tensor<4xf32>
        }
        %7 = dataflow.itensor_write %6 into %d0 : tensor<4xf32> -> !v
        scf.yield %7 : !v
      }
      dataflow.yield %3 : !v
    } -> !v
    dataflow.yield %2 : !v
  } -> tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// Figure 7 in small, fused: exp (8x8, row-major 4x4 tiles) is forked to the
// output and to a converter that buffers one row of tiles (4x8) inside the
// shared outer loop and replays it for the matmul's left operand.

// CHECK-LABEL: func.func @exp_0_to_matmul_1(
// CHECK-SAME: %[[IN0:[^:]*]]: memref<8x8xf32>, %[[IN1:[^:]*]]: memref<8x8xf32>, %[[OUT0:[^:]*]]: memref<8x8xf32>, %[[OUT1:[^:]*]]: memref<8x8xf32>) attributes {dataflow.arg_names = ["in0", "in1", "out0", "out1"], dataflow.kernel} {
// CHECK-NEXT: %[[L0:.*]] = dataflow.stream {entries = 64 : i64, name = "load_0_to_exp_0"}
// CHECK-NEXT: %[[L1:.*]] = dataflow.stream {entries = 128 : i64, name = "load_1_to_matmul_1"}
// CHECK-NEXT: %[[E:.*]] = dataflow.stream {entries = 64 : i64, name = "exp_0_to_fork_0"}
// CHECK-NEXT: %[[F0:.*]] = dataflow.stream {entries = 64 : i64, name = "fork_0_to_convert_0"}
// CHECK-NEXT: %[[F1:.*]] = dataflow.stream {entries = 64 : i64, name = "fork_0_to_store_0"}
// CHECK-NEXT: %[[CV:.*]] = dataflow.stream {entries = 128 : i64, name = "convert_0_to_matmul_1"}
// CHECK-NEXT: %[[M:.*]] = dataflow.stream {entries = 64 : i64, name = "matmul_1_to_store_1"}
// CHECK-NEXT: call @exp_0_to_matmul_1_load_0(%[[IN0]], %[[L0]])
// CHECK-NEXT: call @exp_0_to_matmul_1_load_1(%[[IN1]], %[[L1]])
// CHECK-NEXT: call @exp_0_to_matmul_1_exp_0(%[[E]], %[[L0]])
// CHECK-NEXT: call @exp_0_to_matmul_1_fork_0(%[[E]], %[[F0]], %[[F1]])
// CHECK-NEXT: %[[BLOCKS:.*]] = dataflow.buffer {name = "convert_0_blocks"} : memref<4x8xf32>
// CHECK-NEXT: call @exp_0_to_matmul_1_convert_0_fill(%[[F0]], %[[BLOCKS]])
// CHECK-NEXT: call @exp_0_to_matmul_1_convert_0_drain(%[[BLOCKS]], %[[CV]])
// CHECK-NEXT: call @exp_0_to_matmul_1_matmul_1(%[[M]], %[[CV]], %[[L1]])
// CHECK-NEXT: call @exp_0_to_matmul_1_store_0(%[[F1]], %[[OUT0]])
// CHECK-NEXT: call @exp_0_to_matmul_1_store_1(%[[M]], %[[OUT1]])
// CHECK-NEXT: return

// The fork copies every entry to both FIFOs.
// CHECK-LABEL: func.func @exp_0_to_matmul_1_fork_0(
// CHECK-SAME: %[[SRC:[^:]*]]: !dataflow.stream<f32, 1>, %[[C0:[^:]*]]: !dataflow.stream<f32, 1>, %[[C1:[^:]*]]: !dataflow.stream<f32, 1>) attributes {dataflow.process = "fork_0"}
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64 step %c1 {
// CHECK-NEXT: %[[V:.*]] = dataflow.stream_read %[[SRC]]
// CHECK-NEXT: dataflow.stream_write %[[V]] into %[[C0]]
// CHECK-NEXT: dataflow.stream_write %[[V]] into %[[C1]]
// CHECK-NEXT: }

// The converter: a ping-pong buffer of two 4x8 blocks (one row of tiles)
// between a process that fills a block per shared row, in the producer's
// column order, and one that drains it in the consumer's (column block, k)
// order.
// CHECK-LABEL: func.func @exp_0_to_matmul_1_convert_0_fill(
// CHECK-SAME: %[[SRC:[^:]*]]: !dataflow.stream<f32, 1>, %[[BLOCKS:[^:]*]]: memref<4x8xf32>) attributes {dataflow.process = "convert_0_fill"}
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %c8{{.*}} step %c4
// CHECK-NEXT: %[[BUF:.*]] = dataflow.block_acquire write %[[BLOCKS]] : memref<4x8xf32>
// CHECK: scf.for %[[COL:.*]] = %{{.*}} to %c8{{.*}} step %c4
// Rows are taken relative to the shared row.
// CHECK: scf.for %[[EI:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: scf.for %[[EJ:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: %[[V:.*]] = dataflow.stream_read %[[SRC]]
// CHECK: %[[J:.*]] = arith.addi %[[COL]], %[[EJ]]
// CHECK: memref.store %[[V]], %[[BUF]][%[[EI]], %[[J]]] : memref<4x8xf32>
// CHECK-LABEL: func.func @exp_0_to_matmul_1_convert_0_drain(
// CHECK-SAME: %[[BLOCKS:[^:]*]]: memref<4x8xf32>, %[[DST:[^:]*]]: !dataflow.stream<f32, 1>) attributes {dataflow.process = "convert_0_drain"}
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c4
// CHECK-NEXT: %[[BUF:.*]] = dataflow.block_acquire %[[BLOCKS]] : memref<4x8xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c4
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %c8{{.*}} step %c4
// CHECK: scf.for %[[EI:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: scf.for %[[EJ:.*]] = %{{.*}} to %c4{{.*}} step %c1
// CHECK: %[[J:.*]] = arith.addi %[[K]], %[[EJ]]
// CHECK: %[[W:.*]] = memref.load %[[BUF]][%[[EI]], %[[J]]] : memref<4x8xf32>
// CHECK: dataflow.stream_write %[[W]] into %[[DST]]

// CHECK-LABEL: func.func @figure7(
// CHECK: call @exp_0_to_matmul_1(%{{.*}}, %{{.*}}, %[[A0:.*]], %[[A1:.*]]) : (memref<8x8xf32>, memref<8x8xf32>, memref<8x8xf32>, memref<8x8xf32>) -> ()
// CHECK: %[[T0:.*]] = bufferization.to_tensor %[[A0]]
// CHECK: %[[T1:.*]] = bufferization.to_tensor %[[A1]]
// CHECK: return %[[T0]], %[[T1]]

!t = !dataflow.itensor<4x4xf32, iter_space [2, 2] * [4, 4], iter_map (d0, d1) -> (d0, d1)>
!a = !dataflow.itensor<4x4xf32, iter_space [2, 2, 2] * [4, 4, 4], iter_map (d0, d1, d2) -> (d0, d2)>
!b = !dataflow.itensor<4x4xf32, iter_space [2, 2, 2] * [4, 4, 4], iter_map (d0, d1, d2) -> (d2, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @figure7(%arg0: tensor<8x8xf32>, %arg1: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %0 = tensor.empty() : tensor<8x8xf32>
  %1:2 = dataflow.kernel "exp_0_to_matmul_1" ins(%arg0, %arg1 : tensor<8x8xf32>, tensor<8x8xf32>) outs(%0, %0 : tensor<8x8xf32>, tensor<8x8xf32>) {
  ^bb0(%in: !t, %ib: !b, %out0: !t, %out1: !t):
    %zero = arith.constant 0.000000e+00 : f32
    %c8 = arith.constant 8 : index
    %c4 = arith.constant 4 : index
    %c0 = arith.constant 0 : index
    %2 = dataflow.task "exp_0" inits(%out0 : !t) {
    ^bb0(%dest: !t):
      %6 = scf.for %i = %c0 to %c8 step %c4 iter_args(%d0 = %dest) -> (!t) {
        %7 = scf.for %j = %c0 to %c8 step %c4 iter_args(%d1 = %d0) -> (!t) {
          %8 = tensor.empty() : tensor<4x4xf32>
          %9 = dataflow.itensor_read %in init %8 : !t -> tensor<4x4xf32>
          %10 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%9 : tensor<4x4xf32>) outs(%8 : tensor<4x4xf32>) {
          ^bb0(%x: f32, %o: f32):
            %e = math.exp %x : f32
            linalg.yield %e : f32
          } -> tensor<4x4xf32>
          %11 = dataflow.itensor_write %10 into %d1 : tensor<4x4xf32> -> !t
          scf.yield %11 : !t
        }
        scf.yield %7 : !t
      }
      dataflow.yield %6 : !t
    } -> !t
    %3:2 = dataflow.itensor_fork %2 : !t -> !t, !t
    %4 = dataflow.itensor_converter %3#0 buffer [4, 8] shared_loops 1 : !t -> !a
    %5 = dataflow.task "matmul_1" inits(%out1 : !t) {
    ^bb0(%dest: !t):
      %6 = scf.for %i = %c0 to %c8 step %c4 iter_args(%d0 = %dest) -> (!t) {
        %7 = scf.for %j = %c0 to %c8 step %c4 iter_args(%d1 = %d0) -> (!t) {
          %8 = tensor.empty() : tensor<4x4xf32>
          %9 = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%8 : tensor<4x4xf32>) {
          ^bb0(%o: f32):
            linalg.yield %zero : f32
          } -> tensor<4x4xf32>
          %10 = scf.for %k = %c0 to %c8 step %c4 iter_args(%acc = %9) -> (tensor<4x4xf32>) {
            %12 = dataflow.itensor_read %4 init %8 : !a -> tensor<4x4xf32>
            %13 = dataflow.itensor_read %ib init %8 : !b -> tensor<4x4xf32>
            %14 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%12, %13 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%acc : tensor<4x4xf32>) {
            ^bb0(%x: f32, %y: f32, %z: f32):
              %15 = arith.mulf %x, %y : f32
              %16 = arith.addf %z, %15 : f32
              linalg.yield %16 : f32
            } -> tensor<4x4xf32>
            scf.yield %14 : tensor<4x4xf32>
          }
          %11 = dataflow.itensor_write %10 into %d1 : tensor<4x4xf32> -> !t
          scf.yield %11 : !t
        }
        scf.yield %7 : !t
      }
      dataflow.yield %6 : !t
    } -> !t
    dataflow.yield %3#1, %5 : !t, !t
  } -> tensor<8x8xf32>, tensor<8x8xf32>
  return %1#0, %1#1 : tensor<8x8xf32>, tensor<8x8xf32>
}

// -----

// A scalar kernel input passes as it is, to the kernel function and to the
// task that uses it; a constant of the kernel body is cloned into the task.
// The kernel function takes a fresh name when the kernel's is taken.

// CHECK-LABEL: func.func @scale_1(
// CHECK-SAME: %{{[^:]*}}: memref<8xf32>, %[[F:[^:]*]]: f32, %{{[^:]*}}: memref<8xf32>) attributes {dataflow.arg_names = ["in0", "in1", "out0"], dataflow.kernel}
// CHECK: call @scale_1_scale(%{{.*}}, %{{.*}}, %[[F]]) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>, f32) -> ()
// CHECK-LABEL: func.func @scale_1_scale(
// CHECK-SAME: %[[PF:[^:]*]]: f32) attributes {dataflow.process = "scale"}
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %[[PF]] : f32
// CHECK: arith.addf %[[M]], %[[ONE]] : f32
// CHECK-LABEL: func.func @scale(
// CHECK-SAME: %[[X:[^:]*]]: tensor<8xf32>, %[[S:[^:]*]]: f32)
// CHECK: call @scale_1(%{{.*}}, %[[S]], %{{.*}}) : (memref<8xf32>, f32, memref<8xf32>) -> ()

!t = !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
func.func @scale(%x: tensor<8xf32>, %s: f32) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %r = dataflow.kernel "scale" ins(%x, %s : tensor<8xf32>, f32) outs(%e : tensor<8xf32>) {
  ^bb0(%in: !t, %factor: f32, %out: !t):
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %one = arith.constant 1.0 : f32
    %t = dataflow.task "scale" inits(%out : !t) {
    ^bb0(%dest: !t):
      %w = scf.for %i = %c0 to %c8 step %c4 iter_args(%acc = %dest) -> (!t) {
        %empty = tensor.empty() : tensor<4xf32>
        %tile = dataflow.itensor_read %in init %empty : !t -> tensor<4xf32>
        %scaled = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%tile : tensor<4xf32>) outs(%empty : tensor<4xf32>) {
        ^bb0(%v: f32, %o: f32):
          %m = arith.mulf %v, %factor : f32
          %a = arith.addf %m, %one : f32
          linalg.yield %a : f32
        } -> tensor<4xf32>
        %next = dataflow.itensor_write %scaled into %acc : tensor<4xf32> -> !t
        scf.yield %next : !t
      }
      dataflow.yield %w : !t
    } -> !t
    dataflow.yield %t : !t
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A kernel that yields its input: the load feeds the store directly. Two
// kernels of one name get two functions.

// CHECK-LABEL: func.func @copy(
// CHECK-NEXT: %[[S:.*]] = dataflow.stream {entries = 8 : i64, name = "load_0_to_store_0"}
// CHECK-NEXT: call @copy_load_0(%arg0, %[[S]])
// CHECK-NEXT: call @copy_store_0(%[[S]], %arg1)
// CHECK-NEXT: return
// CHECK-LABEL: func.func @copy_1(
// CHECK-NEXT: %[[S:.*]] = dataflow.stream {entries = 8 : i64, name = "load_0_to_store_0"}
// CHECK-NEXT: call @copy_1_load_0(%arg0, %[[S]])
// CHECK-NEXT: call @copy_1_store_0(%[[S]], %arg1)
// CHECK-LABEL: func.func @twice(
// CHECK: call @copy(
// CHECK: call @copy_1(

!t = !dataflow.itensor<4xf32, iter_space [2] * [4], iter_map (d0) -> (d0)>
func.func @twice(%a: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %r0 = dataflow.kernel "copy" ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: !t, %out: !t):
    dataflow.yield %in : !t
  } -> tensor<8xf32>
  %r1 = dataflow.kernel "copy" ins(%b : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: !t, %out: !t):
    dataflow.yield %in : !t
  } -> tensor<8xf32>
  return %r0, %r1 : tensor<8xf32>, tensor<8xf32>
}

// -----

// A cast relabels a stream without changing it: the same FIFO, no process.
// CHECK-LABEL: func.func @relabel(
// CHECK-NEXT: %[[S:.*]] = dataflow.stream {entries = 4 : i64, name = "load_0_to_store_0"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: call @relabel_load_0(%arg0, %[[S]])
// CHECK-NEXT: call @relabel_store_0(%[[S]], %arg1)
// CHECK-NEXT: return
!T = !dataflow.itensor<4xf32, iter_space [] * [], iter_map () -> (0)>
!U = !dataflow.itensor<4xf32, iter_space [1] * [4], iter_map (d0) -> (d0)>
func.func @cast(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  %r = dataflow.kernel "relabel" ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: !T, %out: !U):
    %c = dataflow.itensor_cast %in : !T -> !U
    dataflow.yield %c : !U
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A reassociation relabels a stream too: the same FIFO, no process.
// CHECK-LABEL: func.func @reshape(
// CHECK-NEXT: %[[S:.*]] = dataflow.stream {entries = 32 : i64, name = "load_0_to_store_0"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: call @reshape_load_0(%arg0, %[[S]])
// CHECK-NEXT: call @reshape_store_0(%[[S]], %arg1)
// CHECK-NEXT: return
!R = !dataflow.itensor<16xf32, iter_space [2] * [16], iter_map (d0) -> (d0)>
!H = !dataflow.itensor<1x16xf32, iter_space [2] * [1], iter_map (d0) -> (d0, 0)>
func.func @heads(%a: tensor<32xf32>, %e: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %r = dataflow.kernel "reshape" ins(%a : tensor<32xf32>) outs(%e : tensor<2x16xf32>) {
  ^bb0(%in: !R, %out: !H):
    %h = dataflow.itensor_reassociate %in [[0, 1]] : !R -> !H
    dataflow.yield %h : !H
  } -> tensor<2x16xf32>
  return %r : tensor<2x16xf32>
}
