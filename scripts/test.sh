#!/usr/bin/env bash
# Fresh machine to test results: set up, build, run the whole test suite (CTest + GoogleTest), then
# the LibTorch-free tests under ASan + UBSan and each fuzzer for FUZZ_SECONDS (scripts/check_sanitizers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd build && ctest --output-on-failure --timeout 900 -j "$(nproc)")
./scripts/check_sanitizers.sh
