#!/usr/bin/python3
"""Benchmark (not a test): the LLM presets against the paper's figures.

Compiles each preset in w4a8 for the U55C at the paper's [in:out] points
(`streamtensor compile <preset> --seq-len IN --out-tokens OUT
--max-len IN+OUT --params no`)
and prints markdown tables:

- GPT-2 Medium at [32:32] ... [256:256]: our estimated TTFT, decode speed
  and total latency beside the paper's on-board figures (its Table 4) and
  the platform's roofline for the same design;
- qwen2.5-0.5b, tinyllama-1.1b and gemma-3-1b at the nine points of the
  paper's Figure 9 (which gives no per-point figures to compare with);
- compile time and peak memory of each preset at its first point.

Our figures are estimates of the cycle-level simulator, never measurements.
The only figures typed in are the paper's, each with its source.

Usage: llm-estimates.py <streamtensor binary> [work dir] [--jobs N]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

# The paper (streamtensor-paper.md section 9.3, Table 4): GPT-2 Medium W4A8
# on the U55C, on-board: [in:out] -> (latency ms, TTFT ms, decode tok/s).
PAPER_TABLE4 = {
    (32, 32): (194.99, 34.59, 199.51),
    (64, 64): (358.24, 61.27, 215.51),
    (128, 128): (696.65, 125.35, 224.05),
    (256, 256): (1387.76, 272.85, 229.61),
}
# The paper's Table 6: the U55C's HBM bandwidth and peak INT8 throughput.
HBM_BYTES_PER_S = 460e9
PEAK_INT8_OPS_PER_S = 24.5e12
# The paper's Figure 9 points.
FIGURE9_POINTS = [(i, o) for i in (32, 64, 128) for o in (32, 64, 128)]
# The paper's Figure 10c: its compile times, 26.8 to 63.4 s.
PAPER_COMPILE_S = (26.8, 63.4)


def compile_point(binary, work, preset, seq_len, out_tokens):
    """Compiles one point; returns (report or None, error, seconds, peak MB)."""
    out = os.path.join(work, f"{preset}-{seq_len}-{out_tokens}")
    command = [binary, "compile", preset, "--precision", "w4a8",
               "--platform", "u55c", "--seq-len", str(seq_len),
               "--out-tokens", str(out_tokens),
               "--max-len", str(seq_len + out_tokens), "--params", "no",
               "-o", out, "--quiet"]
    # GNU time reports the peak resident memory of this one compile (the
    # rusage of children would mix the parallel compiles).
    timed = ["/usr/bin/time", "-f", "%e %M"] + command
    result = subprocess.run(timed, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    last = result.stderr.strip().splitlines()[-1] if result.stderr else ""
    try:
        seconds, kilobytes = last.split()
        seconds, megabytes = float(seconds), float(kilobytes) / 1024
    except ValueError:
        seconds, megabytes = float("nan"), float("nan")
    if result.returncode != 0:
        return None, result.stderr.strip().splitlines()[0], seconds, megabytes
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f), "", seconds, megabytes


def roofline(report):
    """The platform's bounds for this design: (TTFT ms, decode tok/s).

    Bytes and MACs per call are the tools' own counts (report.json,
    per kernel); the bound of a call is the larger of bytes over the HBM
    bandwidth and MACs over the peak INT8 rate (2 ops per MAC)."""
    layers = report["model"]["layers"]
    graphs = report["graphs"]

    def call_seconds(name):
        hbm = sum(k["performance"]["hbm_bytes"]
                  for k in graphs[name]["kernels"])
        macs = sum(k["performance"]["macs"] for k in graphs[name]["kernels"])
        return max(hbm / HBM_BYTES_PER_S, 2 * macs / PEAK_INT8_OPS_PER_S)

    head = call_seconds("lm_head")
    ttft = (layers * call_seconds("block_prefill") + head +
            call_seconds("embed_prefill"))
    token = (layers * call_seconds("block_decode") + head +
             call_seconds("embed_decode"))
    return ttft * 1e3, 1.0 / token


def fmt(value, digits=2):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def main():
    args = sys.argv[1:]
    jobs = os.cpu_count() or 1
    if "--jobs" in args:
        at = args.index("--jobs")
        jobs = int(args[at + 1])
        del args[at:at + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(args[0])
    work = args[1] if len(args) > 1 else tempfile.mkdtemp(prefix="st-llm-")
    os.makedirs(work, exist_ok=True)

    points = [("gpt2-medium", i, o) for (i, o) in PAPER_TABLE4]
    for preset in ("qwen2.5-0.5b", "tinyllama-1.1b", "gemma-3-1b"):
        points += [(preset, i, o) for (i, o) in FIGURE9_POINTS]
    started = time.time()
    # Each preset's first point alone, so that its time and memory are not
    # those of a machine shared with another compile; the rest in parallel.
    timed = [p for p in points if p[1:] == (32, 32)]
    results = {p: compile_point(binary, work, *p) for p in timed}
    rest = [p for p in points if p not in results]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results.update(zip(rest, pool.map(
            lambda p: compile_point(binary, work, *p), rest)))
    wall = time.time() - started

    print("All figures of ours are estimates of the cycle-level simulator "
          "(w4a8, U55C at 250 MHz), not measurements.\n")
    print("## GPT-2 Medium w4a8 on the U55C\n")
    print("| [in:out] | est. TTFT (ms) | paper TTFT | roofline TTFT "
          "| est. decode (tok/s) | paper decode | roofline decode "
          "| est. latency (ms) | paper latency |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (i, o), (paper_latency, paper_ttft, paper_decode) in \
            PAPER_TABLE4.items():
        report, error, _, _ = results[("gpt2-medium", i, o)]
        if report is None:
            print(f"| [{i}:{o}] | failed: {error} |")
            continue
        perf = report["performance"]
        roof_ttft, roof_decode = roofline(report)
        print(f"| [{i}:{o}] | {fmt(perf['estimated_ttft_ms'])} "
              f"| {fmt(paper_ttft)} | {fmt(roof_ttft)} "
              f"| {fmt(perf['estimated_decode_tokens_per_s'])} "
              f"| {fmt(paper_decode)} | {fmt(roof_decode)} "
              f"| {fmt(perf['estimated_total_ms'])} | {fmt(paper_latency)} |")
    print("\nPaper: on-board, its Table 4. Roofline: the design's HBM bytes "
          "over 460 GB/s or its MACs over 24.5 INT8 TOPS (the paper's "
          "Table 6), whichever is longer, per call.")
    print("Targets for our estimates (issue 8): decode >= 1000 tok/s, "
          "TTFT at 32 tokens <= 17 ms.\n")

    for preset in ("qwen2.5-0.5b", "tinyllama-1.1b", "gemma-3-1b"):
        print(f"## {preset} w4a8 on the U55C\n")
        print("| [in:out] | est. TTFT (ms) | est. decode (tok/s) "
              "| est. latency (ms) | roofline TTFT (ms) "
              "| roofline decode (tok/s) | DSP used |")
        print("|---|---|---|---|---|---|---|")
        for (i, o) in FIGURE9_POINTS:
            report, error, _, _ = results[(preset, i, o)]
            if report is None:
                print(f"| [{i}:{o}] | failed: {error} |")
                continue
            perf = report["performance"]
            roof_ttft, roof_decode = roofline(report)
            dsp = report["resources"]["dsp"]
            print(f"| [{i}:{o}] | {fmt(perf['estimated_ttft_ms'])} "
                  f"| {fmt(perf['estimated_decode_tokens_per_s'])} "
                  f"| {fmt(perf['estimated_total_ms'])} | {fmt(roof_ttft)} "
                  f"| {fmt(roof_decode)} | {dsp['used']} of "
                  f"{dsp['available']} |")
        print("\nThe paper gives no per-point figures for these models "
              "(Figure 9 plots tokens/J only).\n")

    print("## Compile time and peak memory (this machine)\n")
    print("| preset | [in:out] | compile (s) | peak memory (MB) |")
    print("|---|---|---|---|")
    for (preset, i, o) in timed:
        report, error, seconds, megabytes = results[(preset, i, o)]
        status = "" if report else f" (failed: {error})"
        print(f"| {preset} | [{i}:{o}] | {seconds:.1f}{status} "
              f"| {megabytes:,.0f} |")
    print(f"\nEach compiled alone; the bench ran {len(points)} compiles "
          f"(the others {jobs} at a time) in {wall:.0f} s. "
          f"Paper (Figure 10c): {PAPER_COMPILE_S[0]}-{PAPER_COMPILE_S[1]} s "
          "per model. Targets: GPT-2 Medium <= 10 s; every preset "
          "< 4 GB (issue 7).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
