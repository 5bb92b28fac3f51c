#!/usr/bin/env bash
# The tests that do not load LibTorch under AddressSanitizer + UndefinedBehaviorSanitizer, then every
# libFuzzer target: first its committed corpus (fuzz/corpus/TARGET: seeds and every crash ever found,
# as regression inputs), then FUZZ_SECONDS (default 30) of fuzzing. One clang build in build-check/.
# Any sanitizer report, crash, leak, timeout or out-of-memory fails the script; the input that did
# it is left in build-check/fuzz/artifacts/ (add it to fuzz/corpus/TARGET once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
GEN=""
if command -v ninja >/dev/null 2>&1; then GEN="-G Ninja"; fi
if [ ! -f build-check/CMakeCache.txt ]; then
  cmake -S . -B build-check $GEN -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTHERMODIFF_TORCH=OFF -DTHERMODIFF_SANITIZE=address,undefined -DTHERMODIFF_FUZZ=ON >/dev/null
fi
cmake --build build-check --parallel "$(nproc)"

echo "sanitizers: unit tests without LibTorch under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-check && ctest --output-on-failure --timeout 900 -j "$(nproc)")

targets=(fuzz_config fuzz_points fuzz_cifar10 fuzz_mnist)
mkdir -p build-check/fuzz/artifacts
for t in "${targets[@]}"; do
  echo "fuzz: $t regression corpus"
  build-check/$t -runs=0 fuzz/corpus/$t/* >build-check/fuzz/$t.regression.log 2>&1 ||
    { tail -n 40 build-check/fuzz/$t.regression.log; echo "fuzz: $t failed on its committed corpus"; exit 1; }
done

# Fuzz, as many targets at a time as there are cores; new inputs go to a scratch corpus.
run_one() {
  local t=$1 dict=() seeds=()
  [ -f fuzz/${t#fuzz_}.dict ] && dict=(-dict=fuzz/${t#fuzz_}.dict)
  # The config fuzzer also starts from the experiments' built-ins (experiments/NAME/builtins), but
  # not those that read an image data set from disk: parsing them loads all of it (Fashion-MNIST's
  # 60000 images take longer than the 10 s timeout under the sanitizers), I/O rather than parsing.
  if [ "$t" = fuzz_config ]; then
    mkdir -p build-check/fuzz/builtin_seeds
    for f in src/experiments/*/builtins/*.toml; do
      grep -qE '^kind = "(fashion-mnist|mnist|cifar10)"' "$f" || cp "$f" build-check/fuzz/builtin_seeds/
    done
    seeds=(build-check/fuzz/builtin_seeds)
  fi
  mkdir -p build-check/fuzz/$t
  build-check/$t "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix=build-check/fuzz/artifacts/$t- build-check/fuzz/$t fuzz/corpus/$t "${seeds[@]}" >build-check/fuzz/$t.log 2>&1
}
pids=() names=() failed=0
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!) names+=("$t")
  if [ ${#pids[@]} -ge "$(nproc)" ]; then
    wait "${pids[0]}" || { failed=1; echo "fuzz: ${names[0]} FOUND A FAILURE"; tail -n 40 "build-check/fuzz/${names[0]}.log"; }
    pids=("${pids[@]:1}") names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { failed=1; echo "fuzz: ${names[$i]} FOUND A FAILURE"; tail -n 40 "build-check/fuzz/${names[$i]}.log"; }
done
for t in "${targets[@]}"; do
  echo "fuzz: $t $(grep -E 'DONE|Done' build-check/fuzz/$t.log | tr '\n' ' ')"
done
if [ "$failed" -ne 0 ]; then echo "fuzz: failing inputs in build-check/fuzz/artifacts/"; exit 1; fi
echo "sanitizers and fuzzing: clean"
