// RUN: not streamtensor-opt %s --dataflow-profile-tasks=platform=nosuch 2>&1 | FileCheck %s --check-prefix=PLATFORM
// RUN: not streamtensor-opt %s --dataflow-profile-tasks=profiles=%S/Inputs/no-such-folder 2>&1 | FileCheck %s --check-prefix=FOLDER -DDIR=%S/Inputs/no-such-folder
// RUN: not streamtensor-opt %s --dataflow-profile-tasks=profiles=%S/Inputs/profile-tasks-bad 2>&1 | FileCheck %s --check-prefix=LATENCY

// dataflow-profile-tasks refuses what it cannot read, and says what:
//  - a platform that is neither a file under platforms/ nor a .json path;
//    the message lists the platforms there are;
//  - a `profiles` folder that does not exist (rather than quietly using the
//    estimates for every process);
//  - a csynth report of a process of the kernel (here k_p_csynth.xml) with
//    no best-case latency in its latency summary.

// PLATFORM: error: unknown platform 'nosuch'; known: u280, u55c
// FOLDER: error: profiles folder '[[DIR]]' does not exist
// LATENCY: error: {{.*}}profile-tasks-bad{{/|\\}}k_p_csynth.xml: no <Best-caseLatency> in <SummaryOfOverallLatency>

func.func @k_p(%x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "p"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    dataflow.stream_write %v into %x : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k() attributes {dataflow.kernel} {
  %x = dataflow.stream {name = "x"} : !dataflow.stream<f32, 2>
  call @k_p(%x) : (!dataflow.stream<f32, 2>) -> ()
  return
}
