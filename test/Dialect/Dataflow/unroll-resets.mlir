// RUN: streamtensor-opt %s --dataflow-unroll-resets | FileCheck %s

// A matmul's accumulator, cleared before each output tile 2 elements a
// cycle, and written out 8 x 2 a cycle (a widened FIFO loop), so its
// buffer has 8 x 2 banks: the reset's loop over the 64 rows takes 8 lanes,
// the one over the pairs stays complete, the one over the 32 tokens (a
// dimension without banks) stays as it is.
// CHECK-LABEL: func.func @k_reset
// CHECK: memref.store %{{.*}}, %[[ACC:.*]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<32x64x2xi32>
// CHECK-NEXT: } {dataflow.unroll = 2 : i64}
// CHECK-NEXT: } {dataflow.unroll = 8 : i64}
// CHECK-NEXT: }
// CHECK-NOT: dataflow.unroll = 32
func.func @k_reset(%out: !dataflow.stream<vector<16xi32>, 2>) attributes {dataflow.process = "reset"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0 : i32
  %pack = memref.alloca() {dataflow.lanes = 16 : i64} : memref<16xi32>
  scf.for %tile = %c0 to %c32 step %c1 {
    %acc = memref.alloca() : memref<32x64x2xi32>
    scf.for %m = %c0 to %c32 step %c1 {
      scf.for %n = %c0 to %c64 step %c1 {
        scf.for %j = %c0 to %c2 step %c1 {
          memref.store %zero, %acc[%m, %n, %j] : memref<32x64x2xi32>
        } {dataflow.unroll = 2 : i64}
      } {dataflow.unroll = 2 : i64}
    }
    scf.for %m = %c0 to %c32 step %c1 {
      scf.for %n = %c0 to %c64 step %c8 {
        scf.for %l = %c0 to %c8 step %c1 {
          %row = arith.addi %n, %l : index
          scf.for %j = %c0 to %c2 step %c1 {
            %v = memref.load %acc[%m, %row, %j] : memref<32x64x2xi32>
            %lane = arith.muli %l, %c2 : index
            %at = arith.addi %lane, %j : index
            memref.store %v, %pack[%at] : memref<16xi32>
          } {dataflow.unroll = 2 : i64}
        } {dataflow.unroll = 8 : i64}
        %t = vector.load %pack[%c0] : memref<16xi32>, vector<16xi32>
        dataflow.stream_write %t into %out : !dataflow.stream<vector<16xi32>, 2>
      }
    }
  }
  return
}

// Not resets: a stored value that is not a constant, a loop that does not
// start at 0, and a trip count (12) the banks (8) do not divide: they stay
// as they are. The last nest, a reset of the 8-bank buffer, takes 8 lanes.
// CHECK-LABEL: func.func @k_not_resets
// CHECK: memref.store %arg0, %{{.*}}[%{{.*}}] : memref<64xf32>
// CHECK-NEXT: {{^ *}}}{{$}}
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store %{{.*}} : memref<64xf32>
// CHECK-NEXT: {{^ *}}}{{$}}
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store %{{.*}} : memref<12xf32>
// CHECK-NEXT: {{^ *}}}{{$}}
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store %{{.*}} : memref<64xf32>
// CHECK-NEXT: } {dataflow.unroll = 8 : i64}
func.func @k_not_resets(%x: f32, %out: !dataflow.stream<vector<8xf32>, 2>) attributes {dataflow.process = "not_resets"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c12 = arith.constant 12 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %a = memref.alloca() : memref<64xf32>
  %b = memref.alloca() : memref<12xf32>
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    memref.store %x, %a[%i] : memref<64xf32>
  }
  scf.for %i = %c4 to %c64 step %c1 {
    memref.store %zero, %a[%i] : memref<64xf32>
  }
  scf.for %i = %c0 to %c12 step %c1 {
    memref.store %zero, %b[%i] : memref<12xf32>
  }
  scf.for %i = %c0 to %c64 step %c1 {
    memref.store %zero, %a[%i] : memref<64xf32>
  }
  scf.for %n = %c0 to %c64 step %c8 {
    scf.for %l = %c0 to %c8 step %c1 {
      %at = arith.addi %n, %l : index
      %v = memref.load %a[%at] : memref<64xf32>
      %w = memref.load %b[%l] : memref<12xf32>
      %s = arith.addf %v, %w : f32
      memref.store %s, %pack[%l] : memref<8xf32>
    } {dataflow.unroll = 8 : i64}
    %t = vector.load %pack[%c0] : memref<8xf32>, vector<8xf32>
    dataflow.stream_write %t into %out : !dataflow.stream<vector<8xf32>, 2>
  }
  return
}

// A process measured by Vitis HLS (csynth) keeps the code its figures are
// of: its reset stays at one element a cycle.
// CHECK-LABEL: func.func @k_measured
// CHECK: memref.store %{{.*}} : memref<64xf32>
// CHECK-NEXT: {{^ *}}}{{$}}
func.func @k_measured(%out: !dataflow.stream<vector<8xf32>, 2>) attributes {dataflow.process = "measured", dataflow.csynth} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %a = memref.alloca() : memref<64xf32>
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    memref.store %zero, %a[%i] : memref<64xf32>
  }
  scf.for %n = %c0 to %c64 step %c8 {
    scf.for %l = %c0 to %c8 step %c1 {
      %at = arith.addi %n, %l : index
      %v = memref.load %a[%at] : memref<64xf32>
      memref.store %v, %pack[%l] : memref<8xf32>
    } {dataflow.unroll = 8 : i64}
    %t = vector.load %pack[%c0] : memref<8xf32>, vector<8xf32>
    dataflow.stream_write %t into %out : !dataflow.stream<vector<8xf32>, 2>
  }
  return
}
