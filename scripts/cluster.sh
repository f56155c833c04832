#!/usr/bin/env bash
# Starts and stops the seed's local 3-node cluster (HTTP ports 8080-8082, peer ports 9080-9082) in the background.
#   scripts/cluster.sh start    build once, start node-1..node-3, wait until a leader is elected
#   scripts/cluster.sh stop     stop the nodes this script started (by their recorded pids)
#   scripts/cluster.sh status   show which nodes run
#   scripts/cluster.sh clean    stop, then delete the cluster's data directories
# Data and logs go to ./data/node-N and ./data/node-N.log.
set -euo pipefail
cd "$(dirname "$0")/.."
data=./data
pids="$data/cluster.pids"
server=src/Raft.Server/bin/Release/net10.0/raft-server.dll

start() {
  if [ -s "$pids" ] && kill -0 $(cat "$pids") 2>/dev/null; then
    echo "cluster already running (pids $(tr '\n' ' ' < "$pids"))"; return 0
  fi
  dotnet build -c Release src/Raft.Server >/dev/null
  mkdir -p "$data"; : > "$pids"
  local peers=("node-2:8081,node-3:8082" "node-1:8080,node-3:8082" "node-1:8080,node-2:8081")
  for i in 1 2 3; do
    RAFT_NODE_ID=node-$i RAFT_PORT=$((8079 + i)) RAFT_PEERS=${peers[$((i - 1))]} RAFT_DATA_DIR=$data/node-$i \
      nohup dotnet "$server" > "$data/node-$i.log" 2>&1 &
    echo $! >> "$pids"
  done
  for _ in $(seq 1 100); do
    if curl -fsS http://127.0.0.1:8080/status 2>/dev/null | grep -q '"leader_id":"node'; then
      echo "cluster up: http://127.0.0.1:8080 http://127.0.0.1:8081 http://127.0.0.1:8082 (pids $(tr '\n' ' ' < "$pids"))"; return 0
    fi
    sleep 0.1
  done
  echo "cluster started but no leader yet; see $data/node-*.log" >&2; return 1
}

stop() {
  [ -s "$pids" ] || { echo "no cluster pids recorded"; return 0; }
  for pid in $(cat "$pids"); do kill "$pid" 2>/dev/null || true; done
  for pid in $(cat "$pids"); do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$pids"; echo "cluster stopped"
}

status() {
  [ -s "$pids" ] || { echo "not running"; return 0; }
  local i=1
  for pid in $(cat "$pids"); do
    if kill -0 "$pid" 2>/dev/null; then echo "node-$i pid $pid running"; else echo "node-$i pid $pid stopped"; fi
    i=$((i + 1))
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) stop; rm -rf "$data"/node-1 "$data"/node-2 "$data"/node-3 "$data"/node-*.log ;;
  *) echo "usage: $0 start|stop|status|clean" >&2; exit 64 ;;
esac
