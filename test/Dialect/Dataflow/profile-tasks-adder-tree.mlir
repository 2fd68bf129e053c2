// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s

// The lanes of an unrolled integer reduction are summed by a balanced tree,
// then added to the accumulator once; each add of the tree is as wide as
// its operands need, one bit more per level (the U55C's add_i32: 39 LUTs,
// 32 FFs for 32 bits). Each process: acc[i] += v[i][k], i < 4 pipelined,
// k < 8 unrolled completely: a tree of 8 values (4 + 2 + 1 adds), then the
// accumulator's 32-bit add.
//  - narrow: v = (int32)x * (int32)w of an int8 and an int4: 12 bits, so
//    the tree's adds take 13, 14 and 15 bits: (4*13 + 2*14 + 15) / 32 =
//    2.97 adds of 32 bits, 3.97 with the accumulator's: 154.78 LUTs and
//    127 FFs (the multiplies are the platform's mac_i8i8, no LUT; priced as
//    eight 32-bit adds, the sum took 312 LUTs);
//  - wide: v loaded as int32: every add is 32 bits wide, 8 of them: 312
//    LUTs, 256 FFs.
// The rest of each total is the process's other LUTs and FFs, which the
// tree does not change: 128 LUTs and 256 FFs (narrow), 512 and 192 (wide)
// (the banks of one element are registers).

// CHECK-LABEL: func.func @k_narrow(
// CHECK-SAME: ff = 3.830000e+02 : f64
// CHECK-SAME: lut = 282.78125 : f64
func.func @k_narrow(%o: !dataflow.stream<i32, 2>) attributes {dataflow.process = "narrow"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c4_i8 = arith.constant 4 : i8
  %x = memref.alloca() : memref<8xi8>
  %w = memref.alloca() : memref<4x8xi8>
  %acc = memref.alloca() : memref<4xi32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %a = memref.load %x[%k] : memref<8xi8>
      %byte = memref.load %w[%i, %k] : memref<4x8xi8>
      %nibble = arith.shrsi %byte, %c4_i8 : i8
      %a32 = arith.extsi %a : i8 to i32
      %w32 = arith.extsi %nibble : i8 to i32
      %p = arith.muli %a32, %w32 : i32
      %old = memref.load %acc[%i] : memref<4xi32>
      %new = arith.addi %old, %p : i32
      memref.store %new, %acc[%i] : memref<4xi32>
    } {dataflow.unroll = 8 : i64}
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %acc[%i] : memref<4xi32>
    dataflow.stream_write %v into %o : !dataflow.stream<i32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_wide(
// CHECK-SAME: ff = 4.480000e+02 : f64
// CHECK-SAME: lut = 8.240000e+02 : f64
func.func @k_wide(%o: !dataflow.stream<i32, 2>) attributes {dataflow.process = "wide"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %v = memref.alloca() : memref<4x8xi32>
  %acc = memref.alloca() : memref<4xi32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %v[%i, %k] : memref<4x8xi32>
      %old = memref.load %acc[%i] : memref<4xi32>
      %new = arith.addi %old, %x : i32
      memref.store %new, %acc[%i] : memref<4xi32>
    } {dataflow.unroll = 8 : i64}
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %acc[%i] : memref<4xi32>
    dataflow.stream_write %x into %o : !dataflow.stream<i32, 2>
  }
  return
}

func.func @k() attributes {dataflow.kernel} {
  %a = dataflow.stream {entries = 4 : i64, name = "a"} : !dataflow.stream<i32, 2>
  %b = dataflow.stream {entries = 4 : i64, name = "b"} : !dataflow.stream<i32, 2>
  call @k_narrow(%a) : (!dataflow.stream<i32, 2>) -> ()
  call @k_wide(%b) : (!dataflow.stream<i32, 2>) -> ()
  return
}
