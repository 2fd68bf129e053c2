// Two MACs in one multiply give the products the plain multiplies give, for
// every int8 activation against every pair of int4 weights, and against
// pairs of int8 weights at the edges of their range. The golden is upstream
// MLIR's own CPU lowering of the plain products (in @main, which is not a
// process, so the pass leaves it as it is).
//
// RUN: streamtensor-opt %s --dataflow-pack-macs | FileCheck %s --check-prefix=PACKED
// RUN: streamtensor-opt %s --dataflow-pack-macs \
// RUN:   | mlir-opt --convert-scf-to-cf --expand-strided-metadata \
// RUN:       --convert-arith-to-llvm --convert-index-to-llvm \
// RUN:       --finalize-memref-to-llvm --convert-cf-to-llvm \
// RUN:       --convert-func-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%llvm_lib_dir/libmlir_c_runner_utils.so \
// RUN:   | FileCheck %s

// Both processes are packed (the pass would otherwise test nothing here).
// PACKED-LABEL: func.func @int4_weights(
// PACKED: dataflow.packed_mac = "mac_i8i4"
// PACKED-LABEL: func.func @int8_weights(
// PACKED: dataflow.packed_mac = "mac_i8i8"

// Mismatches of each process, then the sum of its products (a check that
// they were computed at all): int4, sum over a of a times sum over the
// columns of w = (-128) * (32 * (-8)) = 32768 (each value sits in 16
// pairs, first and second); int8, (-128) * (32 * 59) = -241664.
// CHECK: 0
// CHECK-NEXT: 32768
// CHECK-NEXT: 0
// CHECK-NEXT: -241664

func.func private @printI64(i64)
func.func private @printNewline()

// out[r][c] = sum over k < 2 of x[r][k] * w[c][k], the weight's high
// nibble, sign-extended (how a w4a8 matmul unpacks its int4 weights).
func.func @int4_weights(%x: memref<256x2xi8>, %w: memref<512x2xi8>,
                        %out: memref<256x512xi32>)
    attributes {dataflow.process = "matmul"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %c0_i32 = arith.constant 0 : i32
  %acc = memref.alloca() : memref<256x512xi32>
  scf.for %r = %c0 to %c256 step %c1 {
    scf.for %c = %c0 to %c512 step %c1 {
      memref.store %c0_i32, %acc[%r, %c] : memref<256x512xi32>
    }
  }
  %c4_i8 = arith.constant 4 : i8
  scf.for %r = %c0 to %c256 step %c1 {
    scf.for %c = %c0 to %c512 step %c1 {
      scf.for %k = %c0 to %c2 step %c1 {
        %a = memref.load %x[%r, %k] : memref<256x2xi8>
        %byte = memref.load %w[%c, %k] : memref<512x2xi8>
        %nibble = arith.shrsi %byte, %c4_i8 : i8
        %a32 = arith.extsi %a : i8 to i32
        %w32 = arith.extsi %nibble : i8 to i32
        %product = arith.muli %a32, %w32 : i32
        %old = memref.load %acc[%r, %c] : memref<256x512xi32>
        %new = arith.addi %old, %product : i32
        memref.store %new, %acc[%r, %c] : memref<256x512xi32>
      }
    }
  }
  memref.copy %acc, %out : memref<256x512xi32> to memref<256x512xi32>
  return
}

func.func @int8_weights(%x: memref<256x2xi8>, %w: memref<512x2xi8>,
                        %out: memref<256x512xi32>)
    attributes {dataflow.process = "matmul"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %c0_i32 = arith.constant 0 : i32
  %acc = memref.alloca() : memref<256x512xi32>
  scf.for %r = %c0 to %c256 step %c1 {
    scf.for %c = %c0 to %c512 step %c1 {
      memref.store %c0_i32, %acc[%r, %c] : memref<256x512xi32>
    }
  }
  scf.for %r = %c0 to %c256 step %c1 {
    scf.for %c = %c0 to %c512 step %c1 {
      scf.for %k = %c0 to %c2 step %c1 {
        %a = memref.load %x[%r, %k] : memref<256x2xi8>
        %b = memref.load %w[%c, %k] : memref<512x2xi8>
        %a32 = arith.extsi %a : i8 to i32
        %b32 = arith.extsi %b : i8 to i32
        %product = arith.muli %a32, %b32 : i32
        %old = memref.load %acc[%r, %c] : memref<256x512xi32>
        %new = arith.addi %old, %product : i32
        memref.store %new, %acc[%r, %c] : memref<256x512xi32>
      }
    }
  }
  memref.copy %acc, %out : memref<256x512xi32> to memref<256x512xi32>
  return
}

