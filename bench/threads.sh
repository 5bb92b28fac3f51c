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
# A TAEP on a K = 8 ring with TRAJECTORIES x STEPS and one model (its TOML lines).
taep_config() {
  printf 'experiment = "taep"\n[process]\nkind = "vp"\n[grid]\nsteps = %s\n[sim]\ntrajectories = %s\nobjective_samples = 8\n' "$2" "$1"
  printf 'exact_samples = 256\ngenerated_samples = 16\n[target]\nring = { K = 8, radius = 2.0, std = 0.1 }\n[[models]]\n%s\n' "$3"
}
taep_config 256 50 'name = "mlp"
mlp = { width = 128, hidden = 3 }
training = { steps = 3000, batch = 512 }' >"$WORK/dsm.toml"
taep_config 20000 200 'name = "torchscript"
torchscript = { file = "tiny_eps_mlp.pt", prediction = "eps" }' >"$WORK/torchscript.toml"
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
