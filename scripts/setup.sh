#!/usr/bin/env bash
# Installs the Debian packages StreamTensor needs, and only those that are
# missing. Quiet when everything is already there. Safe to run again.
set -euo pipefail

PACKAGES=(
  # Build tools.
  cmake ninja-build g++ ccache
  # LLVM/MLIR 22 (bookworm-security): headers, static libraries, CMake
  # configs, mlir-tblgen, FileCheck/not/count and lit.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # Unit tests.
  libgtest-dev
  # The fuzz targets (fuzz/, docs/fuzzing.md): libFuzzer comes with clang, and
  # its runtime (with the sanitizers') with libclang-rt.
  clang-22 libclang-rt-22-dev
  # The FIFO sizing LP and the die-assignment ILP (COIN-OR CLP and CBC).
  coinor-libcbc-dev coinor-libclp-dev pkg-config
  # lit runs on Debian's python3; the golden and comparison scripts use numpy.
  python3 python3-numpy
  # The PyTorch references of the LLM families (python/reference).
  python3-torch
  # report.html's dataflow graphs are drawn by Graphviz's dot.
  graphviz
  # The report test opens report.html in headless Chromium.
  chromium
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
# A fresh machine has empty package lists: update them before installing.
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
