#!/usr/bin/env bash
# The quick tier for iterating (docs/testing.md#quick): builds what changed and runs the unit tests,
# leaving out the slow tiers that scripts/test.sh runs — the built-ins' goldens (also under MPI),
# the end-to-end runs of the program (Cli, Robust, ConfigMistakes, SchedulesRun, MemorizationRun), the
# browser test, the experiment matrix, the at-scale statistical checks, pytest, sanitizers and fuzzing:
# 182 of 394 tests, about
# 2 minutes on 2 cores once built. Extra arguments go to ctest (e.g. -R Mixture).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/CMakeCache.txt ] || ./scripts/setup.sh all
cmake --build build --parallel "$(nproc)"
cd build
exec ctest --output-on-failure --timeout 900 -j "$(nproc)" -E 'Golden|Mpi\.|ReportBrowser|Matrix|AtScale|Python\.pytest|^Cli\.|^Robust\.|^ConfigMistakes\.|^SchedulesRun\.|^MemorizationRun\.' "$@"
