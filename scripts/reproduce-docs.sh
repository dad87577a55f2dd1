#!/usr/bin/env bash
# The full reproductions whose outputs are in docs/reproduce/ (docs/validation.md says which
# settings ran, on what, and how long). Usage: scripts/reproduce-docs.sh [target ...]
# Each target runs `crsky reproduce` into docs/reproduce/<target>/ and logs to
# docs/reproduce/<target>.log. The settings below are the documented ones for a 2-core machine
# with lavapipe (see docs/validation.md); leave the overrides out for the targets' full defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND="${BACKEND:-webgpu}"
declare -A ARGS=(
  [ahlers-mertsch-2015]="--nside 16 --realizations 32"
  [dipole]="--nside 8 --realizations 32"
  [shape]="--nside 16 --realizations 16"
  [giacinti-sigl-2012]="--nside 64 --realizations 1"
  [diffusion]="--realizations 4"
)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ahlers-mertsch-2015 dipole shape giacinti-sigl-2012 diffusion)
mkdir -p docs/reproduce
for t in "${targets[@]}"; do
  echo "== $t ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "docs/reproduce/$t.log"
  node bin/crsky.js reproduce "$t" ${ARGS[$t]:-} --backend "$BACKEND" --out "docs/reproduce/$t" --log json 2>>"docs/reproduce/$t.log" | tee -a "docs/reproduce/$t.log"
  echo "== $t done ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "docs/reproduce/$t.log"
done
