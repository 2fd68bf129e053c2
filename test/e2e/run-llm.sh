#!/usr/bin/env bash
# Compiles a tiny LLM preset with seeded random weights, runs prefill of 8
# tokens then 8 greedy decode steps through the host program in C
# simulation, and compares logits and tokens at every step with the PyTorch
# reference (python/reference) on the very same weights.
# Usage: run-llm.sh <streamtensor> <preset> <precision> <tolerance> <work-dir>
#                   [<int4 group size> [<layer loop: host or device>
#                   [<more compile options>...]]]
set -euo pipefail
streamtensor=$1 preset=$2 precision=$3 tolerance=$4 work=$5 group=${6:-0}
layer_loop=${7:-host}
shift $(( $# < 7 ? $# : 7 ))
more=("$@")
here=$(cd "$(dirname "$0")" && pwd)
reference="$here/../../python/reference/run.py"
prompt=3,14,15,92,65,35,89,79
rm -rf "$work"
mkdir -p "$work/reference"
grouping=()
if [[ "$group" != 0 ]]; then
  grouping=(--group-size "$group")
fi
"$streamtensor" compile "$preset" --precision "$precision" --seq-len 8 \
  --max-len 16 --seed 1 --layer-loop "$layer_loop" -o "$work/design" \
  "${grouping[@]}" "${more[@]}"
# The compile exports its random weights (and the quantisation scales it
# calibrated) so that the reference runs the same model.
extra=()
if [[ -f "$work/design/params/scales.json" ]]; then
  extra=(--scales "$work/design/params/scales.json")
fi
/usr/bin/python3 "$reference" --model "$work/design/params" --prompt "$prompt" \
  --steps 8 --precision "$precision" --out "$work/reference" "${extra[@]}" \
  "${grouping[@]}"
"$streamtensor" csim "$work/design" --prompt "$prompt" --steps 8 \
  --golden "$work/reference" --tolerance "$tolerance"
