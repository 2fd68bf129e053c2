// The upper-bound mode, and overrides. The LP sizing: size-fifos-lp.mlir.
// RUN: streamtensor-opt %s --dataflow-size-fifos=mode=upper-bound | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-size-fifos="mode=upper-bound override=producer_to_consumer=2,unsized=3" | FileCheck %s --check-prefix=OVR
// A name qualified by its kernel forces that kernel's FIFO only.
// RUN: streamtensor-opt %s --dataflow-size-fifos="mode=upper-bound override=k2/producer_to_consumer=5" | FileCheck %s --check-prefix=ONE
// ONE-LABEL: func.func @k()
// ONE-NEXT: dataflow.stream {entries = 96 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 96>
// ONE-LABEL: func.func @k2()
// ONE-NEXT: dataflow.stream {entries = 8 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 5>

// Every FIFO gets as deep as the entries that cross it; the functions a
// FIFO is passed to take the new type too. `override` forces the depth of
// the FIFOs of that name, in every kernel.

// The process functions: the FIFO parameters follow the FIFOs passed in.
// CHECK-LABEL: func.func @k_producer(
// CHECK-SAME: %[[OUT:[^:]*]]: !dataflow.stream<f32, 96>, %{{[^:]*}}: !dataflow.stream<f32, 1>) attributes {dataflow.process = "producer"}
// CHECK: dataflow.stream_write %{{.*}} into %[[OUT]] : !dataflow.stream<f32, 96>
// CHECK-LABEL: func.func @k_consumer(
// CHECK-SAME: %[[IN:[^:]*]]: !dataflow.stream<f32, 96>, %{{[^:]*}}: !dataflow.stream<f32, 1>) attributes {dataflow.process = "consumer"}
// CHECK: dataflow.stream_read %[[IN]] : !dataflow.stream<f32, 96>
// OVR-LABEL: func.func @k_producer(
// OVR-SAME: !dataflow.stream<f32, 2>, %{{[^:]*}}: !dataflow.stream<f32, 1>)
// OVR: dataflow.stream_write %{{.*}} into %{{.*}} : !dataflow.stream<f32, 2>
// OVR-LABEL: func.func @k_consumer(
// OVR-SAME: !dataflow.stream<f32, 2>, %{{[^:]*}}: !dataflow.stream<f32, 1>)
// OVR: dataflow.stream_read %{{.*}} : !dataflow.stream<f32, 2>
func.func @k_producer(%out: !dataflow.stream<f32, 1>, %aux: !dataflow.stream<f32, 1>) attributes {dataflow.process = "producer"} {
  %v = arith.constant 1.0 : f32
  dataflow.stream_write %v into %out : !dataflow.stream<f32, 1>
  return
}
func.func @k_consumer(%in: !dataflow.stream<f32, 1>, %aux: !dataflow.stream<f32, 1>) attributes {dataflow.process = "consumer"} {
  %v = dataflow.stream_read %in : !dataflow.stream<f32, 1>
  return
}

// 96 entries: depth 96 (or 2 when forced). No entry crosses: depth 1 still.
// No entry count: the depth stays 4 (or 3 when forced).
// CHECK-LABEL: func.func @k()
// CHECK-NEXT: %[[A:.*]] = dataflow.stream {entries = 96 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 96>
// CHECK-NEXT: %[[B:.*]] = dataflow.stream {entries = 0 : i64, name = "nothing"} : !dataflow.stream<f32, 1>
// CHECK-NEXT: dataflow.stream {name = "unsized"} : !dataflow.stream<f32, 4>
// CHECK-NEXT: call @k_producer(%[[A]], %[[B]]) : (!dataflow.stream<f32, 96>, !dataflow.stream<f32, 1>) -> ()
// CHECK-NEXT: call @k_consumer(%[[A]], %[[B]]) : (!dataflow.stream<f32, 96>, !dataflow.stream<f32, 1>) -> ()
// OVR-LABEL: func.func @k()
// OVR-NEXT: dataflow.stream {entries = 96 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 2>
// OVR-NEXT: dataflow.stream {entries = 0 : i64, name = "nothing"} : !dataflow.stream<f32, 1>
// OVR-NEXT: dataflow.stream {name = "unsized"} : !dataflow.stream<f32, 3>
// OVR-NEXT: call @k_producer(%{{.*}}, %{{.*}}) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 1>) -> ()
// OVR-NEXT: call @k_consumer(%{{.*}}, %{{.*}}) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 1>) -> ()
func.func @k() attributes {dataflow.kernel} {
  %0 = dataflow.stream {entries = 96 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 1>
  %1 = dataflow.stream {entries = 0 : i64, name = "nothing"} : !dataflow.stream<f32, 1>
  %2 = dataflow.stream {name = "unsized"} : !dataflow.stream<f32, 4>
  call @k_producer(%0, %1) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  call @k_consumer(%0, %1) : (!dataflow.stream<f32, 1>, !dataflow.stream<f32, 1>) -> ()
  return
}

// Another kernel with a FIFO of the same name: sized by its own entries,
// and forced as well by the override (names are per kernel, not unique).
// CHECK-LABEL: func.func @k2_consumer(
// CHECK-SAME: !dataflow.stream<f32, 8>)
// CHECK-LABEL: func.func @k2()
// CHECK-NEXT: dataflow.stream {entries = 8 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 8>
// OVR-LABEL: func.func @k2_consumer(
// OVR-SAME: !dataflow.stream<f32, 2>)
// OVR-LABEL: func.func @k2()
// OVR-NEXT: dataflow.stream {entries = 8 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 2>
func.func @k2_consumer(%in: !dataflow.stream<f32, 1>) attributes {dataflow.process = "consumer"} {
  %v = dataflow.stream_read %in : !dataflow.stream<f32, 1>
  return
}
func.func @k2() attributes {dataflow.kernel} {
  %0 = dataflow.stream {entries = 8 : i64, name = "producer_to_consumer"} : !dataflow.stream<f32, 1>
  call @k2_consumer(%0) : (!dataflow.stream<f32, 1>) -> ()
  return
}
