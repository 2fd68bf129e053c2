// RUN: streamtensor-opt %s --dataflow-size-fifos | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-size-fifos=mode=conservative | FileCheck %s

// Figure 8(f) in IR: `src` writes 64 tokens to `a` and `b`, one of each per
// cycle; `mid` reads all of `a` before it writes anything to `c`; `dst`
// reads `b` and `c` together. Every loop body is a stream access
// (1 cycle), so, counting from each process's start:
//  - src writes token k at cycle k + 1: D(a) = D(b) = 2 (the cycle the first
//    token can be read), one token per cycle.
//  - mid reads a at cycles 0..63, then writes c at 65..128: D(c) = 66.
// The LP starts mid at 2 and dst at 2 + 66 = 68 (delay[src][dst] = D(a) +
// D(c), the threshold of the longer path). By then src has written all 64
// tokens of b: max_tokens = min(64, ceil((68 - 2) / 1)) = 64, so b holds
// them all. a and c each see their reader start with the first token:
// max_tokens 1, plus the slot of the token in flight: depth 2.
// Conservative mode changes nothing here: every process streams 64 tokens
// at one per cycle, so none is stretched.

// CHECK-LABEL: func.func @k()
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "a"} : !dataflow.stream<f32, 2>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "b"} : !dataflow.stream<f32, 64>
// CHECK-NEXT: dataflow.stream {entries = 64 : i64, name = "c"} : !dataflow.stream<f32, 2>

func.func @k_src(%a: !dataflow.stream<f32, 1>, %b: !dataflow.stream<f32, 1>) attributes {dataflow.process = "src"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    dataflow.stream_write %v into %a : !dataflow.stream<f32, 1>
    dataflow.stream_write %v into %b : !dataflow.stream<f32, 1>
  }
  return
}
func.func @k_mid(%a: !dataflow.stream<f32, 1>, %c: !dataflow.stream<f32, 1>) attributes {dataflow.process = "mid"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %v = arith.constant 2.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %a : !dataflow.stream<f32, 1>
  }
  scf.for %i = %c0 to %c64 step %c1 {
    dataflow.stream_write %v into %c : !dataflow.stream<f32, 1>
  }
  return
}
func.func @k_dst(%b: !dataflow.stream<f32, 1>, %c: !dataflow.stream<f32, 1>) attributes {dataflow.process = "dst"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %x = dataflow.stream_read %b : !dataflow.stream<f32, 1>
    %y = dataflow.stream_read %c : !dataflow.stream<f32, 1>
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  %a = dataflow.stream {entries = 64 : i64, name = "a"} : !dataflow.stream<f32, 1>
  %b = dataflow.stream {entries = 64 : i64, name = "b"} : !dataflow.stream<f32, 1>
  %c = dataflow.stream {entries = 64 : i64, name = "c"} : !dataflow.stream<f32, 1>
  call @k_src(%a, %b) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @k_mid(%a, %c) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @k_dst(%b, %c) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  return
}
