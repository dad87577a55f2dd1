#!/usr/bin/env bash
# End-to-end check of `crsky scan --emit slurm` on a real one-node Slurm cluster.
#
#   bash scripts/slurm-e2e.sh            (as root, from anywhere; Debian 12)
#
# 1. Installs slurmctld, slurmd, slurm-client and munge with apt-get when they are missing
#    (without letting the packages start their own services).
# 2. Writes a single-node slurm.conf (node = this machine on 127.0.0.1, CPUs and memory read from
#    it, no cgroups, free TCP ports) and a munge key under a fresh temporary directory, and starts
#    munged, slurmctld and slurmd there as children of this script.
# 3. Emits the Slurm scripts of a small scan (2 points x 2 shards) into a directory whose name has
#    a space and a single quote, submits them with the emitted submit.sh, waits for the merge job,
#    checks that every array task and the merge job COMPLETED with exit code 0, and that the
#    cluster's points.csv is byte-identical to the one of a direct `crsky scan` of the same file.
# 4. Always cancels its jobs, stops the daemons it started and removes the temporary directory
#    (set SLURM_E2E_KEEP=1 to keep it). Exits non-zero with a message on any failure.
#
# Environment: SLURM_E2E_TIMEOUT (seconds to wait for the jobs, default 300).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
JOB_TIMEOUT=${SLURM_E2E_TIMEOUT:-300}
T0=$(date +%s)

log() { printf '[slurm-e2e +%3ds] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() {
  printf '[slurm-e2e] FAIL: %s\n' "$*" >&2
  exit 1
}

WORK=''
SCAN_DIR=''
POLICY_CREATED=0
PIDS=()     # daemons started here, in start order
CTLD_PID=0
NAMES=()

dump_logs() {
  [[ -n $WORK && -d $WORK ]] || return 0
  local f
  # the daemons run in the foreground: their *.out files hold their log lines
  for f in "$WORK"/log/*.out "$WORK"/log/jobcomp.txt ${SCAN_DIR:+"$SCAN_DIR"/out/logs/*}; do
    [[ -f $f ]] || continue
    printf '\n----- %s (last 25 lines) -----\n' "$f" >&2
    tail -n 25 "$f" >&2 || true
  done
}

# Stops one daemon: SIGTERM, then SIGKILL after 15 s.
stop_pid() {
  local pid=$1 name=$2 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[slurm-e2e] $name (pid $pid) ignored SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# slurmstepd processes fork away from slurmd; ours are the ones whose SLURM_CONF is our file.
our_stepds() {
  local p
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/exe" 2>/dev/null) == */slurmstepd* ]] || continue
    if tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$SLURM_CONF"; then echo "${p#/proc/}"; fi
  done
}

cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  set +e
  if [[ $rc -ne 0 ]]; then dump_logs; fi
  if [[ $CTLD_PID -ne 0 ]] && kill -0 "$CTLD_PID" 2>/dev/null; then
    # cancel whatever is still queued or running, and give the steps a moment to go
    scancel --quiet --user=root 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
      sleep 0.2
    done
  fi
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}" "${NAMES[i]}"; done
  if [[ -n ${SLURM_CONF:-} ]]; then
    for i in $(our_stepds); do
      echo "[slurm-e2e] killing leftover slurmstepd $i" >&2
      kill -KILL "$i" 2>/dev/null
    done
  fi
  if [[ $POLICY_CREATED -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${SLURM_E2E_KEEP:-0} == 1 ]]; then echo "[slurm-e2e] kept $WORK" >&2; else rm -rf "$WORK"; fi
  fi
  if [[ $rc -eq 0 ]]; then
    log "PASS: scan array + merge ran on Slurm, points.csv identical to a direct scan"
  else
    echo "[slurm-e2e] FAILED (exit $rc)" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- 1. packages
