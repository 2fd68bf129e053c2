// RUN: streamtensor-opt %s --streamtensor-compile | FileCheck %s --implicit-check-not=tensor --implicit-check-not=linalg. --implicit-check-not=dataflow.task --implicit-check-not=itensor
// RUN: streamtensor-opt %s '--streamtensor-compile=tile-size=8 fifo-depth=matmul_0_to_maximum_1=2' | FileCheck %s --check-prefix=OPT
// RUN: streamtensor-opt %s '--streamtensor-compile=fifo-mode=conservative' | FileCheck %s --check-prefix=LP

// The whole pipeline on a two-op model, relu(x * w): the two kernels fuse
// (equal 16x10 tiles in [2, 4], no converter), every process is a function
// over FIFOs, and the host function over memrefs
// calls the kernel. Nothing of tensors, linalg, tasks or itensors remains.
// Resource allocation has sized the FIFOs (size-fifos-lp.mlir tests the
// depths), put them in memories and the processes on dies.

// CHECK-LABEL: func.func @matmul_0_to_maximum_1(
// CHECK-SAME: %[[X:[^:]*]]: memref<32x48xf32>, %[[W:[^:]*]]: memref<48x40xf32>, %[[Y:[^:]*]]: memref<32x40xf32>) attributes {dataflow.arg_names = ["in0", "in1", "out0"], dataflow.kernel} {
// x is streamed once per column block of the output (4), w once per row
// block (2): 32*48*4 and 48*40*2 entries.
// CHECK-NEXT: %[[S0:.*]] = dataflow.stream {dataflow.storage = "{{[a-z]+}}", entries = {{[0-9]+}} : i64, name = "load_0_to_matmul_0"} : !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, {{[0-9]+}}>
// CHECK-NEXT: %[[S1:.*]] = dataflow.stream {dataflow.storage = "{{[a-z]+}}", entries = {{[0-9]+}} : i64, name = "load_1_to_matmul_0"} : !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, {{[0-9]+}}>
// CHECK-NEXT: %[[S2:.*]] = dataflow.stream {dataflow.storage = "{{[a-z]+}}", entries = {{[0-9]+}} : i64, name = "matmul_0_to_maximum_1"} : !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, {{[0-9]+}}>
// CHECK-NEXT: %[[S3:.*]] = dataflow.stream {dataflow.storage = "{{[a-z]+}}", entries = {{[0-9]+}} : i64, name = "maximum_1_to_store_0"} : !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, {{[0-9]+}}>
// CHECK-NEXT: call @matmul_0_to_maximum_1_load_0(%[[X]], %[[S0]])
// CHECK-NEXT: call @matmul_0_to_maximum_1_load_1(%[[W]], %[[S1]])
// The matmul's tiles are filled by processes of their own, into three-block
// buffers (dataflow-prefetch-tiles).
// CHECK-NEXT: %[[B0:.*]] = dataflow.buffer {{{.*}}name = "matmul_0_prefetch_0_blocks", prefetch} : memref<3x16x16xf32>
// CHECK-NEXT: call @matmul_0_to_maximum_1_matmul_0_prefetch_0(%[[S0]], %[[B0]])
// CHECK-NEXT: %[[B1:.*]] = dataflow.buffer {{{.*}}name = "matmul_0_prefetch_1_blocks", prefetch} : memref<16x10xf32>
// CHECK-NEXT: call @matmul_0_to_maximum_1_matmul_0_prefetch_1(%[[S1]], %[[B1]])
// CHECK-NEXT: call @matmul_0_to_maximum_1_matmul_0(%[[S2]], %[[B0]], %[[B1]])
// CHECK-NEXT: call @matmul_0_to_maximum_1_maximum_1(%[[S3]], %[[S2]])
// CHECK-NEXT: call @matmul_0_to_maximum_1_store_0(%[[S3]], %[[Y]])
// CHECK-NEXT: return

