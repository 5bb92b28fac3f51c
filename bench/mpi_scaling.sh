#!/usr/bin/env bash
# Strong scaling under MPI (docs/mpi.md): the same run at 1 and 2 ranks x 1 thread, side by side in one
# invocation — a 10^6-trajectory TAEP run (bench/mpi_taep.toml) and the cloning sweep
# (bench/mpi_cloning.toml). Prints wall times, the speed-up and efficiency, rank 0's bytes gathered and
# its time in the gathers, and checks that the numbers are the same at both rank counts.
# Usage: bench/mpi_scaling.sh [BUILD] (default build/; needs -DTHERMODIFF_MPI=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/thermodiff
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=PASSIVE
printf "%-10s %5s %10s %10s %9s %11s %14s %12s\n" run ranks wall_s stage_s speedup efficiency bytes_rank0 gather_s
for cfg in taep cloning; do
  stage=$([ $cfg = taep ] && echo taep_ensemble || echo cloning)
  for np in 1 2; do
    t0=$(date +%s.%N)
    mpirun --oversubscribe -np $np "$bin" run "bench/mpi_$cfg.toml" --threads 1 --quiet --out "$out/$cfg-$np" > /dev/null
    t1=$(date +%s.%N)
    echo "$t0 $t1" > "$out/$cfg-$np.time"
  done
  /usr/bin/python3 - "$out" "$cfg" "$stage" <<'PY'
import json, sys
out, cfg, stage = sys.argv[1:]
rows = {}
for np in (1, 2):
    t0, t1 = map(float, open(f"{out}/{cfg}-{np}.time").read().split())
    r = json.load(open(f"{out}/{cfg}-{np}/results.json"))
    rows[np] = (t1 - t0, r["timing_s"][stage], r.get("mpi", {}), r)
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("timing_s", "throughput", "created", "ranks", "mpi", "seconds", "threads")}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
same = strip(rows[1][3]) == strip(rows[2][3])
for np in (1, 2):
    wall, st, mpi, _ = rows[np]
    sp = rows[1][0] / wall
    print(f"{cfg:<10s} {np:5d} {wall:10.2f} {st:10.2f} {sp:9.2f} {sp / np:11.2f} {mpi.get('rank0_bytes_received', 0) + mpi.get('rank0_bytes_sent', 0):14.3g} {mpi.get('rank0_seconds_in_gathers', 0):12.4f}")
print(f"{cfg}: results at 2 ranks {'identical to' if same else 'DIFFERENT FROM'} 1 rank")
if not same:
    sys.exit(1)
PY
done
