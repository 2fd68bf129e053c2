// RUN: streamtensor-opt %s --dataflow-fuse-tile-reads --split-input-file | FileCheck %s

// A matrix-vector product's weight tile, 4 rows of 8, arrives in tokens of
// 8 (a widened FIFO, as dataflow-widen-fifos leaves it). The computation's
// pipelined loop takes row n in iteration n, through the reduction loop
// unrolled completely: token n. The fill and the tile buffer are gone;
// the pipelined loop reads its token into a register buffer and the
// unrolled loop takes lane k.
// CHECK-LABEL: func.func @gemv(
// CHECK-SAME: %[[A:[^:]*]]: memref<8xi32>, %[[IN:[^:]*]]: !dataflow.stream<vector<8xi32>, 2>
// CHECK-NEXT: %[[TOKEN:.*]] = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xi32>
// CHECK-NOT: memref<4x8xi32>
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[T:.*]] = dataflow.stream_read %[[IN]] : !dataflow.stream<vector<8xi32>, 2>
// CHECK-NEXT: vector.store %[[T]], %[[TOKEN]][%[[ZERO]]] : memref<8xi32>, vector<8xi32>
// CHECK-NEXT: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: memref.load %[[A]][%[[K]]] : memref<8xi32>
// CHECK-NEXT: memref.load %[[TOKEN]][%[[K]]] : memref<8xi32>
// CHECK: } {dataflow.unroll = 8 : i64}
// CHECK-NOT: dataflow.stream_read
func.func @gemv(%a: memref<8xi32>, %in: !dataflow.stream<vector<8xi32>, 2>, %out: memref<4xi32>) attributes {dataflow.process = "gemv"} {
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %tile = memref.alloca() : memref<4x8xi32>
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %ko = %c0 to %c8 step %c8 {
      %t = dataflow.stream_read %in : !dataflow.stream<vector<8xi32>, 2>
      vector.store %t, %pack[%c0] : memref<8xi32>, vector<8xi32>
      scf.for %lane = %c0 to %c8 step %c1 {
        %k = arith.addi %ko, %lane : index
        %v = memref.load %pack[%lane] : memref<8xi32>
        memref.store %v, %tile[%n, %k] : memref<4x8xi32>
      } {dataflow.unroll = 8 : i64}
    }
  }
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%k] : memref<8xi32>
      %w = memref.load %tile[%n, %k] : memref<4x8xi32>
      %acc = memref.load %out[%n] : memref<4xi32>
      %p = arith.muli %x, %w : i32
      %s = arith.addi %acc, %p : i32
      memref.store %s, %out[%n] : memref<4xi32>
    } {dataflow.unroll = 8 : i64}
  }
  return
}

// -----

// A FIFO of single elements: the pipelined loop reads one element per
// iteration, and its loads take lane 0.
// CHECK-LABEL: func.func @scalar(
// CHECK-SAME: %[[IN:[^:]*]]: !dataflow.stream<f32, 2>
// CHECK-NEXT: %[[TOKEN:.*]] = memref.alloca() {dataflow.lanes = 1 : i64} : memref<1xf32>
// CHECK-NOT: memref<16xf32>
// CHECK: scf.for
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[V:.*]] = dataflow.stream_read %[[IN]] : !dataflow.stream<f32, 2>
// CHECK-NEXT: memref.store %[[V]], %[[TOKEN]][%[[ZERO]]] : memref<1xf32>
// CHECK-NEXT: %[[LANE:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[X:.*]] = memref.load %[[TOKEN]][%[[LANE]]] : memref<1xf32>
// CHECK-NEXT: arith.mulf %[[X]], %[[X]] : f32
func.func @scalar(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "scalar"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %tile = memref.alloca() : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    memref.store %v, %tile[%i] : memref<16xf32>
  }
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %tile[%i] : memref<16xf32>
    %y = arith.mulf %x, %x : f32
    dataflow.stream_write %y into %out : !dataflow.stream<f32, 2>
  }
  return
}

// -----

// The reduction outermost: iteration (k, n) of the pipelined loop takes
// element (n, k), not the FIFO's next one. Left as it is.
// CHECK-LABEL: func.func @reduction_outside(
// CHECK: memref.alloca() : memref<4x8xi32>
// CHECK-COUNT-1: dataflow.stream_read
// CHECK-NOT: dataflow.stream_read
func.func @reduction_outside(%a: memref<8xi32>, %in: !dataflow.stream<vector<8xi32>, 2>, %out: memref<4xi32>) attributes {dataflow.process = "reduction_outside"} {
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %tile = memref.alloca() : memref<4x8xi32>
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %ko = %c0 to %c8 step %c8 {
      %t = dataflow.stream_read %in : !dataflow.stream<vector<8xi32>, 2>
      vector.store %t, %pack[%c0] : memref<8xi32>, vector<8xi32>
      scf.for %lane = %c0 to %c8 step %c1 {
        %k = arith.addi %ko, %lane : index
        %v = memref.load %pack[%lane] : memref<8xi32>
        memref.store %v, %tile[%n, %k] : memref<4x8xi32>
      } {dataflow.unroll = 8 : i64}
    }
  }
  scf.for %k = %c0 to %c8 step %c1 {
    scf.for %n = %c0 to %c4 step %c1 {
      %x = memref.load %a[%k] : memref<8xi32>
      %w = memref.load %tile[%n, %k] : memref<4x8xi32>
      %acc = memref.load %out[%n] : memref<4xi32>
      %p = arith.muli %x, %w : i32
      %s = arith.addi %acc, %p : i32
      memref.store %s, %out[%n] : memref<4xi32>
    } {dataflow.unroll = 4 : i64}
  }
  return
}

