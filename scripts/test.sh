#!/usr/bin/env bash
# Fresh machine to test results: set up, build everything (tests and benchmarks too), run the whole test suite (CTest + GoogleTest), then
# the LibTorch-free tests under ASan + UBSan and each fuzzer for FUZZ_SECONDS (scripts/check_sanitizers.sh),
# then the CLI fuzzer (fuzz/fuzz_cli.py: flags, --set values, faulty TorchScript models) for FUZZ_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh all
(cd build && ctest --output-on-failure --timeout 900 -j "$(nproc)")
./scripts/check_sanitizers.sh
# The CLI as a user drives it, and faulty TorchScript models through every experiment (docs/robustness.md).
/usr/bin/python3 fuzz/fuzz_cli.py build/thermodiff "${FUZZ_SECONDS:-30}"
