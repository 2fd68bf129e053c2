#!/usr/bin/env bash
# The host program on the C-simulation backend: top-k / temperature
# sampling is reproducible from its seed, top-k 1 is greedy, another seed
# still gives valid token ids; --prompt-file reads ids separated by commas
# and whitespace; bad input ends with one line and exit code 1.
# Usage: run-sampling.sh <streamtensor> <work-dir>
set -euo pipefail
streamtensor=$1 work=$2
rm -rf "$work"
mkdir -p "$work/out"
"$streamtensor" compile gpt2-tiny --precision w4a8 --seq-len 8 --max-len 16 \
  --seed 1 -o "$work/design" --quiet
prompt=3,14,15,92,65,35,89,79
# Builds csim/llm_host and runs it greedily.
"$streamtensor" csim "$work/design" --prompt "$prompt" --steps 4 --quiet
host="$work/design/csim/llm_host"
params="$work/design/params"
tokens() { "$host" "$params" "$work/out" "$@" | sed -n 's/^tokens: //p'; }
fail() { echo "FAIL: $*" >&2; exit 1; }

greedy=$(tokens --prompt "$prompt" --steps 4)
[[ $(wc -w <<<"$greedy") == 5 ]] || fail "greedy: '$greedy' is not 5 ids"
[[ "$greedy" == "$(tr '\n' ' ' <"$work/design/csim/outputs/tokens.txt" |
  sed 's/ $//')" ]] || fail "greedy differs from streamtensor csim's"

sampled=(--prompt "$prompt" --steps 4 --temperature 1.5 --top-k 20)
first=$(tokens "${sampled[@]}" --seed 7)
second=$(tokens "${sampled[@]}" --seed 7)
[[ "$first" == "$second" ]] || fail "seed 7 gave '$first' then '$second'"
[[ "$(tokens "${sampled[@]}" --seed 7 --top-k 1)" == "$greedy" ]] ||
  fail "top-k 1 is not greedy"
[[ "$(tokens --prompt "$prompt" --steps 4 --seed 7)" == "$greedy" ]] ||
  fail "temperature 0 is not greedy"
other=$(tokens "${sampled[@]}" --seed 8)
[[ $(wc -w <<<"$other") == 5 ]] || fail "seed 8: '$other' is not 5 ids"
for id in $other; do
  ((id >= 0 && id < 256)) || fail "seed 8: $id is outside the vocabulary"
done

# The same prompt from a file, commas and whitespace mixed.
printf '3 14,15\n92, 65\t35\n89 79\n' >"$work/prompt.txt"
[[ "$(tokens --prompt-file "$work/prompt.txt" --steps 4)" == "$greedy" ]] ||
  fail "--prompt-file differs from --prompt"

# Timings are labelled as what they are.
"$host" "$params" "$work/out" --prompt "$prompt" --steps 1 |
  grep -q "csim wall time, not device performance" ||
  fail "the timing line does not say it is C simulation"

# Bad input: exit code 1 and one line.
printf '3 x 5\n' >"$work/bad.txt"
expect_error() {
  local message=$1
  shift
  local code=0
  "$host" "$params" "$work/out" "$@" >"$work/stdout" 2>"$work/stderr" ||
    code=$?
  [[ $code == 1 ]] || fail "$* exited with $code, not 1"
  [[ $(wc -l <"$work/stderr") == 1 ]] || fail "$*: not one line of error"
  grep -qF -- "$message" "$work/stderr" ||
    fail "$*: '$(cat "$work/stderr")' does not say '$message'"
}
expect_error "--prompt-file $work/bad.txt: 'x' is not a token id" \
  --prompt-file "$work/bad.txt"
expect_error "--prompt-file: cannot open $work/none.txt" \
  --prompt-file "$work/none.txt"
expect_error "prompt token 256 is outside the vocabulary (256 tokens)" \
  --prompt 1,256
expect_error "--prompt: an empty token id between commas" --prompt 1,,2
expect_error "--seed: '-3' is not an integer" --prompt 1 --seed -3
code=0
"$host" "$work/nowhere" "$work/out" --prompt 1 2>"$work/stderr" || code=$?
[[ $code == 1 && $(wc -l <"$work/stderr") == 1 ]] &&
  grep -qF "cannot open $work/nowhere/" "$work/stderr" ||
  fail "a missing params folder is not one line and exit code 1"
echo "sampling, --prompt-file and bad input: ok"
