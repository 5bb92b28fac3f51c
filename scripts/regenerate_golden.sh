#!/usr/bin/env bash
# Rewrites tests/golden/NAME.json (every built-in at the reduced size its experiment's kind.cpp declares)
# and tests/golden/FINGERPRINT from this build on this machine. Run it only when a change of numbers
# is understood: after a change of random streams, first check the old files in statistical mode
#   THERMODIFF_GOLDEN_MODE=statistical build/thermodiff_tests --gtest_filter='Builtins/Golden.*'
# and say in the commit what moved and why.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --parallel "$(nproc)" >/dev/null
THERMODIFF_REGENERATE_GOLDEN=1 build/thermodiff_tests --gtest_filter='Builtins/Golden.*'
