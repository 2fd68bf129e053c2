// RUN: streamtensor-opt %s --dataflow-widen-fifos --split-input-file | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-widen-fifos=width=axi --split-input-file | FileCheck %s --check-prefix=AXI
// RUN: not streamtensor-opt %s --dataflow-widen-fifos=width=wide --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: dataflow-widen-fifos: width must be 'lanes' or 'axi', got 'wide'

// A producer that computes 4 elements per cycle (its compute loop is
// unrolled by 4) writes 16 elements per tile to a consumer: the FIFO
// carries 4 elements per token, 4 of them per tile. Both loops step by 4
// and move a token's lanes through a 4-element pack buffer in a loop
// unrolled completely; the FIFO's entries count tokens.

// The pack buffers are declared at the top of the process, so that they do
// not break the loop nests around the widened loops.
// CHECK-LABEL: func.func @k_producer(
// CHECK-SAME: %[[OUT:[^:]*]]: !dataflow.stream<vector<4xf32>, 2>
// CHECK-NEXT: %[[PACK:.*]] = memref.alloca() {dataflow.lanes = 4 : i64} : memref<4xf32>
// CHECK: scf.for
// CHECK: } {dataflow.unroll = 4 : i64}
// CHECK: scf.for %[[IO:.*]] = %{{.*}} to %{{.*}} step %[[C4:.*]] {
// CHECK-NEXT: scf.for %[[LANE:.*]] = %{{.*}} to %[[C4]] step %{{.*}} {
// CHECK-NEXT: %[[I:.*]] = arith.addi %[[IO]], %[[LANE]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %{{.*}}[%[[I]]] : memref<16xf32>
// CHECK-NEXT: memref.store %[[V]], %[[PACK]][%[[LANE]]] : memref<4xf32>
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
// CHECK-NEXT: %[[TOKEN:.*]] = vector.load %[[PACK]][%{{.*}}] : memref<4xf32>, vector<4xf32>
// CHECK-NEXT: dataflow.stream_write %[[TOKEN]] into %[[OUT]] : !dataflow.stream<vector<4xf32>, 2>
// CHECK-NEXT: }
func.func @k_producer(%out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "producer"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %one = arith.constant 1.0 : f32
  %tile = memref.alloca() : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %x = arith.index_cast %i : index to i32
    %f = arith.sitofp %x : i32 to f32
    %y = arith.mulf %f, %one : f32
    memref.store %y, %tile[%i] : memref<16xf32>
  } {dataflow.unroll = 4 : i64}
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %tile[%i] : memref<16xf32>
    dataflow.stream_write %v into %out : !dataflow.stream<f32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_consumer(
// CHECK-SAME: %[[IN:[^:]*]]: !dataflow.stream<vector<4xf32>, 2>
// CHECK-NEXT: %[[PACK:.*]] = memref.alloca() {dataflow.lanes = 4 : i64} : memref<4xf32>
// CHECK: scf.for %[[IO:.*]] = %{{.*}} to %{{.*}} step %[[C4:.*]] {
// CHECK-NEXT: %[[TOKEN:.*]] = dataflow.stream_read %[[IN]] : !dataflow.stream<vector<4xf32>, 2>
// CHECK-NEXT: vector.store %[[TOKEN]], %[[PACK]][%{{.*}}] : memref<4xf32>, vector<4xf32>
// CHECK-NEXT: scf.for %[[LANE:.*]] = %{{.*}} to %[[C4]] step %{{.*}} {
// CHECK-NEXT: %[[I:.*]] = arith.addi %[[IO]], %[[LANE]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %[[PACK]][%[[LANE]]] : memref<4xf32>
// CHECK-NEXT: memref.store %[[V]], %{{.*}}[%[[I]]] : memref<16xf32>
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
func.func @k_consumer(%in: !dataflow.stream<f32, 2>) attributes {dataflow.process = "consumer"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %tile = memref.alloca() : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    memref.store %v, %tile[%i] : memref<16xf32>
  }
  return
}

