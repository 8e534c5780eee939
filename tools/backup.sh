#!/usr/bin/env bash
# Backup and restore of the system of record (C-8). Redis holds every service's state, its outbox and its
# audit log (architecture.md); RabbitMQ holds only events in flight, which the outboxes re-create, so the
# Redis snapshot is the backup. See docs/running.md, "Backup and restore".
#
#   tools/backup.sh backup  [--redis HOST:PORT] [--out FILE]   online, point-in-time snapshot of a running system
#   tools/backup.sh restore FILE [--data-dir DIR]               into a stopped system's Redis folder (default .data/redis)
#   tools/backup.sh verify  FILE                                checks the file and prints what it holds
#
# Exit codes: 0 done, 1 failed, 2 wrong usage.
set -euo pipefail
WORK=""
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  sed -n '5,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
fail() {
  echo "backup: $*" >&2
  exit 1
}
need() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is missing (apt-get install -y redis-tools, or redis-server which brings it)."
}

DEFAULT_DATA_DIR=".data/redis"

# The AppHost's local redis-server writes its pid file into its folder; its port is picked at start, so it
# is read from the listening socket of that pid.
running_redis_address() {
  local pidfile="$DEFAULT_DATA_DIR/redis.pid"
  [ -f "$pidfile" ] || fail "no running system found ($pidfile is missing): start it with ./run.sh, or pass --redis HOST:PORT."
  local pid port
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null || fail "the Redis of $DEFAULT_DATA_DIR (pid $pid) is not running: start the system, or pass --redis HOST:PORT."
  need ss
  port="$(ss -ltnpH 2>/dev/null | awk -v p="pid=$pid," 'index($0, p) { n = split($4, a, ":"); print a[n]; exit }')"
  [ -n "$port" ] || fail "cannot find the port of redis-server pid $pid (ss shows no listener): pass --redis HOST:PORT."
  echo "127.0.0.1:$port"
}

# Loads FILE into a throw-away redis-server on a unix socket in DIR and runs "$@" with $SOCKET set.
with_loaded_copy() {
  local file="$1" dir="$2"
  shift 2
  need redis-server
  need redis-cli
  cp "$file" "$dir/dump.rdb"
  SOCKET="$dir/restore.sock"
  redis-server --port 0 --unixsocket "$SOCKET" --unixsocketperm 700 --dir "$dir" --dbfilename dump.rdb \
    --appendonly no --save "" --daemonize yes --pidfile "$dir/restore.pid" --logfile "$dir/restore.log"
  local tries=0
  until redis-cli -s "$SOCKET" ping 2>/dev/null | grep -q PONG; do
    tries=$((tries + 1))
    [ "$tries" -lt 200 ] || { cat "$dir/restore.log" >&2; fail "the copy did not load."; }
    sleep 0.05
  done
  "$@"
}

stop_copy() {
  [ -n "${1:-}" ] || return 0
  redis-cli -s "$1/restore.sock" shutdown >/dev/null 2>&1 || true
  local tries=0
  while [ -f "$1/restore.pid" ] && kill -0 "$(cat "$1/restore.pid")" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 400 ] || fail "the temporary redis-server did not stop."
    sleep 0.05
  done
}

summary() {
  local keys customers
  keys="$(redis-cli -s "$SOCKET" dbsize)"
  customers="$(redis-cli -s "$SOCKET" --scan --pattern 'cp:registration:customer:{*}' | wc -l)"
  echo "keys: $keys, customers: $customers"
}

