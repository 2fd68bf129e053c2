#!/usr/bin/python3
"""Prints the summary of an LLM compile (the JSON of `streamtensor compile
--json`, on stdin) beside the StreamTensor paper's on-board figures for the
same model and [in:out], when the paper has them.

Our figures are estimates (task profiler and cycle-level simulator); the
paper's are measured on an Alveo U55C at 250 MHz in W4A8 (its Table 4).
"""
import json
import sys

# Paper Table 4 (shared/reference/streamtensor-paper.md, section 9.3):
# GPT-2 Medium, W4A8, U55C; [in:out] -> (latency ms, TTFT ms, decode tok/s).
PAPER = {
    ("gpt2", 24, 1024): {
        (32, 32): (194.99, 34.59, 199.51),
        (64, 64): (358.24, 61.27, 215.51),
        (128, 128): (696.65, 125.35, 224.05),
        (256, 256): (1387.76, 272.85, 229.61),
    },
}


def main():
    summary = json.load(sys.stdin)
    model = summary["model"]
    estimates = summary["estimates"]
    resources = summary["resources"]
    print("%s: %d layers, hidden %d, %s, for %s (%s)" % (
        model["family"], model["layers"], model["hidden"], model["precision"],
        summary["platform"]["card"], summary["platform"]["part"]))
    print("  output           %s" % summary["output"])
    print("  kernels          %s" % ", ".join(summary["kernels"]))
    on_chip = summary["on_chip_bytes"]
    print("  on-chip memory   %.2f MiB (converters %.2f MiB, FIFOs %.2f MiB)" % (
        on_chip["total"] / 2**20, on_chip["converters"] / 2**20,
        on_chip["fifos"] / 2**20))
    print("  weights in HBM   %.1f MiB" % (model["device_parameter_bytes"] / 2**20))
    for kind in ("dsp", "bram18k", "uram", "lut", "ff"):
        if kind in resources:
            used, available = resources[kind]["used"], resources[kind]["available"]
            print("  %-16s %d of %d (%.0f%%)" % (
                kind.upper(), used, available, 100.0 * used / max(available, 1)))
    tokens = (estimates["in_tokens"], estimates["out_tokens"])
    paper = PAPER.get((model["family"], model["layers"], model["hidden"]), {})
    measured = paper.get(tokens)
    print("  [%d:%d]            ours (estimate)    paper (on board, Table 4)" % tokens)
    rows = [("TTFT", "ms", estimates["estimated_ttft_ms"], 1),
            ("decode", "tok/s", estimates["estimated_decode_tokens_per_s"], 2),
            ("total latency", "ms", estimates["estimated_total_ms"], 0)]
    for name, unit, ours, column in rows:
        theirs = "%10.2f %s" % (measured[column], unit) if measured else "   n/a"
        print("  %-16s %12.2f %-6s %s" % (name, ours, unit, theirs))


if __name__ == "__main__":
    main()
