#!/usr/bin/env bash
# Runs one fuzz target: first every kept input (corpus/<target>/ and
# regressions/<target>/) once, as it is, then fuzzing for SECONDS from them.
# New inputs and crash artifacts go to WORK_DIR (emptied first), never to the
# source tree. Fails on any crash, leak, timeout or out-of-memory.
#
#   run-fuzzer.sh FUZZER TARGET SECONDS WORK_DIR [libFuzzer flags...]
#
# ctest runs it for a few seconds with -seed=1; docs/fuzzing.md has the long
# run. The limits below are per target, so that both use the same.
set -euo pipefail

if [[ $# -lt 4 ]]; then
  echo "usage: $0 FUZZER TARGET SECONDS WORK_DIR [libFuzzer flags...]" >&2
  exit 2
fi
fuzzer=$1 target=$2 seconds=$3 work=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus/$target
regressions=$here/regressions/$target

# -max_len bounds what mutations grow to (the seeds fit); -timeout is per
# input, in seconds. The import parses with MLIR, whose context and dialects
# take the most memory of the four.
case $target in
  model-config | safetensors) max_len=4096 limits=(-timeout=10) ;;
  platform) max_len=16384 limits=(-timeout=10) ;;
  import-mlir) max_len=4096 limits=(-timeout=20 -rss_limit_mb=4096) ;;
  *) echo "$0: unknown target '$target'" >&2; exit 2 ;;
esac

rm -rf "$work"
mkdir -p "$work/new" "$work/artifacts"
common=(-artifact_prefix="$work/artifacts/" "${limits[@]}")

# Kept inputs one by one, whole: given files, libFuzzer runs each once
# (without -max_len, which would cut them).
shopt -s nullglob
kept=("$corpus"/* "$regressions"/*)
dirs=()
for dir in "$corpus" "$regressions"; do
  [[ -d $dir ]] && dirs+=("$dir")
done
if [[ ${#kept[@]} -gt 0 ]]; then
  echo "== $target: replaying ${#kept[@]} kept inputs"
  if ! "$fuzzer" "${common[@]}" "${kept[@]}" >"$work/replay.log" 2>&1; then
    cat "$work/replay.log" >&2
    exit 1
  fi
fi

# New inputs go to the first folder, $work/new; the kept ones are read only.
echo "== $target: fuzzing for $seconds s"
"$fuzzer" "${common[@]}" -max_len="$max_len" -dict="$here/dicts/$target.dict" \
  -max_total_time="$seconds" -print_final_stats=1 "$@" \
  "$work/new" "${dirs[@]}"
