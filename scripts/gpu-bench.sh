#!/usr/bin/env bash
# The one command for a GPU machine without Node.js or a package registry (docs/benchmark.md,
# "A real GPU in one call"). Here: `node scripts/pack-gpu.mjs` (builds the git-ignored gpu-pack/);
# there, from the repository root, with gpu-pack carried along:
#
#   bash scripts/gpu-bench.sh [--out DIR] [--smoke] [--budget SECONDS] [--pack DIR]
#
# Steps, each with its own time limit, all within --budget (default 500 s; smoke 110 s), each
# writing its JSON as soon as it is done (bench rows as they are measured), so a step cut short
# or failing loses only itself:
#   system      nvidia-smi (if present): GPU, driver, memory -> nvidia-smi.txt, nvidia-smi.csv
#   node        unpacks the packed Node binary (once per machine)
#   adapter     the WebGPU adapter crsky picks, its limits, the batch size -> adapter.json
#   bench-modes webgpu, plane waves 256/64/1024 modes, 16k/256k/1M particles -> bench-modes.json
#   bench-grid  webgpu, the 256³ grid, 16k/256k/1M particles              -> bench-grid.json
#   precision   webgpu against the float64 cpu tracker, same particles     -> precision.json
#   bench-crpropa  the CRPropa comparison workload on webgpu               -> bench-crpropa.json
#   bench-cpu   the cpu backend, 256 modes, 16k particles (the ratio)      -> bench-cpu.json
# and steps.json (name, exit status, wall time, limit of every step), summary.json and a summary
# on stdout. --smoke runs the same steps with tiny sizes (any machine, lavapipe included: < 2 min).
# Output: --out, else $OUT (what the device tool brings back), else ./gpu-bench-out.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:-./gpu-bench-out}"
smoke=0
budget=""
pack="${CRSKY_GPU_PACK:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --budget) budget="$2"; shift 2 ;;
    --pack) pack="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-bench: unknown argument '$1' (--out DIR, --smoke, --budget SECONDS, --pack DIR)" >&2; exit 2 ;;
  esac
done
if [ -z "$pack" ]; then
  for d in "$here/gpu-pack" "$here/../gpu-pack" "$here" "./gpu-pack"; do
    if [ -f "$d/run.sh" ] && [ -d "$d/crsky" ]; then pack="$d"; break; fi
  done
fi
if [ -z "$pack" ] || [ ! -f "$pack/run.sh" ]; then
  echo "gpu-bench: no gpu-pack/ next to this script or in the working directory; build it with 'node scripts/pack-gpu.mjs' and carry it along (or give --pack DIR)" >&2
  exit 2
fi
pack="$(cd "$pack" && pwd)"
[ -n "$budget" ] || budget=$([ "$smoke" = 1 ] && echo 110 || echo 500)
case "$budget" in ''|*[!0-9]*) echo "gpu-bench --budget $budget: must be a whole number of seconds" >&2; exit 2 ;; esac
mkdir -p "$out" || exit 2
out="$(cd "$out" && pwd)"

now() { date +%s.%N; }
started=$(now)
deadline=$(awk -v s="$started" -v b="$budget" 'BEGIN { printf "%.3f", s + b }')
have_timeout=0
command -v timeout >/dev/null 2>&1 && have_timeout=1
steps_json="$out/steps.json"
steps=()
write_steps() {
  local IFS=,
  printf '[%s]\n' "${steps[*]}" > "$steps_json.tmp" && mv "$steps_json.tmp" "$steps_json"
}
json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\n\t' '  ')"; }

