#!/usr/bin/env bash
# validate's run-time estimate against the run: for each built-in (default: every CPU built-in),
# `validate NAME` (its estimate, from two pilot runs) then `run NAME`, both with --threads THREADS;
# prints estimate, actual wall time and their ratio. Run on an idle machine (docs/robustness.md#estimate).
# Usage: bench/run_time_estimate.sh [BUILD_DIR] [THREADS] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build}/thermodiff"
THREADS="${2:-2}"
shift 2 2>/dev/null || shift $#
NAMES=("$@")
[ ${#NAMES[@]} -gt 0 ] || mapfile -t NAMES < <("$BIN" list | awk '$1 !~ /-gpu$/ {print $1}')
# RUN_TIME_KEEP=DIR keeps the runs' outputs there (their flags, timing_s); else a temporary folder.
if [ -n "${RUN_TIME_KEEP:-}" ]; then
  WORK="$RUN_TIME_KEEP"
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); binary: $BIN ($("$BIN" --version)); threads: $THREADS"
printf '%-26s %12s %10s %10s %8s\n' built-in pilots_s estimate_s actual_s ratio
for name in "${NAMES[@]}"; do
  line=$("$BIN" validate "$name" --threads "$THREADS" | grep '^run time:')
  # "run time: about 39 s on 2 threads (... , 2.6 s)": the estimate in seconds and the pilots' time
  est=$(echo "$line" | awk '{v=$4; u=$5; print (u=="min") ? v*60 : (u=="h") ? v*3600 : v}')
  pilots=$(echo "$line" | sed -nE 's/.*, ([0-9.e+-]+) s\)$/\1/p')
  pilots=${pilots:-$est}  # "measured": the one pilot was the run
  start=$(date +%s.%N)
  "$BIN" run "$name" --threads "$THREADS" --quiet --overwrite --out "$WORK/$name" >/dev/null 2>&1
  actual=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%-26s %12.3g %10.3g %10.3g %8.2f\n' "$name" "$pilots" "$est" "$actual" "$(echo "$actual / $est" | bc -l)"
done