// CHECK-LABEL: func.func @k()
// CHECK-NEXT: dataflow.stream {entries = 4 : i64, name = "producer_to_consumer"} : !dataflow.stream<vector<4xf32>, 2>
func.func @k() attributes {dataflow.kernel} {
  %s = dataflow.stream {entries = 16 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 2>
  call @k_producer(%s) : (!dataflow.stream<f32, 2>) -> ()
  call @k_consumer(%s) : (!dataflow.stream<f32, 2>) -> ()
  return
}

// -----

// The width must divide every trip count of the group: a producer unrolled
// by 8 over 12 elements gets 6 (the largest divisor of 12 up to 8). A DMA
// loop of the producer (it loads the kernel's memory) is unrolled by the
// width, so that it keeps up; a FIFO accessed outside any loop keeps one
// element per token, and so does every FIFO it shares a loop with.

// CHECK-LABEL: func.func @k_dma(
// CHECK-SAME: !dataflow.stream<vector<6xf32>, 2>
// CHECK: memref.load %{{.*}} : memref<12xf32>
// CHECK: } {dataflow.unroll = 6 : i64}
// CHECK-LABEL: func.func @k_sink(
// CHECK-SAME: !dataflow.stream<vector<6xf32>, 2>
// CHECK-LABEL: func.func @k_lone(
// CHECK-SAME: !dataflow.stream<f32, 2>
// CHECK-LABEL: func.func @k(
// CHECK-NEXT: dataflow.stream {entries = 2 : i64, name = "dma_to_sink"} : !dataflow.stream<vector<6xf32>, 2>
// CHECK-NEXT: dataflow.stream {entries = 1 : i64, name = "lone"} : !dataflow.stream<f32, 2>
func.func @k_dma(%mem: memref<12xf32>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "dma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c12 = arith.constant 12 : index
  %tile = memref.alloca() : memref<12xf32>
  scf.for %i = %c0 to %c12 step %c1 {
    %v = memref.load %mem[%i] : memref<12xf32>
    memref.store %v, %tile[%i] : memref<12xf32>
  }
  scf.for %i = %c0 to %c12 step %c1 {
    %v = memref.load %tile[%i] : memref<12xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %tile[%i] : memref<12xf32>
  } {dataflow.unroll = 8 : i64}
  scf.for %i = %c0 to %c12 step %c1 {
    %v = memref.load %tile[%i] : memref<12xf32>
    dataflow.stream_write %v into %out : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_sink(%in: !dataflow.stream<f32, 2>) attributes {dataflow.process = "sink"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c12 = arith.constant 12 : index
  scf.for %i = %c0 to %c12 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_lone(%out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "lone"} {
  %v = arith.constant 1.0 : f32
  dataflow.stream_write %v into %out : !dataflow.stream<f32, 2>
  return
}
func.func @k_lone_reader(%in: !dataflow.stream<f32, 2>) attributes {dataflow.process = "lone_reader"} {
  %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
  return
}
func.func @k(%mem: memref<12xf32>) attributes {dataflow.kernel} {
  %s = dataflow.stream {entries = 12 : i64, name = "dma_to_sink"} : !dataflow.stream<f32, 2>
  %l = dataflow.stream {entries = 1 : i64, name = "lone"} : !dataflow.stream<f32, 2>
  call @k_dma(%mem, %s) : (memref<12xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_sink(%s) : (!dataflow.stream<f32, 2>) -> ()
  call @k_lone(%l) : (!dataflow.stream<f32, 2>) -> ()
  call @k_lone_reader(%l) : (!dataflow.stream<f32, 2>) -> ()
  return
}

// -----

// Lanes must be independent to sit side by side: a loop that writes a FIFO
// while accumulating into an array (the lanes would chain), or that writes
// the kernel's memory, keeps one element per token, and so does the loop at
// the other end.

// CHECK-LABEL: func.func @k_acc(
// CHECK-SAME: !dataflow.stream<f32, 2>
// CHECK-NOT: vector
// CHECK-LABEL: func.func @k_block(
// CHECK-SAME: !dataflow.stream<f32, 2>
// CHECK-NOT: vector
// CHECK-LABEL: func.func @k(
// CHECK-NEXT: dataflow.stream {entries = 16 : i64, name = "acc_to_block"} : !dataflow.stream<f32, 2>
func.func @k_acc(%out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "acc"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %sum = memref.alloca() : memref<1xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %s = memref.load %sum[%c0] : memref<1xf32>
    %t = arith.addf %s, %s : f32
    memref.store %t, %sum[%c0] : memref<1xf32>
    dataflow.stream_write %t into %out : !dataflow.stream<f32, 2>
  } {dataflow.unroll = 4 : i64}
  return
}
func.func @k_block(%in: !dataflow.stream<f32, 2>, %block: memref<16xf32>) attributes {dataflow.process = "block"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c16 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    memref.store %v, %block[%i] : memref<16xf32>
  }
  return
}
func.func @k(%block: memref<16xf32>) attributes {dataflow.kernel} {
  %s = dataflow.stream {entries = 16 : i64, name = "acc_to_block"} : !dataflow.stream<f32, 2>
  call @k_acc(%s) : (!dataflow.stream<f32, 2>) -> ()
  call @k_block(%s, %block) : (!dataflow.stream<f32, 2>, memref<16xf32>) -> ()
  return
}

// -----

// A DMA moves a whole AXI beat (512 bits) per cycle, so a FIFO a loop that
// loads the kernel's memory writes is as wide as the port, whatever its
// consumer unrolls: 64 int8 lanes. Its loops cover a row of 16 elements,
// fewer than that; each sits alone in a loop over rows (4 of them), so a
// token holds 4 rows: the row loops step by 4, and inside, lane ii of the
// rows and element j of the row are the token's lane ii * 16 + j.

// CHECK-LABEL: func.func @k_stream(
// CHECK-SAME: %[[MEM:[^:]*]]: memref<4x16xi8>, %[[OUT:[^:]*]]: !dataflow.stream<vector<64xi8>, 2>
// CHECK-NEXT: %[[PACK:.*]] = memref.alloca() {dataflow.lanes = 64 : i64} : memref<64xi8>
// CHECK: scf.for %[[IO:.*]] = %{{.*}} to %{{.*}} step %[[C4:.*]] {
// CHECK-NEXT: scf.for %[[II:.*]] = %{{.*}} to %[[C4]] step %{{.*}} {
// CHECK-NEXT: %[[I:.*]] = arith.addi %[[IO]], %[[II]] : index
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[ROW:.*]] = arith.muli %[[II]], %{{.*}} : index
// CHECK-NEXT: %[[LANE:.*]] = arith.addi %[[ROW]], %[[J]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %[[MEM]][%[[I]], %[[J]]] : memref<4x16xi8>
// CHECK-NEXT: memref.store %[[V]], %[[PACK]][%[[LANE]]] : memref<64xi8>
// CHECK-NEXT: } {dataflow.unroll = 16 : i64}
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
// CHECK-NEXT: %[[TOKEN:.*]] = vector.load %[[PACK]][%{{.*}}] : memref<64xi8>, vector<64xi8>
// CHECK-NEXT: dataflow.stream_write %[[TOKEN]] into %[[OUT]] : !dataflow.stream<vector<64xi8>, 2>
// CHECK-LABEL: func.func @k_rows(
// CHECK-SAME: !dataflow.stream<vector<64xi8>, 2>
// CHECK: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<64xi8>, 2>
// CHECK-LABEL: func.func @k(
// CHECK-NEXT: dataflow.stream {entries = 1 : i64, name = "stream_to_rows"} : !dataflow.stream<vector<64xi8>, 2>
func.func @k_stream(%mem: memref<4x16xi8>, %out: !dataflow.stream<i8, 2>) attributes {dataflow.process = "stream"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %mem[%i, %j] : memref<4x16xi8>
      dataflow.stream_write %v into %out : !dataflow.stream<i8, 2>
    }
  }
  return
}
func.func @k_rows(%in: !dataflow.stream<i8, 2>) attributes {dataflow.process = "rows"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %tile = memref.alloca() : memref<4x16xi8>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = dataflow.stream_read %in : !dataflow.stream<i8, 2>
      memref.store %v, %tile[%i, %j] : memref<4x16xi8>
    }
  }
  return
}
func.func @k(%mem: memref<4x16xi8>) attributes {dataflow.kernel} {
  %s = dataflow.stream {entries = 64 : i64, name = "stream_to_rows"} : !dataflow.stream<i8, 2>
  call @k_stream(%mem, %s) : (memref<4x16xi8>, !dataflow.stream<i8, 2>) -> ()
  call @k_rows(%s) : (!dataflow.stream<i8, 2>) -> ()
  return
}