missing=()
for pkg in slurmctld slurmd slurm-client munge; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || fail "missing packages ${missing[*]} and not root: apt-get install ${missing[*]}"
  log "installing ${missing[*]}"
  # The packages' maintainer scripts would start munge/slurm services: forbid that while installing.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_CREATED=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
  if [[ $POLICY_CREATED -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; POLICY_CREATED=0; fi
fi
[[ $(id -u) -eq 0 ]] || fail "must run as root (the test cluster's daemons and jobs run as root)"
for b in munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$b" >/dev/null || fail "$b not found after installing slurm/munge"
done
log "$(slurmctld -V), $(munged -V 2>&1 | head -n 1)"

# ---------------------------------------------------------------- 2. cluster
# munged wants its socket directory and every parent searchable by all, and its key private.
WORK=$(mktemp -d /tmp/crsky-slurm-e2e.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK"/{etc,run,log,state,spool,munge-key}
chmod 755 "$WORK/run"
chmod 700 "$WORK/munge-key"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'; }
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
[[ $CTLD_PORT != "$SLURMD_PORT" ]] || SLURMD_PORT=$(free_port)
HOST=$(hostname -s 2>/dev/null || hostname)
CPUS=$(nproc)
MEM_MB=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
export SLURM_CONF=$WORK/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
# one-node test cluster written by scripts/slurm-e2e.sh
ClusterName=crskye2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/run/munge.socket
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$WORK/log/jobcomp.txt
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
# keep finished jobs visible to scontrol for the checks
MinJobAge=3600
KillWait=5
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=e2e Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

mungekey -c -k "$WORK/munge-key/munge.key"
start() {
  local name=$1
  shift
  "$@" >"$WORK/log/$name.out" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}
start munged munged -F --key-file="$WORK/munge-key/munge.key" --socket="$WORK/run/munge.socket" \
  --pid-file="$WORK/run/munged.pid" --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge-key/seed"
for ((i = 0; i < 50; i++)); do [[ -S $WORK/run/munge.socket ]] && break; sleep 0.1; done
munge -n -S "$WORK/run/munge.socket" | unmunge -S "$WORK/run/munge.socket" >/dev/null || fail "munged does not answer"
start slurmctld slurmctld -D -i -f "$SLURM_CONF"
CTLD_PID=${PIDS[-1]}
start slurmd slurmd -D -f "$SLURM_CONF" -N "$HOST"
log "started munged, slurmctld (port $CTLD_PORT), slurmd (port $SLURMD_PORT) for node $HOST: $CPUS CPUs, ${MEM_MB} MB"

state=''
for ((i = 0; i < 120; i++)); do
  for j in "${!PIDS[@]}"; do kill -0 "${PIDS[j]}" 2>/dev/null || fail "${NAMES[j]} exited at start (see logs below)"; done
  state=$(sinfo -h -N -n "$HOST" -o %T 2>/dev/null || true)
  [[ $state == idle ]] && break
  sleep 0.5
done
[[ $state == idle ]] || fail "node $HOST not idle after 60 s (state: '${state:-no answer}')"
log "sinfo: $(sinfo -h -o '%P %a %D %T %C')"

# ---------------------------------------------------------------- 3. scan
# The scan lives in a directory with a space and a single quote: the emitted scripts must quote.
SCAN_DIR="$WORK/scan dir 'q'"
mkdir -p "$SCAN_DIR"
SCAN_FILE=$SCAN_DIR/scan.json
# One backend named: `auto` weighs the cpu tracker by the threads it gets, so a 1-CPU array task
# and a direct scan on 2 cores could pick different backends (and differ at float32 round-off).
cat >"$SCAN_FILE" <<'EOF'
{
  "name": "e2e",
  "preset": "quick",
  "base": { "realizations": 2, "tracking": { "timesOmega": [20], "backend": "webgpu" } },
  "grid": { "particles.rigidityPV": [1, 2] },
  "shards": 2,
  "slurm": { "time": "00:10:00", "cpusPerTask": 1, "memory": "1G" }
}
EOF
OUT=$SCAN_DIR/out
node bin/crsky.js scan --config "$SCAN_FILE" --emit slurm --out "$OUT"
for f in e2e.sbatch e2e-merge.sbatch submit.sh; do [[ -f $OUT/$f ]] || fail "crsky did not write $OUT/$f"; done
TASKS=$(sed -n 's/^#SBATCH --array=0-\([0-9]*\)$/\1/p' "$OUT/e2e.sbatch")
[[ -n $TASKS ]] || fail "no '#SBATCH --array=0-N' line in $OUT/e2e.sbatch"
TASKS=$((TASKS + 1))
[[ $TASKS -eq 4 ]] || fail "expected 4 array tasks (2 points x 2 shards), the script has $TASKS"

SUBMIT_OUT=$(bash "$OUT/submit.sh") || fail "submit.sh failed: $SUBMIT_OUT"
echo "$SUBMIT_OUT"
read -r ARRAY_ID MERGE_ID < <(sed -n 's/^submitted array job \([0-9]*\) and merge job \([0-9]*\)$/\1 \2/p' <<<"$SUBMIT_OUT")
[[ -n ${ARRAY_ID:-} && -n ${MERGE_ID:-} ]] || fail "could not read the job ids from submit.sh's output"

# Field NAME=VALUE of a one-line `scontrol -o` record.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -n 1; }

deadline=$((SECONDS + JOB_TIMEOUT))
last=0
while :; do
  rec=$(scontrol -o show job "$MERGE_ID" 2>/dev/null) || fail "slurmctld does not know merge job $MERGE_ID"
  mstate=$(field JobState "$rec")
  case $mstate in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED) break ;;
  esac
  [[ $(field Reason "$rec") != DependencyNeverSatisfied ]] || fail "merge job $MERGE_ID can never run: an array task failed"
  ((SECONDS < deadline)) || fail "jobs not finished after ${JOB_TIMEOUT} s"
  for j in "${!PIDS[@]}"; do kill -0 "${PIDS[j]}" 2>/dev/null || fail "${NAMES[j]} died while the jobs ran"; done
  if ((SECONDS - last >= 5)); then
    log "waiting; squeue:"
    squeue -o '  %.14i %.22j %.9T %.8M %R' || true
    last=$SECONDS
  fi
  sleep 1
done
log "merge job $MERGE_ID finished: $mstate"

# Every array task and the merge job: COMPLETED with exit code 0.
sacct_ok=0
if sacct -n -X -j "$ARRAY_ID,$MERGE_ID" -o JobID,State,ExitCode >/dev/null 2>&1; then
  log "sacct:"
  sacct -X -j "$ARRAY_ID,$MERGE_ID" -o JobID%16,JobName%20,State,ExitCode
  bad=$(sacct -n -P -X -j "$ARRAY_ID,$MERGE_ID" -o JobID,State,ExitCode | grep -v '|COMPLETED|0:0$' || true)
  [[ -z $bad ]] || fail "jobs not COMPLETED with exit 0 (sacct): $bad"
  sacct_ok=1
else
  log "sacct unavailable (no accounting database on this test cluster); checking with scontrol"
fi
completed=0
bad=''
while IFS= read -r rec; do
  [[ -n $rec ]] || continue
  id=$(field JobId "$rec")
  task=$(field ArrayTaskId "$rec")
  st=$(field JobState "$rec")
  ec=$(field ExitCode "$rec")
  printf '  array %s_%s (job %s): %s exit %s\n' "$ARRAY_ID" "$task" "$id" "$st" "$ec"
  if [[ $st == COMPLETED && $ec == 0:0 ]]; then completed=$((completed + 1)); else bad+=" ${ARRAY_ID}_$task ($st, exit $ec)"; fi
done < <(scontrol -o show job "$ARRAY_ID")
[[ -z $bad ]] || fail "array tasks that did not complete:$bad"
[[ $completed -eq $TASKS ]] || fail "$completed of $TASKS array tasks COMPLETED"
rec=$(scontrol -o show job "$MERGE_ID")
[[ $(field JobState "$rec") != CANCELLED ]] || fail "merge job $MERGE_ID was cancelled ($(field Reason "$rec"))"
printf '  merge %s: %s exit %s\n' "$MERGE_ID" "$(field JobState "$rec")" "$(field ExitCode "$rec")"
[[ $(field JobState "$rec") == COMPLETED && $(field ExitCode "$rec") == 0:0 ]] || fail "merge job $MERGE_ID: $(field JobState "$rec"), exit $(field ExitCode "$rec")"
# slurmctld's job completion log (jobcomp/filetxt) must say the same
ncomp=$(grep -c "JobState=COMPLETED .* ArrayJobId=$ARRAY_ID .*ExitCode=0:0" "$WORK/log/jobcomp.txt" || true)
[[ $ncomp -eq $TASKS ]] || fail "job completion log: $ncomp of $TASKS array tasks COMPLETED with exit 0:0"
grep -q "^JobId=$MERGE_ID .*JobState=COMPLETED .*ExitCode=0:0" "$WORK/log/jobcomp.txt" || fail "job completion log: merge job $MERGE_ID not COMPLETED with exit 0:0"
[[ $sacct_ok -eq 1 ]] || log "all $TASKS array tasks and the merge job COMPLETED with exit 0:0 (scontrol and the job completion log)"

for ((t = 0; t < TASKS; t++)); do
  f=$OUT/logs/crsky-e2e-${ARRAY_ID}_$t.out
  [[ -f $f ]] || fail "no log $f of array task $t"
  grep -q "^point $((t / 2)) shard $((t % 2))/2 done$" "$f" || fail "array task $t's log does not end its shard: $f"
done
grep -q '^scan e2e: 2 points; wrote ' "$OUT/logs/crsky-e2e-merge-$MERGE_ID.out" || fail "merge job's log $OUT/logs/crsky-e2e-merge-$MERGE_ID.out does not report the summary"
log "job logs: $(cd "$OUT/logs" && ls | tr '\n' ' ')"

[[ -s $OUT/points.csv ]] || fail "the merge job wrote no $OUT/points.csv"
log "direct scan of the same file for comparison"
node bin/crsky.js scan --config "$SCAN_FILE" --out "$SCAN_DIR/direct" --log quiet >"$WORK/log/direct-scan.out" 2>&1 ||
  fail "direct scan failed: $(tail -n 20 "$WORK/log/direct-scan.out")"
cmp "$OUT/points.csv" "$SCAN_DIR/direct/points.csv" || {
  diff "$OUT/points.csv" "$SCAN_DIR/direct/points.csv" >&2 || true
  fail "points.csv from Slurm differs from the direct scan's"
}
log "points.csv from Slurm == direct scan ($(wc -l <"$OUT/points.csv") lines):"
sed 's/^/  /' "$OUT/points.csv"