cmd_backup() {
  local redis="" out=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --redis) redis="${2:?}"; shift 2 ;;
      --out) out="${2:?}"; shift 2 ;;
      *) usage ;;
    esac
  done
  need redis-cli
  need redis-check-rdb
  [ -n "$redis" ] || redis="${CP_REDIS:-$(running_redis_address)}"
  [ -n "$out" ] || { mkdir -p backups; out="backups/customerprotection-$(date -u +%Y%m%dT%H%M%SZ).rdb"; }
  local host="${redis%:*}" port="${redis##*:}"
  # --rdb asks the server for a replication snapshot: consistent at one instant, taken while it serves.
  redis-cli -h "$host" -p "$port" --rdb "$out.partial" >/dev/null 2>"$out.log" || { cat "$out.log" >&2; rm -f "$out.log"; fail "could not take a snapshot from $redis."; }
  rm -f "$out.log"
  redis-check-rdb "$out.partial" >/dev/null || fail "the snapshot from $redis does not check as a valid RDB file."
  mv "$out.partial" "$out"
  (cd "$(dirname "$out")" && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")
  echo "backed up $redis to $out ($(stat -c %s "$out") bytes, sha256 in $out.sha256)"
}

check_file() {
  local file="$1"
  [ -f "$file" ] || fail "no such file: $file"
  if [ -f "$file.sha256" ]; then
    (cd "$(dirname "$file")" && sha256sum --quiet -c "$(basename "$file").sha256") || fail "$file does not match its checksum."
  fi
  need redis-check-rdb
  redis-check-rdb "$file" >/dev/null || fail "$file is not a valid RDB file."
}

cmd_verify() {
  [ $# -eq 1 ] || usage
  check_file "$1"
  WORK="$(mktemp -d)"
  trap 'stop_copy "$WORK"; rm -rf "$WORK"' EXIT
  with_loaded_copy "$1" "$WORK" summary
}

cmd_restore() {
  [ $# -ge 1 ] || usage
  local file="$1" dir="$DEFAULT_DATA_DIR"
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --data-dir) dir="${2:?}"; shift 2 ;;
      *) usage ;;
    esac
  done
  check_file "$file"
  if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    fail "the Redis of $dir is running (pid $(cat "$dir/redis.pid")): stop the system first."
  fi

  # The system runs Redis with the AOF as its only persistence, so the snapshot is turned into an AOF: load
  # it into a temporary server, switch the AOF on (Redis rewrites it from the loaded data) and shut down.
  WORK="$(mktemp -d)"
  trap 'stop_copy "$WORK"; rm -rf "$WORK"' EXIT
  write_aof() {
    redis-cli -s "$SOCKET" config set appendfsync always >/dev/null
    redis-cli -s "$SOCKET" config set appendonly yes >/dev/null
    local tries=0
    until redis-cli -s "$SOCKET" info persistence | tr -d '\r' | grep -q '^aof_rewrite_in_progress:0' \
        && redis-cli -s "$SOCKET" info persistence | tr -d '\r' | grep -q '^aof_rewrite_scheduled:0' \
        && redis-cli -s "$SOCKET" info persistence | tr -d '\r' | grep -q '^aof_enabled:1'; do
      tries=$((tries + 1))
      [ "$tries" -lt 6000 ] || fail "the AOF rewrite did not finish."
      sleep 0.05
    done
    redis-cli -s "$SOCKET" info persistence | tr -d '\r' | grep -q '^aof_last_bgrewrite_status:ok' || fail "the AOF rewrite failed (see $WORK/restore.log)."
    summary
  }
  local counts
  counts="$(with_loaded_copy "$file" "$WORK" write_aof)"
  stop_copy "$WORK"

  # Keep what was there: a restore must never be the thing that loses data.
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    local kept
    kept="$dir.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$dir" "$kept"
    echo "kept the previous data in $kept"
  fi
  mkdir -p "$dir"
  mv "$WORK/appendonlydir" "$dir/appendonlydir"
  echo "restored $file into $dir ($counts); start the system to use it."
}

[ $# -ge 1 ] || usage
command="$1"
shift
case "$command" in
  backup) cmd_backup "$@" ;;
  restore) cmd_restore "$@" ;;
  verify) cmd_verify "$@" ;;
  *) usage ;;
esac
