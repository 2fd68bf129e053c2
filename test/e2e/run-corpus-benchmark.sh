#!/usr/bin/env bash
# Compiles one Stream-HLS corpus benchmark, runs it in C simulation and
# compares with the PyTorch goldens that come with it, then checks its
# cycle-level estimate against the bounds.
# Usage: run-corpus-benchmark.sh <streamtensor> <benchmark-dir> <work-dir>
set -euo pipefail
streamtensor=$1 benchmark=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
"$streamtensor" compile "$benchmark/input.mlir" -o "$work/design"
"$streamtensor" csim "$work/design" --inputs "$benchmark/data" \
  --golden "$benchmark/data" --tolerance 1e-4
# The cycle-level estimate of the same design: it fails on a deadlock and
# when an estimate comes out below its compute or memory bound (a model bug).
"$streamtensor" simulate "$work/design" > "$work/simulate.txt"
