#!/usr/bin/env bash
# Threads: DSM training of an MLP and TAEP of a TorchScript model (LibTorch inside the engine's
# OpenMP blocks), each at --threads 1 and 2, alternated REPS times (default 3) on the same machine;
# prints every wall time, the medians and the speed-up 1-thread time / 2-thread time. Run on an idle
# machine: on a loaded one 2 threads compete with the load (docs/robustness.md#threads).
# Usage: bench/threads.sh [BUILD_DIR] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build}/thermodiff"
REPS="${2:-3}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp tests/fixtures/tiny_eps_mlp.pt "$WORK/"
cat >"$WORK/dsm.toml" <<'TOML'
experiment = "taep"
[process]
kind = "vp"
[sim]
trajectories = 256
steps = 50
objective_samples = 8
exact_samples = 256
generated_samples = 16
[target]
ring = { K = 8, radius = 2.0, std = 0.1 }
[[models]]
name = "mlp"
mlp = { width = 128, hidden = 3 }
training = { steps = 3000, batch = 512 }
TOML
cat >"$WORK/torchscript.toml" <<'TOML'
experiment = "taep"
[process]
kind = "vp"
[sim]
trajectories = 20000
steps = 200
objective_samples = 8
exact_samples = 256
generated_samples = 16
[target]
ring = { K = 8, radius = 2.0, std = 0.1 }
[[models]]
name = "torchscript"
torchscript = { file = "tiny_eps_mlp.pt", prediction = "eps" }
TOML
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); binary: $BIN ($("$BIN" --version))"
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for job in dsm torchscript; do
  : >"$WORK/$job.1" && : >"$WORK/$job.2"
  for r in $(seq "$REPS"); do
    for n in 1 2; do
      t0=$(date +%s.%N)
      "$BIN" run "$WORK/$job.toml" --quiet --threads "$n" --out "$WORK/out" --overwrite >/dev/null
      t=$(echo "$(date +%s.%N) - $t0" | bc -l)
      echo "$t" >>"$WORK/$job.$n"
      printf '%s threads=%s rep=%s: %.2f s\n' "$job" "$n" "$r" "$t"
    done
  done
  m1=$(median <"$WORK/$job.1") m2=$(median <"$WORK/$job.2")
  printf '%s: median %.2f s at 1 thread, %.2f s at 2; speed-up %.2fx\n' "$job" "$m1" "$m2" "$(echo "$m1 / $m2" | bc -l)"
done
