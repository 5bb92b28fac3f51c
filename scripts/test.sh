#!/usr/bin/env bash
# Fresh machine to test results: set up, build, run the whole test suite (CTest + GoogleTest).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)"