// CHECK-LABEL: func.func @matmul_0_to_maximum_1_load_0(
// CHECK-SAME: dataflow.process = "load_0"
// CHECK: memref.load
// CHECK: dataflow.stream_write
// CHECK-LABEL: func.func @matmul_0_to_maximum_1_load_1(
// CHECK-SAME: dataflow.process = "load_1"
// CHECK-LABEL: func.func @matmul_0_to_maximum_1_matmul_0_prefetch_0(
// CHECK-SAME: dataflow.process = "matmul_0_prefetch_0"
// CHECK: %[[BLOCK:.*]] = dataflow.block_acquire write
// CHECK: dataflow.stream_read
// CHECK: memref.store %{{.*}}, %[[BLOCK]]
// CHECK-LABEL: func.func @matmul_0_to_maximum_1_matmul_0_prefetch_1(
// CHECK-SAME: dataflow.process = "matmul_0_prefetch_1"
// The matmul task, its tile loops lowered to scf: the accumulator buffer
// starts at zero and takes the products.
// CHECK-LABEL: func.func @matmul_0_to_maximum_1_matmul_0(
// CHECK-SAME: dataflow.process = "matmul_0"
// CHECK: %[[ACC:.*]] = memref.alloca() {dataflow.storage = "{{[a-z]+}}"} : memref<16x10xf32>
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: dataflow.block_acquire %
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: memref.load %[[ACC]]
// CHECK: dataflow.stream_write
// CHECK-LABEL: func.func @matmul_0_to_maximum_1_maximum_1(
// CHECK-SAME: dataflow.process = "maximum_1"
// CHECK: arith.maximumf
// CHECK-LABEL: func.func @matmul_0_to_maximum_1_store_0(
// CHECK-SAME: dataflow.process = "store_0"
// CHECK: dataflow.stream_read
// CHECK: memref.store

// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[X:[^:]*]]: memref<32x48xf32>, %[[W:[^:]*]]: memref<48x40xf32>) -> memref<32x40xf32> {
// CHECK-NEXT: %[[OUT:.*]] = memref.alloc() : memref<32x40xf32>
// CHECK-NEXT: call @matmul_0_to_maximum_1(%[[X]], %[[W]], %[[OUT]]) : (memref<32x48xf32>, memref<48x40xf32>, memref<32x40xf32>) -> ()
// CHECK-NEXT: return %[[OUT]] : memref<32x40xf32>

// Options reach their passes: tiles of 8 stream x 5 times and w 4 times;
// the FIFO between the tasks is forced to depth 2, in the callees too.
// OPT-LABEL: func.func @matmul_0_to_maximum_1(
// OPT-NEXT: dataflow.stream {dataflow.storage = "{{[a-z]+}}", entries = {{[0-9]+}} : i64, name = "load_0_to_matmul_0"} : !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, {{[0-9]+}}>
// OPT-NEXT: dataflow.stream {dataflow.storage = "{{[a-z]+}}", entries = {{[0-9]+}} : i64, name = "load_1_to_matmul_0"} : !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, {{[0-9]+}}>
// OPT-NEXT: dataflow.stream {dataflow.storage = "registers", entries = {{[0-9]+}} : i64, name = "matmul_0_to_maximum_1"} : !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, 2>
// OPT-LABEL: func.func @matmul_0_to_maximum_1_matmul_0(
// OPT-SAME: %{{[^:]*}}: !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, 2>,
// OPT: memref.alloca() {dataflow.storage = "{{[a-z]+}}"} : memref<8x8xf32>
// (The relu's tiles of 8 come through a prefetch, which reads that FIFO.)
// OPT-LABEL: func.func @matmul_0_to_maximum_1_maximum_1_prefetch_0(
// OPT-SAME: %{{[^:]*}}: !dataflow.stream<{{f32|vector<[0-9]+xf32>}}, 2>,

// The paper's LP does not see a prefetch's pace (it reads as its blocks are
// taken): with its depths, no tile is prefetched.
// LP-LABEL: func.func @matmul_0_to_maximum_1(
// LP-NOT: prefetch
// LP: return

func.func @forward(%x: tensor<32x48xf32>, %w: tensor<48x40xf32>) -> tensor<32x40xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<32x40xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<32x48xf32>, tensor<48x40xf32>) outs(%fill : tensor<32x40xf32>) -> tensor<32x40xf32>
  %relu = linalg.generic {
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<32x40xf32>
  return %relu : tensor<32x40xf32>
}