// Row r's activation is r - 128 at k = 0 and 0 at k = 1; column pair p
// (columns 2p and 2p + 1) holds the weights value(p / 16) and
// value(p mod 16) at k = 0, 0 at k = 1: every ordered pair of 16 values.
// Checks acc[r][c] == a * w with the plain multiply, prints the
// mismatches and the sum of acc.
func.func @check(%process: i32, %values: memref<16xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %c0_i8 = arith.constant 0 : i8
  %c0_i32 = arith.constant 0 : i32
  %c0_i64 = arith.constant 0 : i64
  %c4_i8 = arith.constant 4 : i8
  %c128 = arith.constant 128 : index
  %x = memref.alloc() : memref<256x2xi8>
  %w = memref.alloc() : memref<512x2xi8>
  %acc = memref.alloc() : memref<256x512xi32>
  %weight = memref.alloc() : memref<512xi32>
  %is4 = arith.cmpi eq, %process, %c0_i32 : i32
  scf.for %r = %c0 to %c256 step %c1 {
    %shifted = arith.subi %r, %c128 : index
    %a = arith.index_cast %shifted : index to i8
    memref.store %a, %x[%r, %c0] : memref<256x2xi8>
    memref.store %c0_i8, %x[%r, %c1] : memref<256x2xi8>
    scf.for %c = %c0 to %c512 step %c1 {
      memref.store %c0_i32, %acc[%r, %c] : memref<256x512xi32>
    }
  }
  scf.for %c = %c0 to %c512 step %c1 {
    %p = arith.divui %c, %c2 : index
    %second = arith.remui %c, %c2 : index
    %high = arith.divui %p, %c16 : index
    %low = arith.remui %p, %c16 : index
    %isSecond = arith.cmpi eq, %second, %c1 : index
    %which = arith.select %isSecond, %low, %high : index
    %value = memref.load %values[%which] : memref<16xi8>
    // The int4 process takes the high nibble.
    %nibble = arith.shli %value, %c4_i8 : i8
    %stored = arith.select %is4, %nibble, %value : i8
    memref.store %stored, %w[%c, %c0] : memref<512x2xi8>
    memref.store %c0_i8, %w[%c, %c1] : memref<512x2xi8>
    %wide = arith.extsi %value : i8 to i32
    memref.store %wide, %weight[%c] : memref<512xi32>
  }
  scf.if %is4 {
    func.call @int4_weights(%x, %w, %acc)
        : (memref<256x2xi8>, memref<512x2xi8>, memref<256x512xi32>) -> ()
  } else {
    func.call @int8_weights(%x, %w, %acc)
        : (memref<256x2xi8>, memref<512x2xi8>, memref<256x512xi32>) -> ()
  }
  %counts:2 = scf.for %r = %c0 to %c256 step %c1
      iter_args(%bad = %c0_i64, %sum = %c0_i64) -> (i64, i64) {
    %a8 = memref.load %x[%r, %c0] : memref<256x2xi8>
    %a = arith.extsi %a8 : i8 to i32
    %row:2 = scf.for %c = %c0 to %c512 step %c1
        iter_args(%rowBad = %bad, %rowSum = %sum) -> (i64, i64) {
      %w32 = memref.load %weight[%c] : memref<512xi32>
      %expected = arith.muli %a, %w32 : i32
      %got = memref.load %acc[%r, %c] : memref<256x512xi32>
      %differs = arith.cmpi ne, %got, %expected : i32
      %one = arith.extui %differs : i1 to i64
      %nextBad = arith.addi %rowBad, %one : i64
      %got64 = arith.extsi %got : i32 to i64
      %nextSum = arith.addi %rowSum, %got64 : i64
      scf.yield %nextBad, %nextSum : i64, i64
    }
    scf.yield %row#0, %row#1 : i64, i64
  }
  func.call @printI64(%counts#0) : (i64) -> ()
  func.call @printNewline() : () -> ()
  func.call @printI64(%counts#1) : (i64) -> ()
  func.call @printNewline() : () -> ()
  memref.dealloc %x : memref<256x2xi8>
  memref.dealloc %w : memref<512x2xi8>
  memref.dealloc %acc : memref<256x512xi32>
  memref.dealloc %weight : memref<512xi32>
  return
}

memref.global "private" constant @int4_values : memref<16xi8> =
    dense<[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]>
memref.global "private" constant @int8_edges : memref<16xi8> =
    dense<[-128, -127, -100, -64, -9, -8, -1, 0, 1, 7, 8, 63, 64, 100, 126, 127]>

func.func @main() {
  %c0_i32 = arith.constant 0 : i32
  %c1_i32 = arith.constant 1 : i32
  %int4 = memref.get_global @int4_values : memref<16xi8>
  %int8 = memref.get_global @int8_edges : memref<16xi8>
  func.call @check(%c0_i32, %int4) : (i32, memref<16xi8>) -> ()
  func.call @check(%c1_i32, %int8) : (i32, memref<16xi8>) -> ()
  return
}