// -----

// Two rows of outputs (a prefill tile) use every weight twice, once per
// row: the second row would need the tokens again. Left as it is.
// CHECK-LABEL: func.func @reused(
// CHECK: memref.alloca() : memref<4x8xi32>
func.func @reused(%a: memref<2x8xi32>, %in: !dataflow.stream<vector<8xi32>, 2>, %out: memref<2x4xi32>) attributes {dataflow.process = "reused"} {
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %tile = memref.alloca() : memref<4x8xi32>
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %ko = %c0 to %c8 step %c8 {
      %t = dataflow.stream_read %in : !dataflow.stream<vector<8xi32>, 2>
      vector.store %t, %pack[%c0] : memref<8xi32>, vector<8xi32>
      scf.for %lane = %c0 to %c8 step %c1 {
        %k = arith.addi %ko, %lane : index
        %v = memref.load %pack[%lane] : memref<8xi32>
        memref.store %v, %tile[%n, %k] : memref<4x8xi32>
      } {dataflow.unroll = 8 : i64}
    }
  }
  scf.for %m = %c0 to %c2 step %c1 {
    scf.for %n = %c0 to %c4 step %c1 {
      scf.for %k = %c0 to %c8 step %c1 {
        %x = memref.load %a[%m, %k] : memref<2x8xi32>
        %w = memref.load %tile[%n, %k] : memref<4x8xi32>
        %acc = memref.load %out[%m, %n] : memref<2x4xi32>
        %p = arith.muli %x, %w : i32
        %s = arith.addi %acc, %p : i32
        memref.store %s, %out[%m, %n] : memref<2x4xi32>
      } {dataflow.unroll = 8 : i64}
    }
  }
  return
}

// -----

// Half a token per iteration (the reduction loop unrolled by 4 of 8): a
// token would have to outlive the iteration that read it. Left as it is.
// CHECK-LABEL: func.func @half_token(
// CHECK: memref.alloca() : memref<4x8xi32>

// A row of two tokens per iteration (@two_tokens): the pipelined loop reads
// both, into lanes 0-3 and 4-7 of its register buffer.
// CHECK-LABEL: func.func @two_tokens(
// CHECK-SAME: %[[IN:[^:]*]]: !dataflow.stream<vector<4xi32>, 2>
// CHECK-NEXT: %[[TOKENS:.*]] = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xi32>
// CHECK-NOT: memref<4x8xi32>
// CHECK: scf.for
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[T0:.*]] = dataflow.stream_read %[[IN]]
// CHECK-NEXT: vector.store %[[T0]], %[[TOKENS]][%[[C0]]]
// CHECK-NEXT: %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[T1:.*]] = dataflow.stream_read %[[IN]]
// CHECK-NEXT: vector.store %[[T1]], %[[TOKENS]][%[[C4]]]
// CHECK-NEXT: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: memref.load %[[TOKENS]][%[[K]]] : memref<8xi32>

// The same with a FIFO written in that loop: the task model moves one
// token of each FIFO per iteration, so two reads beside one write are left
// as they are.
// CHECK-LABEL: func.func @two_tokens_and_a_write(
// CHECK: memref.alloca() : memref<4x8xi32>
func.func @half_token(%a: memref<8xi32>, %in: !dataflow.stream<vector<8xi32>, 2>, %out: memref<4xi32>) attributes {dataflow.process = "half_token"} {
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %tile = memref.alloca() : memref<4x8xi32>
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %ko = %c0 to %c8 step %c8 {
      %t = dataflow.stream_read %in : !dataflow.stream<vector<8xi32>, 2>
      vector.store %t, %pack[%c0] : memref<8xi32>, vector<8xi32>
      scf.for %lane = %c0 to %c8 step %c1 {
        %k = arith.addi %ko, %lane : index
        %v = memref.load %pack[%lane] : memref<8xi32>
        memref.store %v, %tile[%n, %k] : memref<4x8xi32>
      } {dataflow.unroll = 8 : i64}
    }
  }
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%k] : memref<8xi32>
      %w = memref.load %tile[%n, %k] : memref<4x8xi32>
      %acc = memref.load %out[%n] : memref<4xi32>
      %p = arith.muli %x, %w : i32
      %s = arith.addi %acc, %p : i32
      memref.store %s, %out[%n] : memref<4xi32>
    } {dataflow.unroll = 4 : i64}
  }
  return
}

