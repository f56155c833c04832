#!/usr/bin/env bash
# Cluster benchmark: our 3-node cluster against a 3-node etcd, the same closed-loop load, in one run, on 127.0.0.1.
#
#   bench/cluster-bench.sh      writes at 1, 16, 64 and 256 clients and linearizable reads at 64 clients, 10 s each after
#                               2 s of warm-up, against both systems; prints the table and writes it to
#                               bench/results/cluster-<date>.md
#
# Both clusters run at the same time (an idle cluster costs about 1% of a core), and every workload runs against each
# system back to back, so that the figures compared were taken seconds apart: on a shared machine the background load
# moves a lot in a few minutes. Each round rotates which system goes first. The table gives medians over the rounds, and
# ratios as the median of the per-round ratios.
#
# Settings (environment variables):
#   DURATION=10 WARMUP=2        measured seconds and warm-up seconds per workload
#   ROUNDS=1                    how many times to run every workload against every system
#   PRIME=15                    seconds of unmeasured 64-client writes against each system once it is up: our server
#                               JIT-compiles its hot paths in its first ~20 s, which would otherwise land in the first
#                               workload measured
#   WRITE_CLIENTS="1 16 64 256" READ_CLIENTS="64"   the workloads
#   SYSTEMS="ours etcd"         which systems to run (e.g. SYSTEMS=ours for a quick look at ours alone)
#   BASELINE=dir                another build of raft-server (a directory holding raft-server.dll, e.g. of an older
#                               commit), run as a third system, "baseline", on ports 8090-8092 and 9090-9092: before and
#                               after figures from the same run
#   SERVER_ENV="..."            extra environment for our server processes (and the baseline's), e.g. "DOTNET_gcServer=0"
#   BASELINE_ENV="..."          extra environment for the baseline's processes only (after SERVER_ENV): with BASELINE set
#                               to this build, an A/B of a runtime setting
#   NO_BUILD=1                  skip the Release build
#   KEEP=1                      keep the temporary directory (server logs, data, raw results) after a successful run
#   OUT=path.md                 where to write the table (default bench/results/cluster-<date>.md)
#
# Ours: ports 8080-8082 (HTTP) and 9080-9082 (peers). etcd (Debian package etcd-server, installed if missing): client
# ports 2379, 22379, 32379 and peer ports 2380, 22380, 32380. Both keep their defaults, fsync on; data directories in a
# temporary directory. Every process started here is stopped by its pid when the script exits.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
PRIME=${PRIME:-15}
ROUNDS=${ROUNDS:-1}
WRITE_CLIENTS=${WRITE_CLIENTS-"1 16 64 256"}
READ_CLIENTS=${READ_CLIENTS-"64"}
SYSTEMS=${SYSTEMS:-"ours etcd"}
SYSTEMS=${SYSTEMS//raft/ours}
BASELINE=${BASELINE:-}
if [ -n "$BASELINE" ] && [[ " $SYSTEMS " != *" baseline "* ]]; then SYSTEMS="$SYSTEMS baseline"; fi
SERVER_ENV=${SERVER_ENV:-}
BASELINE_ENV=${BASELINE_ENV:-}
stamp=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$repo/bench/results/cluster-$stamp.md}

work=$(mktemp -d "${TMPDIR:-/tmp}/cluster-bench.XXXXXX")
# The servers and the generator run from private copies of the build (a rebuild of the work tree during the run must not
# swap files under running processes), in an empty working directory.
loadgen=$work/bin/raft-loadgen/raft-loadgen.dll
mkdir -p "$work/run"
results=$work/results
mkdir -p "$results"
started_pids=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_pids() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

