// RUN: streamtensor-opt %s --dataflow-size-fifos | FileCheck %s

// Normal mode sizes FIFOs for the held-back schedule (HoldBackSizing.h):
// a writer that a full FIFO stalls loses nothing when its readers are
// slower anyway. `fork` copies 64 tokens, one per cycle, to three readers
// that each spend 8 cycles on a token (a loop of 8 stores per read) and
// meet again in `join`. Every task running at its own pace, as the paper's
// token model assumes, `fork` is done long before the readers and each of
// its FIFOs holds most of the 64 tokens; held back by its readers, it
// writes a token when one is taken, and one slot each is enough (the
// paper's LP gives them 58 slots each; HoldBackSizingTest compares).
// The design takes as long as with unbounded FIFOs (the simulator checks).

// CHECK-LABEL: func.func @k()
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "in"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "to_a"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "to_b"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "to_c"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "from_a"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "from_b"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "from_c"} : !dataflow.stream<f32, 1>

func.func @k_src(%out: !dataflow.stream<f32, 1>) attributes {dataflow.process = "src"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    dataflow.stream_write %v into %out : !dataflow.stream<f32, 1>
  }
  return
}
func.func @k_fork(%in: !dataflow.stream<f32, 1>, %a: !dataflow.stream<f32, 1>, %b: !dataflow.stream<f32, 1>, %c: !dataflow.stream<f32, 1>) attributes {dataflow.process = "fork"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 1>
    dataflow.stream_write %x into %a : !dataflow.stream<f32, 1>
    dataflow.stream_write %x into %b : !dataflow.stream<f32, 1>
    dataflow.stream_write %x into %c : !dataflow.stream<f32, 1>
  }
  return
}
func.func @k_slow(%in: !dataflow.stream<f32, 1>, %out: !dataflow.stream<f32, 1>) attributes {dataflow.process = "slow"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %buffer = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 1>
    scf.for %j = %c0 to %c8 step %c1 {
      memref.store %x, %buffer[%j] : memref<8xf32>
    }
    dataflow.stream_write %x into %out : !dataflow.stream<f32, 1>
  }
  return
}
func.func @k_join(%a: !dataflow.stream<f32, 1>, %b: !dataflow.stream<f32, 1>, %c: !dataflow.stream<f32, 1>) attributes {dataflow.process = "join"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %a : !dataflow.stream<f32, 1>
    %y = dataflow.stream_read %b : !dataflow.stream<f32, 1>
    %z = dataflow.stream_read %c : !dataflow.stream<f32, 1>
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  %in = dataflow.stream {entries = 64 : i64, name = "in"} : !dataflow.stream<f32, 1>
  %a = dataflow.stream {entries = 64 : i64, name = "to_a"} : !dataflow.stream<f32, 1>
  %b = dataflow.stream {entries = 64 : i64, name = "to_b"} : !dataflow.stream<f32, 1>
  %c = dataflow.stream {entries = 64 : i64, name = "to_c"} : !dataflow.stream<f32, 1>
  %ra = dataflow.stream {entries = 64 : i64, name = "from_a"} : !dataflow.stream<f32, 1>
  %rb = dataflow.stream {entries = 64 : i64, name = "from_b"} : !dataflow.stream<f32, 1>
  %rc = dataflow.stream {entries = 64 : i64, name = "from_c"} : !dataflow.stream<f32, 1>
  call @k_src(%in) : (!dataflow.stream<f32, 1>) -> ()
  call @k_fork(%in, %a, %b, %c) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @k_slow(%a, %ra) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @k_slow(%b, %rb) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @k_slow(%c, %rc) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @k_join(%ra, %rb, %rc) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  return
}

// A layout converter: `fill` puts 64 tokens in a ping-pong block, `drain`
// replays the block 16 times (1024 tokens, one per cycle) into `slow`,
// which takes 8 cycles per token. Unheld, the drain runs ahead by most of
// the 1024 tokens (the paper's LP gives the FIFO 938 slots); held back by
// `slow`, it needs one slot. The ping-pong buffer keeps its two blocks.

// CHECK-LABEL: func.func @r()
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "src_to_fill"} : !dataflow.stream<f32, 2>
// CHECK-NEXT: dataflow.buffer {name = "blocks"} : memref<64xf32>
// CHECK-NEXT: dataflow.stream {entries = 1024 : i64, name = "drain_to_slow"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {entries = 1024 : i64, name = "slow_to_sink"} : !dataflow.stream<f32, 1>

func.func @r_src(%out: !dataflow.stream<f32, 1>) attributes {dataflow.process = "src"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    dataflow.stream_write %v into %out : !dataflow.stream<f32, 1>
  }
  return
}
func.func @r_fill(%in: !dataflow.stream<f32, 1>, %blocks: memref<64xf32>) attributes {dataflow.process = "fill"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %block = dataflow.block_acquire write %blocks : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 1>
    memref.store %x, %block[%i] : memref<64xf32>
  }
  return
}
func.func @r_drain(%blocks: memref<64xf32>, %out: !dataflow.stream<f32, 1>) attributes {dataflow.process = "drain"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %block = dataflow.block_acquire %blocks : memref<64xf32>
  scf.for %r = %c0 to %c16 step %c1 {
    scf.for %i = %c0 to %c64 step %c1 {
      %x = memref.load %block[%i] : memref<64xf32>
      dataflow.stream_write %x into %out : !dataflow.stream<f32, 1>
    }
  }
  return
}
func.func @r_slow(%in: !dataflow.stream<f32, 1>, %out: !dataflow.stream<f32, 1>) attributes {dataflow.process = "slow"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c1024 = arith.constant 1024 : index
  %buffer = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c1024 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 1>
    scf.for %j = %c0 to %c8 step %c1 {
      memref.store %x, %buffer[%j] : memref<8xf32>
    }
    dataflow.stream_write %x into %out : !dataflow.stream<f32, 1>
  }
  return
}
func.func @r_sink(%in: !dataflow.stream<f32, 1>) attributes {dataflow.process = "sink"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  scf.for %i = %c0 to %c1024 step %c1 {
    %x = dataflow.stream_read %in : !dataflow.stream<f32, 1>
  }
  return
}
func.func @r() attributes {dataflow.kernel} {
  %in = dataflow.stream {entries = 64 : i64, name = "src_to_fill"} : !dataflow.stream<f32, 1>
  %blocks = dataflow.buffer {name = "blocks"} : memref<64xf32>
  %mid = dataflow.stream {entries = 1024 : i64, name = "drain_to_slow"} : !dataflow.stream<f32, 1>
  %out = dataflow.stream {entries = 1024 : i64, name = "slow_to_sink"} : !dataflow.stream<f32, 1>
  call @r_src(%in) : (!dataflow.stream<f32, 1>) -> ()
  call @r_fill(%in, %blocks) : (!dataflow.stream<f32, 1>, memref<64xf32>) -> ()
  call @r_drain(%blocks, %mid) : (memref<64xf32>, !dataflow.stream<f32, 1>) -> ()
  call @r_slow(%mid, %out) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @r_sink(%out) : (!dataflow.stream<f32, 1>) -> ()
  return
}
