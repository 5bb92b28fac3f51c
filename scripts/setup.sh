#!/usr/bin/env bash
# Installs what thermodiff needs on Debian 12 (idempotent, non-interactive) and builds it in
# Release into build/. Safe to run again: it installs only what is missing.
#   scripts/setup.sh        builds what a user runs: the program (build/thermodiff) and the Python module
#   scripts/setup.sh all    builds everything: also the tests and benchmarks (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ninja-build pkg-config git libeigen3-dev librandom123-dev libcli11-dev
          nlohmann-json3-dev libtomlplusplus-dev libfmt-dev libgtest-dev python3-numpy python3-scipy
          libtorch-dev libopenblas0-openmp python3-torch chromium clang libclang-rt-14-dev
          zlib1g-dev dataset-fashion-mnist libopenmpi-dev openmpi-bin
          python3-dev pybind11-dev python3-pytest python3-build python3-setuptools python3-wheel python3-matplotlib)
# chromium: the browser test renders every report family headless (tests/report/test_report_browser.cpp).
# clang, libclang-rt-14-dev: libFuzzer and the sanitizer run (scripts/check_sanitizers.sh).
# libopenblas0-openmp: without it LibTorch silently falls back to the reference BLAS (~10x slower).
# zlib1g-dev, dataset-fashion-mnist: Fashion-MNIST (gzip IDX files under /usr/share/datasets), a real data set.
# libopenmpi-dev, openmpi-bin: the MPI build (-DTHERMODIFF_MPI=ON; docs/mpi.md) and its tests under mpirun.
# python3-dev, pybind11-dev: the Python package (docs/python.md); python3-pytest its tests;
# python3-build its wheel (offline, without isolation); python3-matplotlib the example's figures.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The report's chart library (pinned in package-lock.json), inlined into every report.
if [ ! -f node_modules/chart.js/dist/chart.umd.js ]; then
  echo "setup: installing the chart library from npm"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

GEN=""
if command -v ninja >/dev/null 2>&1; then GEN="-G Ninja"; fi
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build $GEN -DCMAKE_BUILD_TYPE=Release -DTHERMODIFF_MPI=ON >/dev/null
elif ! grep -q "^THERMODIFF_MPI:BOOL=ON" build/CMakeCache.txt || ! grep -q "^THERMODIFF_PYTHON:BOOL=ON" build/CMakeCache.txt; then
  cmake -S . -B build -DTHERMODIFF_MPI=ON -DTHERMODIFF_PYTHON=ON >/dev/null  # a build from before MPI or Python
fi
if [ "${1:-}" = all ]; then
  cmake --build build --parallel "$(nproc)"
else
  cmake --build build --parallel "$(nproc)" --target thermodiff _core
fi

# `import thermodiff` for /usr/bin/python3: the build's package folder on the user's site path
# (a .pth file; no root, no pip). Another clone's setup points it at that clone instead.
site="$(/usr/bin/python3 -c 'import site; print(site.getusersitepackages())')"
mkdir -p "$site"
echo "$PWD/build/python" > "$site/thermodiff.pth"
