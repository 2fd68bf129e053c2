// RUN: not streamtensor-opt %s --dataflow-size-fifos=override=missing=4 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not streamtensor-opt %s --dataflow-size-fifos=override=x 2>&1 | FileCheck %s --check-prefix=NO-DEPTH
// RUN: not streamtensor-opt %s --dataflow-size-fifos=override=a_to_b=0 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not streamtensor-opt %s --dataflow-size-fifos=override==4 2>&1 | FileCheck %s --check-prefix=NO-NAME
// RUN: not streamtensor-opt %s --dataflow-size-fifos=override=a_to_b=deep 2>&1 | FileCheck %s --check-prefix=NOT-A-NUMBER

// Malformed or useless overrides are errors, reported on the module.

// An override must name a FIFO of the module (here only "a_to_b").
// MISSING: size-fifos-invalid.mlir:[[@LINE+8]]:1: error: override names no FIFO: 'missing'

// Each override is name=depth, with a depth of at least 1.
// NO-DEPTH: size-fifos-invalid.mlir:[[@LINE+5]]:1: error: override 'x' is not name=depth with a depth of at least 1
// ZERO: error: override 'a_to_b=0' is not name=depth with a depth of at least 1
// NO-NAME: error: override '=4' is not name=depth with a depth of at least 1
// NOT-A-NUMBER: error: override 'a_to_b=deep' is not name=depth with a depth of at least 1

module {
  func.func @k_b(%in: !dataflow.stream<f32, 1>) attributes {dataflow.process = "b"} {
    %v = dataflow.stream_read %in : !dataflow.stream<f32, 1>
    return
  }
  func.func @k() attributes {dataflow.kernel} {
    %0 = dataflow.stream {entries = 4 : i64, name = "a_to_b"} : !dataflow.stream<f32, 1>
    call @k_b(%0) : (!dataflow.stream<f32, 1>) -> ()
    return
  }
}

// The mode and the platform must be known.
// RUN: not streamtensor-opt %s --dataflow-size-fifos=mode=fast 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not streamtensor-opt %s --dataflow-size-fifos=platform=u99 2>&1 | FileCheck %s --check-prefix=PLATFORM
// MODE: error: FIFO sizing mode 'fast' is not normal, conservative or upper-bound
// PLATFORM: error: unknown platform 'u99'; known: u280, u55c
