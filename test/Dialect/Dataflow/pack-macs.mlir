// RUN: streamtensor-opt %s --dataflow-pack-macs | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-pack-macs=once-used-weights=true | FileCheck %s --check-prefix=ONCE
// RUN: streamtensor-opt %s --dataflow-pack-macs --dataflow-profile-tasks | FileCheck %s --check-prefix=PROFILE
// A platform that does not pack MACs (no dspPacking): nothing changes.
// RUN: %python -c "import json, sys; p = json.load(open(sys.argv[1])); p['dspPacking'] = {}; json.dump(p, open(sys.argv[2], 'w'))" %examples/../platforms/u55c.json %t.json
// RUN: streamtensor-opt %s --dataflow-pack-macs=platform=%t.json | FileCheck %s --check-prefix=NOPACK
// NOPACK-NOT: dataflow.packed_mac

// A prefill's int4 matmul: 4 token rows use each weight of the tile, out[r][c]
// += x[r][k] * w[c][k] (c < 4, k < 8). The column loop goes by two; the
// second column's weight is loaded and unpacked beside the first; the pre-add
// packs them, one multiply takes both, the post-add adds the bias, and a
// loop of two (unrolled completely) updates the two columns' accumulators
// with the high product and the low one.
// CHECK-LABEL: func.func @k_prefill(
// CHECK: %[[TWO:.*]] = arith.constant 2 : index
// CHECK: scf.for %[[COL:.*]] = %{{.*}} to %{{.*}} step %[[TWO]] {
// CHECK: %[[NEXT:.*]] = arith.addi %[[COL]], %{{.*}} : index
// CHECK: scf.for
// CHECK: %[[A:.*]] = memref.load %[[X:.*]][
// CHECK: %[[W0:.*]] = memref.load %[[W:.*]][%[[COL]],
// CHECK: %[[A32:.*]] = arith.extsi %[[A]] : i8 to i32
// CHECK: %[[W032:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[W1:.*]] = memref.load %[[W]][%[[NEXT]],
// CHECK: %[[W1S:.*]] = arith.shrsi %[[W1]]
// CHECK: %[[W132:.*]] = arith.extsi %[[W1S]] : i8 to i32
// CHECK: %[[HIGH:.*]] = arith.shli %[[W032]], %[[SIXTEEN:.*]] : i32
// CHECK: %[[PACKED:.*]] = arith.addi %[[HIGH]], %[[W132]] {dataflow.packed_mac_part} : i32
// CHECK: %[[BOTH:.*]] = arith.muli %[[A32]], %[[PACKED]] {dataflow.packed_mac = "mac_i8i4"} : i32
// CHECK: %[[BIASED:.*]] = arith.addi %[[BOTH]], %{{.*}} {dataflow.packed_mac_part} : i32
// CHECK: %[[HI:.*]] = arith.shrsi %[[BIASED]], %[[SIXTEEN]] : i32
// CHECK: %[[FLIPPED:.*]] = arith.xori %[[BIASED]], %{{.*}} : i32
// CHECK: %[[LO16:.*]] = arith.trunci %[[FLIPPED]] : i32 to i16
// CHECK: %[[LO:.*]] = arith.extsi %[[LO16]] : i16 to i32
// CHECK: scf.for %[[LANE:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[C:.*]] = arith.addi %[[COL]], %[[LANE]] : index
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]],
// CHECK: %[[P:.*]] = arith.select %[[FIRST]], %[[HI]], %[[LO]] : i32
// CHECK: %[[OLD:.*]] = memref.load %[[ACC:.*]][%{{.*}}, %[[C]]]
// CHECK: %[[SUM:.*]] = arith.addi %[[OLD]], %[[P]] : i32
// CHECK: memref.store %[[SUM]], %[[ACC]][%{{.*}}, %[[C]]]
// CHECK: } {dataflow.unroll = 2 : i64}
// CHECK-NOT: arith.muli %{{.*}} : i32
// CHECK: return