func.func @two_tokens(%in: !dataflow.stream<vector<4xi32>, 2>, %out: memref<4xi32>) attributes {dataflow.process = "two_tokens"} {
  %pack = memref.alloca() {dataflow.lanes = 4 : i64} : memref<4xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %tile = memref.alloca() : memref<4x8xi32>
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %ko = %c0 to %c8 step %c4 {
      %t = dataflow.stream_read %in : !dataflow.stream<vector<4xi32>, 2>
      vector.store %t, %pack[%c0] : memref<4xi32>, vector<4xi32>
      scf.for %lane = %c0 to %c4 step %c1 {
        %k = arith.addi %ko, %lane : index
        %v = memref.load %pack[%lane] : memref<4xi32>
        memref.store %v, %tile[%n, %k] : memref<4x8xi32>
      } {dataflow.unroll = 4 : i64}
    }
  }
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %w = memref.load %tile[%n, %k] : memref<4x8xi32>
      %acc = memref.load %out[%n] : memref<4xi32>
      %s = arith.addi %acc, %w : i32
      memref.store %s, %out[%n] : memref<4xi32>
    } {dataflow.unroll = 8 : i64}
  }
  return
}

func.func @two_tokens_and_a_write(%in: !dataflow.stream<vector<4xi32>, 2>, %out: !dataflow.stream<i32, 2>) attributes {dataflow.process = "two_tokens_and_a_write"} {
  %pack = memref.alloca() {dataflow.lanes = 4 : i64} : memref<4xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0 : i32
  %tile = memref.alloca() : memref<4x8xi32>
  %sum = memref.alloca() : memref<1xi32>
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %ko = %c0 to %c8 step %c4 {
      %t = dataflow.stream_read %in : !dataflow.stream<vector<4xi32>, 2>
      vector.store %t, %pack[%c0] : memref<4xi32>, vector<4xi32>
      scf.for %lane = %c0 to %c4 step %c1 {
        %k = arith.addi %ko, %lane : index
        %v = memref.load %pack[%lane] : memref<4xi32>
        memref.store %v, %tile[%n, %k] : memref<4x8xi32>
      } {dataflow.unroll = 4 : i64}
    }
  }
  scf.for %n = %c0 to %c4 step %c1 {
    memref.store %zero, %sum[%c0] : memref<1xi32>
    scf.for %k = %c0 to %c8 step %c1 {
      %w = memref.load %tile[%n, %k] : memref<4x8xi32>
      %acc = memref.load %sum[%c0] : memref<1xi32>
      %s = arith.addi %acc, %w : i32
      memref.store %s, %sum[%c0] : memref<1xi32>
    } {dataflow.unroll = 8 : i64}
    %total = memref.load %sum[%c0] : memref<1xi32>
    dataflow.stream_write %total into %out : !dataflow.stream<i32, 2>
  }
  return
}

// -----

// A fill that stores token t's lanes out of order (lane j into element
// 7 - j): the elements are not in FIFO order. Left as it is.
// CHECK-LABEL: func.func @reversed_fill(
// CHECK: memref.alloca() : memref<4x8xi32>
func.func @reversed_fill(%a: memref<8xi32>, %in: !dataflow.stream<vector<8xi32>, 2>, %out: memref<4xi32>) attributes {dataflow.process = "reversed_fill"} {
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %tile = memref.alloca() : memref<4x8xi32>
  scf.for %n = %c0 to %c4 step %c1 {
    %t = dataflow.stream_read %in : !dataflow.stream<vector<8xi32>, 2>
    vector.store %t, %pack[%c0] : memref<8xi32>, vector<8xi32>
    scf.for %lane = %c0 to %c8 step %c1 {
      %k = arith.subi %c7, %lane : index
      %v = memref.load %pack[%lane] : memref<8xi32>
      memref.store %v, %tile[%n, %k] : memref<4x8xi32>
    } {dataflow.unroll = 8 : i64}
  }
  scf.for %n = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%k] : memref<8xi32>
      %w = memref.load %tile[%n, %k] : memref<4x8xi32>
      %acc = memref.load %out[%n] : memref<4xi32>
      %p = arith.muli %x, %w : i32
      %s = arith.addi %acc, %p : i32
      memref.store %s, %out[%n] : memref<4xi32>
    } {dataflow.unroll = 8 : i64}
  }
  return
}

// -----

// The process writes a FIFO between the fill and the computation: moving
// the reads past that write could change who waits for whom. Left as it is.
// CHECK-LABEL: func.func @write_between(
// CHECK: memref.alloca() : memref<16xf32>
func.func @write_between(%in: !dataflow.stream<f32, 2>, %out: !dataflow.stream<f32, 2>) attributes {dataflow.process = "write_between"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %tile = memref.alloca() : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 2>
    memref.store %v, %tile[%i] : memref<16xf32>
  }
  dataflow.stream_write %zero into %out : !dataflow.stream<f32, 2>
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %tile[%i] : memref<16xf32>
    dataflow.stream_write %x into %out : !dataflow.stream<f32, 2>
  }
  return
}