cleanup() {
  local status=$?
  if [ ${#started_pids[@]} -gt 0 ]; then stop_pids "${started_pids[@]}"; fi
  if [ "$status" -ne 0 ]; then
    log "failed (exit $status); server logs kept in $work"
  elif [ -n "${KEEP:-}" ]; then
    log "server logs, data and raw results kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_ports() {
  local port
  for port in "$@"; do
    port_free "$port" || { log "port $port on 127.0.0.1 is in use; stop whatever listens there first"; exit 1; }
  done
}

has() { [[ " $SYSTEMS " == *" $1 "* ]]; }

# --- prerequisites ---------------------------------------------------------------------------------------------------
if has etcd && ! command -v etcd >/dev/null 2>&1; then
  log "installing etcd-server (Debian package)"
  if ! apt-get install -y etcd-server >/dev/null 2>&1; then
    apt-get update >/dev/null && apt-get install -y etcd-server >/dev/null
  fi
fi
if [ -z "${NO_BUILD:-}" ]; then
  log "building Release"
  dotnet build -c Release src/Raft.Server -v q -nologo >/dev/null
  dotnet build -c Release bench/Raft.LoadGenerator -v q -nologo >/dev/null
fi
mkdir -p "$work/bin"
cp -r src/Raft.Server/bin/Release/net10.0 "$work/bin/ours"
cp -r bench/Raft.LoadGenerator/bin/Release/net10.0 "$work/bin/raft-loadgen"
if [ -n "$BASELINE" ]; then
  [ -f "$BASELINE/raft-server.dll" ] || { log "BASELINE=$BASELINE holds no raft-server.dll"; exit 1; }
  cp -r "$BASELINE" "$work/bin/baseline"
fi

loadgen() { dotnet "$loadgen" "$@"; }
join_pids() { local IFS=,; echo "$*"; }

# --- our cluster (and the baseline build) ----------------------------------------------------------------------------
declare -A pids_of base_port_of
base_port_of[ours]=8080
base_port_of[baseline]=8090

start_raft() { # label: nodes on HTTP ports base..base+2, peer ports base+1000..base+1002
  local label=$1 base=${base_port_of[$1]} data=$work/$1 i list=() extra_env=$SERVER_ENV
  if [ "$label" = baseline ]; then extra_env="$SERVER_ENV $BASELINE_ENV"; fi
  require_ports "$base" $((base + 1)) $((base + 2)) $((base + 1000)) $((base + 1001)) $((base + 1002))
  local peers=("node-2:$((base + 1)),node-3:$((base + 2))" "node-1:$base,node-3:$((base + 2))" "node-1:$base,node-2:$((base + 1))")
  mkdir -p "$data"
  for i in 1 2 3; do
    # shellcheck disable=SC2086
    (cd "$work/run" && exec env $extra_env RAFT_NODE_ID=node-$i RAFT_BIND_ADDRESS=127.0.0.1 RAFT_PORT=$((base + i - 1)) \
      RAFT_PEERS=${peers[$((i - 1))]} RAFT_DATA_DIR="$data/node-$i" dotnet "$work/bin/$label/raft-server.dll" >"$data/node-$i.log" 2>&1) &
    list+=("$!"); started_pids+=("$!")
  done
  pids_of[$label]=$(join_pids "${list[@]}")
}

# Prints the leader's URL first, then the others, once all three answer and agree on a leader.
raft_leader() { # label
  local base=${base_port_of[$1]} attempt port status leader id
  for attempt in $(seq 1 300); do
    leader=""
    for port in $base $((base + 1)) $((base + 2)); do
      status=$(curl -fsS --max-time 1 "http://127.0.0.1:$port/status" 2>/dev/null) || { leader=""; break; }
      id=$(sed -n 's/.*"leader_id":"node-\([0-9]\)".*/\1/p' <<<"$status")
      [ -n "$id" ] || { leader=""; break; }
      if [ -z "$leader" ]; then leader=$id; elif [ "$leader" != "$id" ]; then leader=""; break; fi
    done
    if [ -n "$leader" ]; then
      local first=$((base + leader - 1)) list
      list="http://127.0.0.1:$first"
      for port in $base $((base + 1)) $((base + 2)); do [ "$port" = "$first" ] || list="$list,http://127.0.0.1:$port"; done
      echo "$list"; return 0
    fi
    sleep 0.1
  done
  log "$1: no leader; see $work/$1/node-*.log"; return 1
}

# --- etcd ------------------------------------------------------------------------------------------------------------
start_etcd() {
  require_ports 2379 2380 22379 22380 32379 32380
  local data=$work/etcd i list=()
  local cluster="e1=http://127.0.0.1:2380,e2=http://127.0.0.1:22380,e3=http://127.0.0.1:32380"
  local clients=(2379 22379 32379) peers=(2380 22380 32380)
  mkdir -p "$data"
  for i in 0 1 2; do
    (cd "$work/run" && exec etcd --name "e$((i + 1))" --data-dir "$data/e$((i + 1))" \
      --listen-client-urls "http://127.0.0.1:${clients[$i]}" --advertise-client-urls "http://127.0.0.1:${clients[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${peers[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${peers[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "bench-$$" \
      --logger zap --log-level warn >"$data/e$((i + 1)).log" 2>&1) &
    list+=("$!"); started_pids+=("$!")
  done
  pids_of[etcd]=$(join_pids "${list[@]}")
}

# Prints the leader's client URL first: the member whose header.member_id equals the "leader" it reports.
etcd_leader() {
  local attempt port status member leader first
  for attempt in $(seq 1 300); do
    first=""
    for port in 2379 22379 32379; do
      status=$(curl -fsS --max-time 1 -X POST "http://127.0.0.1:$port/v3/maintenance/status" -d '{}' 2>/dev/null) || continue
      member=$(sed -n 's/.*"member_id":"\([0-9]*\)".*/\1/p' <<<"$status")
      leader=$(sed -n 's/.*"leader":"\([0-9]*\)".*/\1/p' <<<"$status")
      if [ -n "$member" ] && [ "$member" = "$leader" ]; then first=$port; fi
    done
    if [ -n "$first" ]; then
      local list="http://127.0.0.1:$first"
      for port in 2379 22379 32379; do [ "$port" = "$first" ] || list="$list,http://127.0.0.1:$port"; done
      echo "$list"; return 0
    fi
    sleep 0.1
  done
  log "etcd: no leader; see $work/etcd/e*.log"; return 1
}

target_of() { [ "$1" = etcd ] && echo etcd || echo raft; }
leader_of() { if [ "$1" = etcd ]; then etcd_leader; else raft_leader "$1"; fi; }

summarize() {
  [ -s "$1" ] || return 0
  local throughput p50 p99 errors cpu
  throughput=$(sed -n 's/.*"throughput": \([0-9.]*\).*/\1/p' "$1")
  p50=$(sed -n 's/.*"p50_ms": \([0-9.]*\).*/\1/p' "$1")
  p99=$(sed -n 's/.*"p99_ms": \([0-9.]*\).*/\1/p' "$1")
  errors=$(sed -n 's/.*"errors": \([0-9]*\).*/\1/p' "$1")
  cpu=$(sed -n 's/.*"server_cpu_us_per_op": \([0-9.]*\).*/\1/p' "$1")
  log "  -> $throughput ops/s, p50 $p50 ms, p99 $p99 ms, $errors errors, server CPU $cpu us/op"
}

# One measured run. The leader is looked up right before it: on a busy machine a missed heartbeat can move it, and the
# clients must send to the leader (a follower would forward, which measures something else).
run_one() { # system mode clients round
  local system=$1 mode=$2 clients=$3 round=$4 endpoints file
  file=$results/$system-$mode-$clients-r$round.json
  endpoints=$(leader_of "$system")
  log "$system: $mode, $clients clients, to ${endpoints%%,*}"
  loadgen run --target "$(target_of "$system")" --endpoints "$endpoints" --clients "$clients" --mode "$mode" --keys 1000 \
    --value-size 100 --duration "$DURATION" --warmup "$WARMUP" --server-pids "${pids_of[$system]}" --label "$system" \
    --json >"$file" || log "$system: $mode run with $clients clients failed"
  summarize "$file"
  sleep 1
}

# --- the run ---------------------------------------------------------------------------------------------------------
systems=()
for system in ours baseline etcd; do has "$system" && systems+=("$system"); done
[ ${#systems[@]} -gt 0 ] || { log "SYSTEMS=$SYSTEMS names none of: ours etcd (baseline with BASELINE=dir)"; exit 64; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "fsync floor in $work"
loadgen fsync --dir "$work" --count 1000 --json >"$work/fsync.json"
dd_line=$(dd if=/dev/zero of="$work/dd.tmp" bs=4k count=1000 oflag=dsync 2>&1 | tail -n 1); rm -f "$work/dd.tmp"
log "  $(cat "$work/fsync.json")"
log "  dd oflag=dsync: $dd_line"

for system in "${systems[@]}"; do
  if [ "$system" = etcd ]; then
    log "starting a 3-node etcd ($(etcd --version | head -n 1))"
    start_etcd
  else
    log "starting $system: 3 nodes on ports ${base_port_of[$system]}-$((${base_port_of[$system]} + 2))"
    start_raft "$system"
  fi
done
for system in "${systems[@]}"; do
  endpoints=$(leader_of "$system")
  log "$system: leader ${endpoints%%,*}"
  if [ "$PRIME" != 0 ]; then
    log "$system: priming, 64 clients writing for $PRIME s (not measured)"
    loadgen run --target "$(target_of "$system")" --endpoints "$endpoints" --clients 64 --mode write --duration "$PRIME" \
      --warmup 0 --json >/dev/null || log "$system: priming failed"
  fi
done

workloads=()
for clients in $WRITE_CLIENTS; do workloads+=("write $clients"); done
for clients in $READ_CLIENTS; do workloads+=("read $clients"); done
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  for workload in "${workloads[@]}"; do
    read -r mode clients <<<"$workload"
    # Rotate the order of the systems from round to round.
    for k in $(seq 0 $((${#systems[@]} - 1))); do
      run_one "${systems[$(((k + round - 1) % ${#systems[@]}))]}" "$mode" "$clients" "$round"
    done
  done
done
stop_pids "${started_pids[@]}"
started_pids=()
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$(dirname "$OUT")"
{
  loadgen table --results "$results" --fsync "$work/fsync.json" --title "Cluster vs etcd, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "dd if=/dev/zero bs=4k count=1000 oflag=dsync (average): $dd_line"
  echo
  echo "Machine: $(nproc) cores, $(uname -r), .NET $(dotnet --version), $(etcd --version 2>/dev/null | head -n 1 || echo 'etcd not run');" \
    "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src')$([ -n "$BASELINE" ] && echo "; baseline: $BASELINE");" \
    "load average before $load_before, after $load_after. DURATION=$DURATION WARMUP=$WARMUP PRIME=$PRIME ROUNDS=$ROUNDS."
  echo
  echo "<details><summary>Raw results</summary>"
  echo
  echo '```'
  for f in "$results"/*.json; do echo "$(basename "$f"): $(tr -d '\n ' <"$f")"; done
  echo '```'
  echo
  echo "</details>"
} >"$OUT"
cat "$OUT"
log "written to $OUT"
