#!/usr/bin/env bash
# The full reproductions whose outputs are in docs/reproduce/ (docs/validation.md says which
# settings ran, on what, and how long). Usage: scripts/reproduce-docs.sh [target ...]
# Each target runs `crsky reproduce` into docs/reproduce/<target>/, logs start, end, load and the
# checks to docs/reproduce/<target>.log and its progress (JSON lines) to out/reproduce-progress/. The settings below are the documented ones for a 2-core machine
# with lavapipe (see docs/validation.md); leave the overrides out for the targets' full defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-webgpu}"
declare -A ARGS=(
  [ahlers-mertsch-2015]="--nside 16 --realizations 32"
  [dipole]="--nside 8 --realizations 32"
  [shape]="--nside 16 --realizations 16"
  [giacinti-sigl-2012]=""
  [diffusion]="--realizations 4"
)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ahlers-mertsch-2015 dipole shape giacinti-sigl-2012 diffusion)
mkdir -p docs/reproduce out/reproduce-progress
for t in "${targets[@]}"; do
  log="docs/reproduce/$t.log"
  echo "== $t ${ARGS[$t]:-} --backend $BACKEND ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$log"
  node bin/crsky.js reproduce "$t" ${ARGS[$t]:-} --backend "$BACKEND" --out "docs/reproduce/$t" --log json 2>"out/reproduce-progress/$t.jsonl" | tee -a "$log"
  echo "== $t done ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$log"
done
