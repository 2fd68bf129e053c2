#!/usr/bin/env bash
# The XRT backend of the host program compiles: a fresh gpt2-tiny design's
# host/ is syntax-checked with -DSTREAMTENSOR_XRT against the stand-in XRT
# headers of xrt-stub/ (declarations only; XRT itself is not installed in
# CI). The kernels' C++ is not part of the XRT host: it is on the FPGA.
# Usage: check-xrt-syntax.sh <streamtensor> <work-dir>
set -euo pipefail
streamtensor=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
"$streamtensor" compile gpt2-tiny --precision w4a8 --seq-len 8 --max-len 16 \
  --params no -o "$work/design" --quiet
cd "$work/design"
test -f host/llm_main.cpp
test -f host/llm_xrt_backend.cpp
${CXX:-g++} -std=c++17 -fsyntax-only -Wall -Wextra -Werror -DSTREAMTENSOR_XRT \
  -I"$here/xrt-stub" -Ihost -Ihls host/*.cpp
# The XRT build selects the XRT backend and leaves out the C simulation.
grep -q '^#ifdef STREAMTENSOR_XRT' host/llm_xrt_backend.cpp
grep -q '^#ifndef STREAMTENSOR_XRT' host/llm_csim_backend.cpp
echo "host/*.cpp compiles with -DSTREAMTENSOR_XRT"