// The model prices the packed multiply as the platform's mac_i8i4 (1 DSP on
// the U55C, which packs two of them: dspPacking), and the pre-add and the
// bias as part of that DSP: two columns an iteration for 1 DSP and the
// LUTs of the same nest with its column loop unrolled by two (left as it
// is: the unrolling has chosen), which takes 2 DSPs.
// PROFILE-LABEL: func.func @k_prefill(
// PROFILE-SAME: dsp = 1.000000e+00 : f64
// PROFILE-SAME: lut = 2.060000e+02 : f64
// PROFILE-LABEL: func.func @k_two_columns(
// PROFILE-SAME: dsp = 2.000000e+00 : f64
// PROFILE-SAME: lut = 2.060000e+02 : f64
func.func @k_prefill(%x: memref<4x8xi8>, %w: memref<4x8xi8>, %out: memref<4x4xi32>)
    attributes {dataflow.process = "prefill"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c4_i8 = arith.constant 4 : i8
  %c0_i32 = arith.constant 0 : i32
  %acc = memref.alloca() : memref<4x4xi32>
  scf.for %r = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c4 step %c1 {
      memref.store %c0_i32, %acc[%r, %c] : memref<4x4xi32>
    }
  }
  scf.for %r = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c4 step %c1 {
      scf.for %k = %c0 to %c8 step %c1 {
        %a = memref.load %x[%r, %k] : memref<4x8xi8>
        %byte = memref.load %w[%c, %k] : memref<4x8xi8>
        %nibble = arith.shrsi %byte, %c4_i8 : i8
        %a32 = arith.extsi %a : i8 to i32
        %w32 = arith.extsi %nibble : i8 to i32
        %product = arith.muli %a32, %w32 : i32
        %old = memref.load %acc[%r, %c] : memref<4x4xi32>
        %new = arith.addi %old, %product : i32
        memref.store %new, %acc[%r, %c] : memref<4x4xi32>
      }
    }
  }
  memref.copy %acc, %out : memref<4x4xi32> to memref<4x4xi32>
  return
}

// CHECK-LABEL: func.func @k_two_columns(
// CHECK-NOT: dataflow.packed_mac
// CHECK: return
func.func @k_two_columns(%x: memref<4x8xi8>, %w: memref<4x8xi8>, %out: memref<4x4xi32>)
    attributes {dataflow.process = "two_columns"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c4_i8 = arith.constant 4 : i8
  %c0_i32 = arith.constant 0 : i32
  %acc = memref.alloca() : memref<4x4xi32>
  scf.for %r = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c4 step %c1 {
      memref.store %c0_i32, %acc[%r, %c] : memref<4x4xi32>
    }
  }
  scf.for %r = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c4 step %c1 {
      scf.for %k = %c0 to %c8 step %c1 {
        %a = memref.load %x[%r, %k] : memref<4x8xi8>
        %byte = memref.load %w[%c, %k] : memref<4x8xi8>
        %nibble = arith.shrsi %byte, %c4_i8 : i8
        %a32 = arith.extsi %a : i8 to i32
        %w32 = arith.extsi %nibble : i8 to i32
        %product = arith.muli %a32, %w32 : i32
        %old = memref.load %acc[%r, %c] : memref<4x4xi32>
        %new = arith.addi %old, %product : i32
        memref.store %new, %acc[%r, %c] : memref<4x4xi32>
      }
    } {dataflow.unroll = 2 : i64}
  }
  memref.copy %acc, %out : memref<4x4xi32> to memref<4x4xi32>
  return
}

func.func @prefill(%x: memref<4x8xi8>, %w: memref<4x8xi8>, %out: memref<4x4xi32>)
    attributes {dataflow.kernel} {
  call @k_prefill(%x, %w, %out) : (memref<4x8xi8>, memref<4x8xi8>, memref<4x4xi32>) -> ()
  call @k_two_columns(%x, %w, %out) : (memref<4x8xi8>, memref<4x8xi8>, memref<4x4xi32>) -> ()
  return
}

// A decode step's matmul: one token row, each weight used once. The weight
// stream paces it; packing would only add adders that wait for it: left as
// it is, unless asked for.
// CHECK-LABEL: func.func @k_decode(
// CHECK-NOT: dataflow.packed_mac
// CHECK: return
// ONCE-LABEL: func.func @k_decode(
// ONCE: dataflow.packed_mac = "mac_i8i8"
func.func @k_decode(%x: memref<8xi8>, %w: memref<4x8xi8>, %out: memref<4xi32>)
    attributes {dataflow.process = "decode"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %acc = memref.alloca() : memref<4xi32>
  scf.for %c = %c0 to %c4 step %c1 {
    memref.store %c0_i32, %acc[%c] : memref<4xi32>
  }
  scf.for %c = %c0 to %c4 step %c1 {
    scf.for %k = %c0 to %c8 step %c1 {
      %a = memref.load %x[%k] : memref<8xi8>
      %b = memref.load %w[%c, %k] : memref<4x8xi8>
      %a32 = arith.extsi %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %product = arith.muli %a32, %b32 : i32
      %old = memref.load %acc[%c] : memref<4xi32>
      %new = arith.addi %old, %product : i32
      memref.store %new, %acc[%c] : memref<4xi32>
    }
  }
  memref.copy %acc, %out : memref<4xi32> to memref<4xi32>
  return
}