# step NAME LIMIT_SECONDS COMMAND...: runs it under min(LIMIT, what is left of the budget),
# its output on the console and in NAME.log, and records how it went in steps.json.
step() {
  local name="$1" limit="$2"
  shift 2
  local left
  left=$(awk -v d="$deadline" -v n="$(now)" 'BEGIN { printf "%d", d - n }')
  [ "$left" -lt "$limit" ] && limit="$left"
  if [ "$limit" -lt 5 ]; then
    echo "== $name: skipped (budget of ${budget} s spent)"
    steps+=("{\"name\":\"$name\",\"status\":\"skipped\",\"exitCode\":null,\"wallSeconds\":0,\"limitSeconds\":0,\"command\":$(json_string "$*")}")
    write_steps
    return 0
  fi
  echo "== $name (limit ${limit} s): $*"
  local t0 rc wall status
  t0=$(now)
  if [ "$have_timeout" = 1 ] && ! declare -F "$1" >/dev/null; then
    timeout -k 10 "$limit" "$@" 2>&1 | tee "$out/$name.log"
    rc=${PIPESTATUS[0]}
  else
    "$@" 2>&1 | tee "$out/$name.log"
    rc=${PIPESTATUS[0]}
  fi
  wall=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  status=ok
  [ "$rc" -ne 0 ] && status=failed
  { [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && status=timeout
  echo "== $name: $status (exit $rc) in ${wall} s"
  steps+=("{\"name\":\"$name\",\"status\":\"$status\",\"exitCode\":$rc,\"wallSeconds\":$wall,\"limitSeconds\":$limit,\"command\":$(json_string "$*")}")
  write_steps
}

crsky=(bash "$pack/run.sh")
system_info() {
  local to=""
  [ "$have_timeout" = 1 ] && to="timeout 20"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(uname -srm); cpus: $(nproc 2>/dev/null || echo '?')"
  echo "pack: $pack ($(du -sh "$pack" 2>/dev/null | cut -f1)); out: $out; budget ${budget} s; smoke $smoke"
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$f" ] && echo "Vulkan ICD: $f"
  done
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
  if command -v nvidia-smi >/dev/null 2>&1; then
    $to nvidia-smi > "$out/nvidia-smi.txt" 2>&1
    $to nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit,compute_cap --format=csv > "$out/nvidia-smi.csv" 2>&1
    cat "$out/nvidia-smi.csv"
  else
    echo "nvidia-smi: not found (no NVIDIA driver tools on this machine)"
  fi
  return 0
}

if [ "$smoke" = 1 ]; then
  # 1M particles here too: the batch buffers of the real run (64 MiB of particle states, within
  # lavapipe's 128 MiB storage binding), for a few steps
  particles=256,1048576; modes=64; repeats=1; seconds=0.1
  precision=(--particles 256 --omega-t 30 --modes 64 --grid 32)
  crpropa=(--modes 64 --particles 64); cpu=(--modes 64 --particles 256)
else
  particles=16384,262144,1048576; modes=256,64,1024; repeats=2; seconds=2
  precision=(--particles 4096 --omega-t 300 --modes 256 --grid 128)
  crpropa=(); cpu=(--modes 256 --particles 16384)
fi
common=(--repeats "$repeats" --seconds "$seconds")

step system 30 system_info
step node 60 "${crsky[@]}" --version
step adapter 60 "${crsky[@]}" gpu-check adapter --json "$out/adapter.json"
step bench-modes 150 "${crsky[@]}" bench --backends webgpu --modes "$modes" --particles "$particles" "${common[@]}" --json "$out/bench-modes.json"
step bench-grid 120 "${crsky[@]}" bench --backends webgpu --modes grid --particles "$particles" "${common[@]}" --json "$out/bench-grid.json"
step precision 90 "${crsky[@]}" gpu-check precision "${precision[@]}" --json "$out/precision.json"
step bench-crpropa 60 "${crsky[@]}" bench --workload crpropa --backends webgpu ${crpropa[@]+"${crpropa[@]}"} --repeats "$repeats" --json "$out/bench-crpropa.json"
step bench-cpu 40 "${crsky[@]}" bench --backends cpu "${cpu[@]}" "${common[@]}" --json "$out/bench-cpu.json"
total=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
echo "== total ${total} s"
# the summary needs only the JSON files: it runs (briefly) even when the budget is spent
"${crsky[@]}" gpu-check summary --dir "$out" --json "$out/summary.json" --total "$total"
