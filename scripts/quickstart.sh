#!/usr/bin/env bash
# Fresh machine to first report: set up, build the program and the Python module (not the tests), run
# the quickstart experiment (mode collapse).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./build/thermodiff run --out runs/quickstart --overwrite "$@"