// Not packed: an odd number of columns; an operand of 9 bits (zero-extended
// from 8: a * w1 may not fit the low 16 bits); a column loop that also
// stores elsewhere (going by two, it would skip every other column's).
// CHECK-LABEL: func.func @k_odd(
// CHECK-NOT: dataflow.packed_mac
// CHECK: return
func.func @k_odd(%x: memref<2x8xi8>, %w: memref<3x8xi8>, %out: memref<2x3xi32>)
    attributes {dataflow.process = "odd"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  %acc = memref.alloca() : memref<2x3xi32>
  scf.for %r = %c0 to %c2 step %c1 {
    scf.for %c = %c0 to %c3 step %c1 {
      scf.for %k = %c0 to %c8 step %c1 {
        %a = memref.load %x[%r, %k] : memref<2x8xi8>
        %b = memref.load %w[%c, %k] : memref<3x8xi8>
        %a32 = arith.extsi %a : i8 to i32
        %b32 = arith.extsi %b : i8 to i32
        %product = arith.muli %a32, %b32 : i32
        %old = memref.load %acc[%r, %c] : memref<2x3xi32>
        %new = arith.addi %old, %product : i32
        memref.store %new, %acc[%r, %c] : memref<2x3xi32>
      }
    }
  }
  memref.copy %acc, %out : memref<2x3xi32> to memref<2x3xi32>
  return
}

// CHECK-LABEL: func.func @k_unsigned(
// CHECK-NOT: dataflow.packed_mac
// CHECK: return
func.func @k_unsigned(%x: memref<2x8xi8>, %w: memref<4x8xi8>, %out: memref<2x4xi32>)
    attributes {dataflow.process = "unsigned"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %acc = memref.alloca() : memref<2x4xi32>
  scf.for %r = %c0 to %c2 step %c1 {
    scf.for %c = %c0 to %c4 step %c1 {
      scf.for %k = %c0 to %c8 step %c1 {
        %a = memref.load %x[%r, %k] : memref<2x8xi8>
        %b = memref.load %w[%c, %k] : memref<4x8xi8>
        %a32 = arith.extsi %a : i8 to i32
        %b32 = arith.extui %b : i8 to i32
        %product = arith.muli %a32, %b32 : i32
        %old = memref.load %acc[%r, %c] : memref<2x4xi32>
        %new = arith.addi %old, %product : i32
        memref.store %new, %acc[%r, %c] : memref<2x4xi32>
      }
    }
  }
  memref.copy %acc, %out : memref<2x4xi32> to memref<2x4xi32>
  return
}

// CHECK-LABEL: func.func @k_other_store(
// CHECK-NOT: dataflow.packed_mac
// CHECK: return
func.func @k_other_store(%x: memref<2x8xi8>, %w: memref<4x8xi8>, %out: memref<2x4xi32>,
                         %seen: memref<4xi8>)
    attributes {dataflow.process = "other_store"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %acc = memref.alloca() : memref<2x4xi32>
  scf.for %r = %c0 to %c2 step %c1 {
    scf.for %c = %c0 to %c4 step %c1 {
      scf.for %k = %c0 to %c8 step %c1 {
        %a = memref.load %x[%r, %k] : memref<2x8xi8>
        %b = memref.load %w[%c, %k] : memref<4x8xi8>
        memref.store %b, %seen[%c] : memref<4xi8>
        %a32 = arith.extsi %a : i8 to i32
        %b32 = arith.extsi %b : i8 to i32
        %product = arith.muli %a32, %b32 : i32
        %old = memref.load %acc[%r, %c] : memref<2x4xi32>
        %new = arith.addi %old, %product : i32
        memref.store %new, %acc[%r, %c] : memref<2x4xi32>
      }
    }
  }
  memref.copy %acc, %out : memref<2x4xi32> to memref<2x4xi32>
  return
}
