// RUN: streamtensor-opt %s --dataflow-profile-tasks | FileCheck %s
// RUN: streamtensor-opt %s --dataflow-profile-tasks=profiles=%S/Inputs | FileCheck %s --check-prefix=CSYNTH
// RUN: streamtensor-opt %s --dataflow-profile-tasks=profiles=%S/Inputs/csynth-fraction | FileCheck %s --check-prefix=FRACTION

// dataflow-profile-tasks on hand-written lowered kernels, every figure worked
// out from the model (lib/Performance/KernelModel.cpp, TaskProfile.cpp) and
// platforms/u55c.json:
//  - each innermost loop (with the perfect nest around it, flattened) is one
//    pipelined loop of N = product of trip counts iterations; it runs
//    (N - 1) * II + lat cycles, lat being the longest chain through its body;
//  - chain figures: dataflow.stream_read/stream_write 1 cycle, memref.store 1,
//    memref.load 2, fadd 6 (2 DSP, 198 LUT, 318 FF), fmul 3 (3 DSP, 78 LUT,
//    143 FF); constants defined outside the loop are ready at cycle 0;
//  - a loop that loads from a kernel argument (HBM) adds
//    hbm.readLatency.kernelCycles = 64 to its latency;
//  - L = the cycles of the whole process; D = the first cycle it writes a FIFO
//    (the end of the first iteration of the writing loop), L if it writes
//    none; ii = (last write - first write) / (tokens - 1), 1 if it writes none;
//  - dsp/lut/ff = the operators of every loop body, plus the process's local
//    buffers (memref.alloca) at the storage the platform's mapping gives them.
//
// Kernel @k: load -> scale -> acc -> store, 64 f32 tokens per FIFO.
//
// (c) load, a DMA: body = memref.load %in[i] (2) -> stream_write (1): lat 3,
//     plus 64 cycles of HBM read latency: lat 67. II: 4 bytes per iteration
//     against the port's bandwidth, 460 GB/s * 0.92 / 32 pseudo-channels /
//     250 MHz = 52.9 bytes per cycle (each argument has a channel of its own:
//     `in` is argument 0 -> channel 0, `out` argument 1 -> channel 1); the
//     512-bit AXI port (64 B/cycle) is not the limit. ceil(4 / 52.9) = 1.
//     L = 63 * 1 + 67 = 130, D = 67, ii = (130 - 67) / 63 = 1.
//     No operators: 0 DSP/LUT/FF. dataflow.dma: 64 loads of 4 bytes = 256
//     bytes, read = true, channel 0, 52.9 bytes per cycle.
// (a) scale: body = stream_read (0 -> 1), mulf (1 -> 4), addf (4 -> 10),
//     stream_write (10 -> 11): lat 11, II 1, 64 iterations.
//     L = 63 + 11 = 74, D = 11 (first token written at the end of the first
//     iteration), ii = ((63 + 11) - 11) / 63 = 1.
//     Resources: fmul + fadd = 3 + 2 = 5 DSP, 78 + 198 = 276 LUT,
//     143 + 318 = 461 FF.
// (b) acc: running sum of each row of 8 tokens, kept in acc[i] (8 x f32).
//     - init loop: store 0 into acc[i]: lat 1, II 1, 8 iterations: 7 + 1 = 8.
//     - the i/j nest is perfect: one pipelined loop of 8 * 8 = 64 iterations.
//       Body: stream_read (0 -> 1), load acc[i] (0 -> 2), addf (2 -> 8),
//       store acc[i] (8 -> 9), stream_write (8 -> 9): lat 9.
//       acc[i] does not depend on j, the innermost loop, so the same address
//       comes round on the very next iteration (distance 1): the chain from
//       the load's start to the end of the store, 8 - 0 + 1 = 9 cycles, must
//       end before the next load: II = ceil(9 / 1) = 9 (the 2 accesses of acc
//       per iteration would only need II 1 on a dual-port RAM).
//       63 * 9 + 9 = 576 cycles.
//     L = 8 + 576 = 584, D = 8 + 9 = 17, last write at 8 + 63 * 9 + 9 = 584,
//     ii = (584 - 17) / 63 = 9.
//     Resources: fadd: 2 DSP, 198 LUT, 318 FF; acc is 8 * 32 = 256 bits
//     <= lutramMaxBits (4096): LUTRAM, 32 bits * 2 LUTs (RAM64X1D, dual
//     port) * ceil(8 / 64) = 64 LUT. Total 2 DSP, 262 LUT, 318 FF.
// (c) store, a DMA: body = stream_read (0 -> 1), memref.store %out[i]
//     (1 -> 2): lat 2, II ceil(4 / 52.9) = 1; no HBM read latency (it only
//     writes). L = 63 + 2 = 65; it writes no FIFO: D = L = 65, ii = 1.
//     dataflow.dma: 256 bytes, read = false, channel 1.
//
// Kernel @k2: the same accumulation with the loops the other way round
// (j outer, i inner). acc[i] follows the innermost loop (i, 8 trips) but not
// j, so an address comes back after 8 iterations: II = ceil(9 / 8) = 2.
// acc_t: 63 * 2 + 9 = 135 = L, D = 9, ii = (135 - 9) / 63 = 2;
// 2 DSP, 198 + 64 = 262 LUT, 318 FF as for acc.
// gen writes 64 tokens, lat 1 each: L = 63 + 1 = 64, D = 1, ii = 1.
// sink reads 64 tokens, lat 1 each, writes none: L = D = 64, ii = 1.
//
// CSYNTH run (profiles=Inputs): Inputs/k_scale_csynth.xml measures k_scale
// (and only it) at a best-case latency of 148 cycles, 4 DSP, 350 LUT,
// 600 FF, 0 BRAM_18K, 0 URAM. Its figures replace the estimate (source =
// "csynth", and the report is kept as dataflow.csynth), and its loops are
// stretched by 148 / 74 = 2: II 1 -> 2, lat 11 -> 22, so
// L = 63 * 2 + 22 = 148 (the measured latency), D = 22, ii = 2. The other
// processes have no report and keep their estimates.
//
// FRACTION run: Inputs/csynth-fraction/k_scale_csynth.xml measures k_scale at
// 100 cycles (factor 100 / 74 = 1.35), with 2 BRAM_18K and 1 URAM. Loops are
// stretched rounding down (II floor(1.35) = 1, lat floor(11 * 1.35) = 14:
// 63 + 14 = 77 cycles) and an idle tail of 100 - 77 = 23 cycles makes the
// process end at the measured cycle: L = 100, D = 14, ii = 1. The memories
// are the measured ones too.