// -----

// A converter's drain reads its ping-pong block by lanes like a local
// buffer (the emitter partitions the stream of blocks): the consumer
// computes 4 elements per cycle, so the FIFO carries 4 per token.

// CHECK-LABEL: func.func @k_drain(
// CHECK-SAME: !dataflow.stream<vector<4xf32>, 2>
// CHECK: %[[BLOCK:.*]] = dataflow.block_acquire
// CHECK: scf.for %[[IO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: scf.for %[[LANE:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: %[[I:.*]] = arith.addi %[[IO]], %[[LANE]] : index
// CHECK-NEXT: memref.load %[[BLOCK]][%[[I]]] : memref<16xf32>
// CHECK: } {dataflow.unroll = 4 : i64}
// CHECK-LABEL: func.func @k_use(
// CHECK-SAME: !dataflow.stream<vector<4xf32>, 2>
func.func @k_drain(%blocks: memref<16xf32>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "drain"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %blk = dataflow.block_acquire %blocks : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %blk[%i] : memref<16xf32>
    dataflow.stream_write %v into %out : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_use(%in: !dataflow.stream<f32, 2>) attributes {dataflow.process = "use"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %buf = memref.alloca() : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    memref.store %v, %buf[%i] : memref<16xf32>
  }
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %buf[%i] : memref<16xf32>
    %w = arith.mulf %v, %v : f32
    memref.store %w, %buf[%i] : memref<16xf32>
  } {dataflow.unroll = 4 : i64}
  return
}
func.func @k() attributes {dataflow.kernel} {
  %b = dataflow.buffer : memref<16xf32>
  %s = dataflow.stream {entries = 16 : i64, name = "drain_to_use"} : !dataflow.stream<f32, 2>
  call @k_drain(%b, %s) : (memref<16xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_use(%s) : (!dataflow.stream<f32, 2>) -> ()
  return
}

// -----

// The width a process wants is the elements it computes per cycle: its
// compute loop is unrolled 4 times over a completely unrolled loop of 2, so
// 8. Its FIFO loop covers rows of 2 inside a loop over 64 rows, and the
// reader's loop is flat, 128 elements: each takes the width its own way,
// the writer with 4 rows per token, the reader by 8 elements.

// CHECK-LABEL: func.func @k_pairs(
// CHECK-SAME: !dataflow.stream<vector<8xf32>, 2>
// CHECK: } {dataflow.unroll = 4 : i64}
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C4]] {
// CHECK-NEXT: scf.for %{{.*}} = %{{.*}} to %[[C4]] step %{{.*}} {
// CHECK: } {dataflow.unroll = 2 : i64}
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
// CHECK-NEXT: %[[TOKEN:.*]] = vector.load %{{.*}} : memref<8xf32>, vector<8xf32>
// CHECK-NEXT: dataflow.stream_write %[[TOKEN]]
// CHECK-LABEL: func.func @k_flat(
// CHECK-SAME: !dataflow.stream<vector<8xf32>, 2>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C8:.*]] {
// CHECK-NEXT: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<8xf32>, 2>
// CHECK: } {dataflow.unroll = 8 : i64}
// CHECK-LABEL: func.func @k(
// CHECK-NEXT: dataflow.stream {entries = 16 : i64, name = "pairs_to_flat"} : !dataflow.stream<vector<8xf32>, 2>
func.func @k_pairs(%out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "pairs"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %buf = memref.alloca() : memref<64x2xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c2 step %c1 {
      %v = memref.load %buf[%i, %j] : memref<64x2xf32>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %buf[%i, %j] : memref<64x2xf32>
    } {dataflow.unroll = 2 : i64}
  } {dataflow.unroll = 4 : i64}
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c2 step %c1 {
      %v = memref.load %buf[%i, %j] : memref<64x2xf32>
      dataflow.stream_write %v into %out : !dataflow.stream<f32, 2>
    }
  }
  return
}
func.func @k_flat(%in: !dataflow.stream<f32, 2>) attributes {dataflow.process = "flat"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %buf = memref.alloca() : memref<128xf32>
  scf.for %i = %c0 to %c128 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    memref.store %v, %buf[%i] : memref<128xf32>
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  %s = dataflow.stream {entries = 128 : i64, name = "pairs_to_flat"} : !dataflow.stream<f32, 2>
  call @k_pairs(%s) : (!dataflow.stream<f32, 2>) -> ()
  call @k_flat(%s) : (!dataflow.stream<f32, 2>) -> ()
  return
}

