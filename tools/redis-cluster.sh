#!/usr/bin/env bash
# A local Redis Cluster of three primaries (no replicas) for trying the system against a cluster: every
# script's keys must then share one hash tag. Each node runs as the AppHost's local Redis does (AOF on,
# appendfsync always, no RDB, the same encodings), with its folder under the data dir.
#
#   tools/redis-cluster.sh start [BASE_PORT]   start (or find running) nodes on BASE_PORT..BASE_PORT+2 (default 7001);
#                                              prints the connection string, e.g. 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003
#   tools/redis-cluster.sh stop                stops every node under the data dir (the data stays; start again resumes it)
#
# Data dir: .data/redis-cluster (REDIS_CLUSTER_DIR overrides); delete it to start over. Bus ports are port + 10000.
# Exit codes: 0 done, 1 failed, 2 wrong usage.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DIR="${REDIS_CLUSTER_DIR:-.data/redis-cluster}"

usage() {
  sed -n '5,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
fail() {
  echo "redis-cluster: $*" >&2
  exit 1
}
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 ||
  fail "redis-server and redis-cli are missing (apt-get install -y redis-server)."

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }

# Polls until the command succeeds or 30 s have passed.
wait_for() {
  local what=$1
  shift
  for _ in $(seq 1 300); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  fail "gave up waiting for $what (logs: $DIR/*/redis.log)"
}

answers() { [ "$(cli "$1" PING)" = PONG ]; }
cluster_ok() {
  local info
  info=$(cli "$1" CLUSTER INFO) || return 1
  grep -q '^cluster_state:ok' <<<"$info" && grep -q '^cluster_slots_ok:16384' <<<"$info"
}
slots_assigned() {
  local n
  n=$(cli "$1" CLUSTER INFO | sed -n 's/^cluster_slots_assigned:\([0-9]*\).*/\1/p') || true
  echo "${n:-0}"
}

start() {
  local base=${1:-7001}
  [[ $base =~ ^[0-9]+$ ]] && ((base >= 1024 && base + 2 + 10000 <= 65535)) || fail "base port must be 1024..55533, not '$base'"
  local ports=("$base" "$((base + 1))" "$((base + 2))")

  for port in "${ports[@]}"; do
    if answers "$port"; then
      [[ $(cli "$port" INFO cluster) == *cluster_enabled:1* ]] ||
        fail "port $port answers but is not a cluster node: choose another base port"
      continue
    fi
    mkdir -p "$DIR/$port"
    local node
    node=$(cd "$DIR/$port" && pwd)
    redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$node" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --appendonly yes --appendfsync always --save "" \
      --hash-max-listpack-value 1024 --set-max-intset-entries 5001 \
      --daemonize yes --pidfile "$node/redis.pid" --logfile "$node/redis.log" >/dev/null ||
      fail "redis-server on $port did not start (is $port or $((port + 10000)) taken? log: $node/redis.log)"
  done
  for port in "${ports[@]}"; do wait_for "redis-server on $port" answers "$port"; done

  # A cluster created before (nodes.conf kept in each folder) comes back by itself; a fresh one is created once.
  local assigned=0
  for port in "${ports[@]}"; do assigned=$((assigned + $(slots_assigned "$port"))); done
  if ((assigned == 0)); then
    redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 ||
      fail "redis-cli --cluster create failed: $DIR/create.log"
  fi
  for port in "${ports[@]}"; do
    wait_for "node $port to report cluster_state:ok (a node whose folder was lost: stop, delete $DIR, start)" cluster_ok "$port"
  done

  local IFS=,
  local endpoints=("${ports[@]/#/127.0.0.1:}")
  echo "${endpoints[*]}"
}

stop() {
  local stopped=0
  shopt -s nullglob
  for pidfile in "$DIR"/*/redis.pid; do
    local pid port
    pid=$(cat "$pidfile")
    port=$(basename "$(dirname "$pidfile")")
    # SHUTDOWN writes the AOF out and removes the pid file; a node that does not answer is sent SIGTERM.
    if ! grep -qs redis-server "/proc/$pid/cmdline"; then
      rm -f "$pidfile" # left by a node that died (or the machine restarted): nothing to stop
      continue
    fi
    cli "$port" SHUTDOWN >/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "node $port (pid $pid) did not stop"
    rm -f "$pidfile"
    stopped=$((stopped + 1))
  done
  echo "redis-cluster: stopped $stopped node(s); data kept in $DIR" >&2
}

case "${1:-}" in
  start) shift; (($# <= 1)) || usage; start "$@" ;;
  stop) (($# == 1)) || usage; stop ;;
  *) usage ;;
esac
