#!/usr/bin/env bash
# The GPU checks in one go (docs/gpu.md), on a machine with CUDA, CMake, ninja and PyTorch (whose
# LibTorch has CUDA) but no Debian packages and no network:
#   on this machine, once:  scripts/gpu/fetch-debs.sh .gpu/debs
#   on the GPU machine:     scripts/gpu_check.sh [OUT_DIR]      (with .gpu and node_modules beside the tree)
# It builds thermodiff against PyTorch's LibTorch with the CUDA platform, then runs
#   1. the GPU tests: every platform kernel against the reference, the fused TAEP against run_taep, --device;
#   2. the golden results of every built-in with --device cuda (statistical mode: another machine);
#   3. the GPU benchmarks with PyTorch in the same run: the platform kernels, the fused TAEP ring, and
#      cloning at d = 16384 (10^4 samples, 1000 steps).
# Logs go to OUT_DIR (default $OUT, else /tmp/gpu-check). Within 5 minutes on one H100/H200.
# `--local BUILD` skips the build and uses BUILD (to try the script's steps where there is no GPU).
set -u
cd "$(dirname "$0")/.."
build=/tmp/thermodiff-gpu-build
if [ "${1:-}" = "--local" ]; then build=${2:?--local BUILD}; shift 2; local_build=1; else local_build=0; fi
out=${1:-${OUT:-/tmp/gpu-check}}
mkdir -p "$out"
t0=$(date +%s)
step() { echo "== $1 ($(( $(date +%s) - t0 )) s)" | tee -a "$out/summary.txt"; }
status=0

if [ $local_build -eq 0 ]; then
  step "build against PyTorch's LibTorch, CUDA platform on"
  [ -d .gpu/debs ] || { echo "no .gpu/debs: run scripts/gpu/fetch-debs.sh .gpu/debs on a Debian machine first"; exit 1; }
  bash scripts/gpu/build.sh . .gpu/debs "$build" -DTHERMODIFF_CUDA=ON -DTHERMODIFF_NATIVE=ON \
    -DCMAKE_CUDA_ARCHITECTURES=native 2>&1 | tail -3 | tee -a "$out/summary.txt"
  cp "$build.build.log" "$out/build.log" 2>/dev/null
  [ -x "$build/thermodiff" ] || { echo "build failed (see $out/build.log)"; exit 1; }
  export LD_LIBRARY_PATH=/opt/deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
  export THERMODIFF_DATASETS=/opt/deps/usr/share/datasets  # Fashion-MNIST, unpacked from its .deb
fi
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv > "$out/gpu.txt" 2>&1 || true
cat "$out/gpu.txt" >> "$out/summary.txt"

step "1. GPU tests"
"$build/thermodiff_tests" --gtest_filter='Platforms.*:FusedTaep.*:TaepFused.*:Cli.Device*' > "$out/tests.log" 2>&1 || status=1
grep -E "device:|cuda |OK \]|SKIPPED \]|FAILED|PASSED" "$out/tests.log" | tee -a "$out/summary.txt"

step "2. golden results with --device cuda (statistical mode)"
if nvidia-smi -L > /dev/null 2>&1; then
  (cd "$build" && THERMODIFF_GOLDEN_DEVICE=cuda THERMODIFF_GOLDEN_MODE=statistical \
    ctest -R 'Golden' -j "$(nproc)" --timeout 300 > "$out/golden.log" 2>&1) || status=1
  grep -E "tests passed|Failed|\*\*\*" "$out/golden.log" | tail -15 | tee -a "$out/summary.txt"
else
  echo "no GPU here (nvidia-smi finds none): skipped" | tee -a "$out/summary.txt"
fi

step "3. benchmarks (PyTorch in the same run)"
"$build/bench_platforms" 64 > "$out/bench_platforms.txt" 2>&1 || status=1
tee -a "$out/summary.txt" < "$out/bench_platforms.txt"
"$build/bench_taep_fused" > "$out/bench_taep_fused.txt" 2>&1 || status=1
tee -a "$out/summary.txt" < "$out/bench_taep_fused.txt"
if nvidia-smi -L > /dev/null 2>&1; then  # Biroli's cloning at the paper's largest d: fused kernel vs PyTorch on the card
  timeout 240 "$build/bench_cloning" --d 16384 --samples 10000 --steps 1000 --platform cuda --threads "$(nproc)" \
    > "$out/bench_cloning.txt" 2>&1 || status=1
  tee -a "$out/summary.txt" < "$out/bench_cloning.txt"
fi

step "done, status $status"
exit $status