// -----

// Neither process unrolls: by default the FIFO keeps one element per token;
// with width=axi it carries as many as the AXI port (16 floats), as a DMA's
// FIFO does, and both loops step by 16.

// CHECK-LABEL: func.func @k_copy(
// CHECK-SAME: !dataflow.stream<f32, 2>
// CHECK-LABEL: func.func @k_keep(
// CHECK-SAME: !dataflow.stream<f32, 2>
// AXI-LABEL: func.func @k_copy(
// AXI-SAME: !dataflow.stream<vector<16xf32>, 2>
// AXI: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16:.*]] {
// AXI: } {dataflow.unroll = 16 : i64}
// AXI-NEXT: %[[TOKEN:.*]] = vector.load %{{.*}} : memref<16xf32>, vector<16xf32>
// AXI-NEXT: dataflow.stream_write %[[TOKEN]]
// AXI-LABEL: func.func @k_keep(
// AXI-SAME: !dataflow.stream<vector<16xf32>, 2>
// AXI: dataflow.stream_read %{{.*}} : !dataflow.stream<vector<16xf32>, 2>
func.func @k_copy(%out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "copy"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    dataflow.stream_write %v into %out : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_keep(%in: !dataflow.stream<f32, 2>) attributes {dataflow.process = "keep"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    memref.store %v, %buf[%i] : memref<64xf32>
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  %s = dataflow.stream {entries = 64 : i64, name = "copy_to_keep"} : !dataflow.stream<f32, 2>
  call @k_copy(%s) : (!dataflow.stream<f32, 2>) -> ()
  call @k_keep(%s) : (!dataflow.stream<f32, 2>) -> ()
  return
}