// Every process also owns the FIFOs it writes: here one stream of depth 2 of
// f32, in registers (2 x 32 = 64 FF), which the report's totals and the
// design search's fit count. A csynth report measures the process function
// alone (the FIFOs sit in the kernel's dataflow region), so k_scale's
// measured 600 FF become 664.

// CHECK-LABEL: func.func @k_load(
// CHECK-SAME: dataflow.dma = [{bytes = 256 : i64, bytes_per_cycle = 5.290000e+01 : f64, hbm_channel = 0 : i64, port = "in", read = true}]
// CHECK-SAME: dataflow.process = "load"
// CHECK-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 0.000000e+00 : f64, ff = 6.400000e+01 : f64, ii = 1.000000e+00 : f64, initial_delay = 67 : i64, latency = 130 : i64, lut = 0.000000e+00 : f64, source = "estimate", uram = 0.000000e+00 : f64}
// CSYNTH-LABEL: func.func @k_load(
// CSYNTH-NOT: dataflow.csynth
// CSYNTH-SAME: initial_delay = 67 : i64, latency = 130 : i64
// CSYNTH-SAME: source = "estimate"
func.func @k_load(%in: memref<64xf32>, %x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %in[%i] : memref<64xf32>
    dataflow.stream_write %v into %x : !dataflow.stream<f32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_scale(
// CHECK-NOT: dataflow.dma
// CHECK-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 5.000000e+00 : f64, ff = 5.250000e+02 : f64, ii = 1.000000e+00 : f64, initial_delay = 11 : i64, latency = 74 : i64, lut = 2.760000e+02 : f64, source = "estimate", uram = 0.000000e+00 : f64}
// CSYNTH-LABEL: func.func @k_scale(
// CSYNTH-SAME: dataflow.csynth = {bram18k = 0 : i64, dsp = 4 : i64, ff = 600 : i64, latency = 148 : i64, lut = 350 : i64, uram = 0 : i64}
// CSYNTH-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 4.000000e+00 : f64, ff = 6.640000e+02 : f64, ii = 2.000000e+00 : f64, initial_delay = 22 : i64, latency = 148 : i64, lut = 3.500000e+02 : f64, source = "csynth", uram = 0.000000e+00 : f64}
// FRACTION-LABEL: func.func @k_scale(
// FRACTION-SAME: dataflow.profile = {bram18k = 2.000000e+00 : f64, dsp = 4.000000e+00 : f64, ff = 6.640000e+02 : f64, ii = 1.000000e+00 : f64, initial_delay = 14 : i64, latency = 100 : i64, lut = 3.500000e+02 : f64, source = "csynth", uram = 1.000000e+00 : f64}
func.func @k_scale(%x: !dataflow.stream<f32, 2>, %y: !dataflow.stream<f32, 2>) attributes {dataflow.process = "scale"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %a = arith.constant 2.0 : f32
  %b = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
    %m = arith.mulf %v, %a : f32
    %s = arith.addf %m, %b : f32
    dataflow.stream_write %s into %y : !dataflow.stream<f32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k_acc(
// CHECK-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 2.000000e+00 : f64, ff = 3.820000e+02 : f64, ii = 9.000000e+00 : f64, initial_delay = 17 : i64, latency = 584 : i64, lut = 2.620000e+02 : f64, source = "estimate", uram = 0.000000e+00 : f64}
// CSYNTH-LABEL: func.func @k_acc(
// CSYNTH-SAME: initial_delay = 17 : i64, latency = 584 : i64
// CSYNTH-SAME: source = "estimate"
func.func @k_acc(%y: !dataflow.stream<f32, 2>, %z: !dataflow.stream<f32, 2>) attributes {dataflow.process = "acc"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloca() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %zero, %acc[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = dataflow.stream_read %y : !dataflow.stream<f32, 2>
      %old = memref.load %acc[%i] : memref<8xf32>
      %new = arith.addf %old, %v : f32
      memref.store %new, %acc[%i] : memref<8xf32>
      dataflow.stream_write %new into %z : !dataflow.stream<f32, 2>
    }
  }
  return
}

// CHECK-LABEL: func.func @k_store(
// CHECK-SAME: dataflow.dma = [{bytes = 256 : i64, bytes_per_cycle = 5.290000e+01 : f64, hbm_channel = 1 : i64, port = "out", read = false}]
// CHECK-SAME: dataflow.process = "store"
// CHECK-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 0.000000e+00 : f64, ff = 0.000000e+00 : f64, ii = 1.000000e+00 : f64, initial_delay = 65 : i64, latency = 65 : i64, lut = 0.000000e+00 : f64, source = "estimate", uram = 0.000000e+00 : f64}
func.func @k_store(%z: !dataflow.stream<f32, 2>, %out: memref<64xf32>) attributes {dataflow.process = "store"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %z : !dataflow.stream<f32, 2>
    memref.store %v, %out[%i] : memref<64xf32>
  }
  return
}

// The kernel itself gets no profile.
// CHECK-LABEL: func.func @k(
// CHECK-NOT: dataflow.profile
// CHECK: return
func.func @k(%in: memref<64xf32>, %out: memref<64xf32>) attributes {dataflow.arg_names = ["in", "out"], dataflow.kernel} {
  %x = dataflow.stream {entries = 64 : i64, name = "x"} : !dataflow.stream<f32, 2>
  %y = dataflow.stream {entries = 64 : i64, name = "y"} : !dataflow.stream<f32, 2>
  %z = dataflow.stream {entries = 64 : i64, name = "z"} : !dataflow.stream<f32, 2>
  call @k_load(%in, %x) : (memref<64xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_scale(%x, %y) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_acc(%y, %z) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_store(%z, %out) : (!dataflow.stream<f32, 2>, memref<64xf32>) -> ()
  return
}

// CHECK-LABEL: func.func @k2_gen(
// CHECK-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 0.000000e+00 : f64, ff = 6.400000e+01 : f64, ii = 1.000000e+00 : f64, initial_delay = 1 : i64, latency = 64 : i64, lut = 0.000000e+00 : f64, source = "estimate", uram = 0.000000e+00 : f64}
func.func @k2_gen(%w: !dataflow.stream<f32, 2>) attributes {dataflow.process = "gen"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    dataflow.stream_write %one into %w : !dataflow.stream<f32, 2>
  }
  return
}

// CHECK-LABEL: func.func @k2_acc_t(
// CHECK-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 2.000000e+00 : f64, ff = 3.820000e+02 : f64, ii = 2.000000e+00 : f64, initial_delay = 9 : i64, latency = 135 : i64, lut = 2.620000e+02 : f64, source = "estimate", uram = 0.000000e+00 : f64}
func.func @k2_acc_t(%w: !dataflow.stream<f32, 2>, %o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "acc_t"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %acc = memref.alloca() : memref<8xf32>
  scf.for %j = %c0 to %c8 step %c1 {
    scf.for %i = %c0 to %c8 step %c1 {
      %v = dataflow.stream_read %w : !dataflow.stream<f32, 2>
      %old = memref.load %acc[%i] : memref<8xf32>
      %new = arith.addf %old, %v : f32
      memref.store %new, %acc[%i] : memref<8xf32>
      dataflow.stream_write %new into %o : !dataflow.stream<f32, 2>
    }
  }
  return
}

// CHECK-LABEL: func.func @k2_sink(
// CHECK-SAME: dataflow.profile = {bram18k = 0.000000e+00 : f64, dsp = 0.000000e+00 : f64, ff = 0.000000e+00 : f64, ii = 1.000000e+00 : f64, initial_delay = 64 : i64, latency = 64 : i64, lut = 0.000000e+00 : f64, source = "estimate", uram = 0.000000e+00 : f64}
func.func @k2_sink(%o: !dataflow.stream<f32, 2>) attributes {dataflow.process = "sink"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %o : !dataflow.stream<f32, 2>
  }
  return
}

func.func @k2() attributes {dataflow.kernel} {
  %w = dataflow.stream {entries = 64 : i64, name = "w"} : !dataflow.stream<f32, 2>
  %o = dataflow.stream {entries = 64 : i64, name = "o"} : !dataflow.stream<f32, 2>
  call @k2_gen(%w) : (!dataflow.stream<f32, 2>) -> ()
  call @k2_acc_t(%w, %o) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k2_sink(%o) : (!dataflow.stream<f32, 2>) -> ()
  return
}
