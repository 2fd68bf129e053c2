// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity | FileCheck %s

// Once a process's longest nest cannot get faster, its shorter nests may
// still be unrolled, as long as that costs no operators and no memory
// banks: an accumulator reset, which takes one element a cycle while the
// accumulator's banks could take several.
//
// The process "mac": acc[k] = 0 and spare[k] = 0 (k < 8), then 16 x 8
// values read into buf, then acc[k] += buf[i][k] * 3 (i < 16, k < 8), then
// acc[k] + spare[k] written out. The multiply-add nest is the longest
// (128 iterations). Its k loop is unrolled by 2 and 4 (latency 290 -> 226
// -> 194 cycles, dataflow-profile-tasks); at 8 the process would take 268
// (the i loop around it then waits for each acc[k] update), so the nest is
// as fast as it gets, and the longest still.
//  - acc's reset: acc has 4 banks for the nest's 4 lanes of k; the reset
//    unrolled by 2 and 4 needs no other banks and no operators, and each
//    step saves cycles. By 8 it would need 8 banks: left at 4.
//  - spare's reset: spare has one bank (the loop that reads it is not
//    unrolled); unrolled, the reset would need more: left alone.
// Before, the pass stopped at the first nest that could not get faster,
// and the reset stayed at one element a cycle.

// CHECK-LABEL: func.func @r_mac(
// CHECK: scf.for
// CHECK-NEXT: memref.store %{{.*}}, %[[ACC:.*]][%{{.*}}] : memref<8xi32>
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.store %{{.*}}, %[[SPARE:.*]][%{{.*}}] : memref<8xi32>
// CHECK-NEXT: }{{$}}
// CHECK: dataflow.stream_read
// CHECK-NEXT: memref.store
// CHECK-NEXT: }{{$}}
// CHECK-NEXT: }{{$}}
// CHECK: arith.muli
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK-NEXT: } {dataflow.unroll = 4 : i64}
// CHECK-NEXT: }{{$}}
// CHECK: memref.load %[[SPARE]]
// CHECK: dataflow.stream_write
// CHECK-NEXT: }{{$}}
// CHECK-NEXT: return
func.func @r_load(%in: memref<128xi32>, %x: !dataflow.stream<i32, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  scf.for %i = %c0 to %c128 step %c1 {
    %v = memref.load %in[%i] : memref<128xi32>
    dataflow.stream_write %v into %x : !dataflow.stream<i32, 2>
  }
  return
}
func.func @r_mac(%x: !dataflow.stream<i32, 2>, %y: !dataflow.stream<i32, 2>) attributes {dataflow.process = "mac"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0 : i32
  %three = arith.constant 3 : i32
  %acc = memref.alloca() : memref<8xi32>
  %spare = memref.alloca() : memref<8xi32>
  %buf = memref.alloca() : memref<16x8xi32>
  scf.for %k = %c0 to %c8 step %c1 {
    memref.store %zero, %acc[%k] : memref<8xi32>
  }
  scf.for %k = %c0 to %c8 step %c1 {
    memref.store %zero, %spare[%k] : memref<8xi32>
  }
  scf.for %i = %c0 to %c16 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %v = dataflow.stream_read %x : !dataflow.stream<i32, 2>
      memref.store %v, %buf[%i, %k] : memref<16x8xi32>
    }
  }
  scf.for %i = %c0 to %c16 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %v = memref.load %buf[%i, %k] : memref<16x8xi32>
      %m = arith.muli %v, %three : i32
      %old = memref.load %acc[%k] : memref<8xi32>
      %new = arith.addi %old, %m : i32
      memref.store %new, %acc[%k] : memref<8xi32>
    }
  }
  scf.for %k = %c0 to %c8 step %c1 {
    %a = memref.load %acc[%k] : memref<8xi32>
    %s = memref.load %spare[%k] : memref<8xi32>
    %t = arith.addi %a, %s : i32
    dataflow.stream_write %t into %y : !dataflow.stream<i32, 2>
  }
  return
}
func.func @r_store(%y: !dataflow.stream<i32, 2>, %out: memref<8xi32>) attributes {dataflow.process = "store"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = dataflow.stream_read %y : !dataflow.stream<i32, 2>
    memref.store %v, %out[%i] : memref<8xi32>
  }
  return
}
func.func @r(%in: memref<128xi32>, %out: memref<8xi32>) attributes {dataflow.kernel} {
  %x = dataflow.stream {entries = 128 : i64, name = "x"} : !dataflow.stream<i32, 2>
  %y = dataflow.stream {entries = 8 : i64, name = "y"} : !dataflow.stream<i32, 2>
  call @r_load(%in, %x) : (memref<128xi32>, !dataflow.stream<i32, 2>) -> ()
  call @r_mac(%x, %y) : (!dataflow.stream<i32, 2>, !dataflow.stream<i32, 2>) -> ()
  call @r_store(%y, %out) : (!dataflow.stream<i32, 2>, memref<8xi32>) -> ()
  return
}
