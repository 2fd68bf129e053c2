#!/usr/bin/python3
"""Benchmark (not a test): our designs of the Stream-HLS corpus on the U280.

For every benchmark of corpus/streamhls, compiles input.mlir for the U280
with the DSP budget the Stream-HLS design used (meta.json csynth.dsp), and
prints our estimated cycles (cycle-level simulation, an estimate) next to
their co-simulated cycles (a measurement of RTL simulation), and our total
FIFO bytes next to the peak occupancy the same design reaches with every
FIFO unbounded.

Usage: compare-streamhls.py <streamtensor binary> <corpus/streamhls> [work dir]
"""

import json
import os
import subprocess
import sys
import tempfile


def run(command):
    result = subprocess.run(command, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return result.returncode, result.stdout


def run_json(command):
    """A command's --json summary (stdout) and its exit code and stderr."""
    result = subprocess.run(command + ["--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return result.returncode, json.loads(result.stdout), result.stderr


def fifo_bytes(simulation, field):
    total = 0
    for kernel in simulation["kernels"]:
        for fifo in kernel["fifos"]:
            total += fifo[field] * fifo["token_bits"] // 8
    return total


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    streamtensor, corpus = sys.argv[1], sys.argv[2]
    work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp()
    rows = []
    for group in sorted(os.listdir(corpus)):
        folder = os.path.join(corpus, group)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            benchmark = os.path.join(folder, name)
            with open(os.path.join(benchmark, "meta.json")) as f:
                meta = json.load(f)
            dsps = meta["csynth"]["dsp"]
            out = os.path.join(work, group + "-" + name)
            code, text = run([streamtensor, "compile",
                              os.path.join(benchmark, "input.mlir"), "-o", out,
                              "--platform", "u280", "--dsp-budget", str(dsps)])
            if code != 0:
                rows.append((group + "/" + name, dsps, meta["cosim_cycles"],
                             "compile failed: " + text.strip().splitlines()[-1]))
                continue
            code, ours, text = run_json([streamtensor, "simulate", out])
            _, free, _ = run_json([streamtensor, "simulate", out,
                                   "--unbounded"])
            with open(out + "/report.json") as f:
                report = json.load(f)
            rows.append((group + "/" + name, dsps, meta["cosim_cycles"],
                         ours["total_cycles"], free["total_cycles"],
                         report["resources"]["dsp"]["used"],
                         fifo_bytes(ours, "depth"),
                         fifo_bytes(free, "peak_occupancy"),
                         "" if code == 0 else "simulate: " + text.strip()))
    print("Stream-HLS corpus on the U280 at 300 MHz. Theirs: Vitis HLS C/RTL "
          "co-simulation of their design.")
    print("Ours: estimates of our cycle-level simulator for our design, "
          "compiled with their DSP count as the budget.")
    print()
    header = ("benchmark", "DSP budget", "their cycles", "our cycles",
              "ours/theirs", "our cycles, FIFOs unbounded", "our DSPs",
              "our FIFO bytes", "peak bytes unbounded")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        if len(row) == 4:
            print("| %s | %d | %d | %s |" % row)
            continue
        (name, dsps, theirs, cycles, free, used, fifo, peak, note) = row
        print("| %s | %d | %d | %d | %.2f | %d | %.0f | %d | %d |%s" %
              (name, dsps, theirs, cycles, cycles / theirs, free, used, fifo,
               peak, " " + note if note else ""))


if __name__ == "__main__":
    main()
