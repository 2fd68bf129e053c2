// RUN: streamtensor-opt %s --dataflow-unroll-by-intensity | FileCheck %s

// A factor that is not worth taking does not end the nest's unrolling when
// a larger one is. A softmax's sums of 64 keys into 16 heads' totals, the
// heads inner, acc[h] += x[t][h]: a total comes round every 16 elements,
// and its chain of adds (load 2, fadd 6, store 1) takes 9 cycles. h
// unrolled by 2 updates a total every 8 iterations, II 2 for 2 elements:
// one cycle saved (the pipeline's drain) for a second adder's LUTs, more
// than the 30 LUTs a cycle the pass pays by default. By 4, II 3 for 4
// elements saves a quarter of the loop, and 8 and 16 save more, until h is
// unrolled completely (9 cycles per key, against 16). The loop of keys
// around it adds into the same totals: a chain, left as it is.

// CHECK-LABEL: func.func @h_sum(
// CHECK: arith.addf
// CHECK-NEXT: memref.store
// CHECK-NEXT: } {dataflow.unroll = 16 : i64}
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @h_sum() attributes {dataflow.process = "sum"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %acc = memref.alloca() : memref<16xf32>
  %x = memref.alloca() : memref<64x16xf32>
  scf.for %t = %c0 to %c64 step %c1 {
    scf.for %h = %c0 to %c16 step %c1 {
      %v = memref.load %x[%t, %h] : memref<64x16xf32>
      %old = memref.load %acc[%h] : memref<16xf32>
      %new = arith.addf %old, %v : f32
      memref.store %new, %acc[%h] : memref<16xf32>
    }
  }
  return
}
func.func @h() attributes {dataflow.kernel} {
  call @h_sum() : () -> ()
  return
}
