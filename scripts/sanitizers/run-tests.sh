#!/usr/bin/env bash
# Runs the tests of a STREAMTENSOR_SANITIZE build (`make sanitize`,
# docs/sanitizers.md) and fails on any sanitizer report.
#
#   run-tests.sh BUILD_DIR [ctest arguments...]
#
# A report ends its program with SIGABRT (the options built into every
# executable, options.cpp.in), which fails most tests, but not one that only
# expected the program to fail: `not streamtensor ...` passes on the
# driver's exit code 3, which its crash guard gives any crash. So the
# reports go to files (the runtimes' log_path) instead of stderr, and any
# file there after the run is a failure, printed in full at the end.
set -uo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [ctest arguments...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
shift
reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"

# Appended, so that options given by the caller still hold; log_exe_name
# puts the program's name in the file's.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$reports/asan:log_exe_name=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$reports/ubsan:log_exe_name=1"

(cd "$build" && ctest --output-on-failure "$@")
status=$?

shopt -s nullglob
found=("$reports"/*)
if [[ ${#found[@]} -gt 0 ]]; then
  for file in "${found[@]}"; do
    echo "==== sanitizer report: $file"
    cat "$file"
  done
  echo "${#found[@]} sanitizer report(s) in $reports" >&2
  status=1
else
  echo "No sanitizer reports."
fi
exit $status
