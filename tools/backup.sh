#!/usr/bin/env bash
# Backups of the system of record (C-8). Redis holds every service's state, its outbox and its audit log
# (architecture.md); RabbitMQ holds only events in flight, which the outboxes re-create, so a Redis
# snapshot is the backup. The system takes them itself (Registration's backup worker, on a schedule,
# encrypted with the key ring); this script lists, verifies and restores them. See docs/running.md,
# "Backup and restore".
#
#   tools/backup.sh list    [DIR]                                 the backups in DIR (default .data/backups), newest last
#   tools/backup.sh verify  FILE [--keys RING]                    checksum, decryption, RDB check; prints what it holds
#   tools/backup.sh restore FILE [--keys RING] [--data-dir DIR]   into a stopped system's Redis folder (default .data/redis)
#
# The key ring: Confidentiality__Keys__<id> in the environment (the names Registration is configured with),
# else the JSON ring file RING (default .data/dev-data-keys.json, the development ring).
# Exit codes: 0 done, 1 failed, 2 wrong usage.
set -euo pipefail
WORK=""
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  sed -n '8,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
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
  customers="$(redis-cli -s "$SOCKET" --scan --pattern 'cp:{registration}:customer:{*}' | wc -l)"
  echo "keys: $keys, customers: $customers"
}

# The system's backups are AES-256-GCM, in segments (services/Registration/Backup/BackupCipher.cs):
#   "CPBACKUP" [version 1][key id length][key id][wrap nonce 12][wrapped data key 32][wrap tag 16]
#   then segments [final 0|1][length 4, big-endian][tag 16][ciphertext], the last one final.
# Decrypts FILE into OUT with the key the header names; any altered byte fails the authentication.
decrypt() {
  need python3
  python3 -c 'import cryptography' 2>/dev/null || fail "python3's cryptography module is missing (apt-get install -y python3-cryptography)."
  CP_KEYS_FILE="$3" python3 - "$1" "$2" <<'PY' || exit 1
import base64, json, os, struct, sys
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

source, target = sys.argv[1], sys.argv[2]
def fail(message):
    print("backup: " + message, file=sys.stderr)
    sys.exit(1)
def key_for(kid):
    value = os.environ.get("Confidentiality__Keys__" + kid)
    if value is None and os.path.isfile(os.environ["CP_KEYS_FILE"]):
        with open(os.environ["CP_KEYS_FILE"]) as ring:
            value = json.load(ring).get("keys", {}).get(kid)
    if value is None:
        fail(f"key '{kid}' is not in the key ring (Confidentiality__Keys__{kid}, or {os.environ['CP_KEYS_FILE']}) (a key retired while backups taken under it are kept: docs/running.md).")
    return base64.b64decode(value)
with open(source, "rb") as f, open(target, "wb") as out:
    if f.read(9) != b"CPBACKUP\x01":
        fail(f"{source} is not an encrypted backup of this system (version 1).")
    kid_length = f.read(1)[0]
    kid = f.read(kid_length).decode("ascii")
    nonce, wrapped = f.read(12), f.read(48)
    try:
        data_key = AESGCM(key_for(kid)).decrypt(nonce, wrapped, b"CPBACKUP\x01" + bytes([kid_length]) + kid.encode("ascii"))
        aes, number, final = AESGCM(data_key), 0, False
        while not final:
            head = f.read(21)
            if len(head) < 21:
                fail(f"{source} is cut off: its final segment is missing.")
            final, length, tag = head[0] == 1, struct.unpack(">I", head[1:5])[0], head[5:]
            body = f.read(length)
            out.write(aes.decrypt(b"\0" * 8 + struct.pack(">I", number), body + tag, struct.pack(">I", number) + head[:1]))
            number += 1
    except InvalidTag:
        fail(f"{source} fails authentication: it was altered, or key '{kid}' is not the one it was encrypted with.")
    if f.read(1):
        fail(f"{source} has bytes after its final segment.")
PY
}

# Checks FILE (its checksum, then its authentication) and decrypts it into OUT, checked as an RDB file.
open_backup() {
  local file="$1" keys="$2" out="$3"
  [ -f "$file" ] || fail "no such file: $file"
  [ -f "$file.sha256" ] || fail "$file has no checksum file ($file.sha256)."
  (cd "$(dirname "$file")" && sha256sum --quiet -c "$(basename "$file").sha256") || fail "$file does not match its checksum."
  decrypt "$file" "$out" "$keys"
  need redis-check-rdb
  redis-check-rdb "$out" >/dev/null || fail "$file does not hold a valid RDB file."
}

cmd_list() {
  local dir="${1:-.data/backups}"
  [ -d "$dir" ] || fail "no such folder: $dir"
  local file found=0
  for file in "$dir"/customerprotection-*.cpbackup; do
    [ -f "$file" ] || continue
    found=1
    local state="checksum ok"
    [ -f "$file.sha256" ] && (cd "$dir" && sha256sum --quiet -c "$(basename "$file").sha256" >/dev/null 2>&1) || state="CHECKSUM WRONG OR MISSING"
    # The key id is in clear in the header: bytes 10.. after the 8-byte magic, the version and its length.
    local kid
    kid="$(head -c 26 "$file" | tail -c +11 | head -c "$(od -An -tu1 -j9 -N1 "$file" | tr -d ' ')")"
    echo "$(basename "$file")  $(stat -c %s "$file") bytes  key $kid  $state"
  done
  [ "$found" -eq 1 ] || echo "no backups in $dir"
}

cmd_verify() {
  [ $# -ge 1 ] || usage
  local file="$1" keys=".data/dev-data-keys.json"
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --keys) keys="${2:?}"; shift 2 ;;
      *) usage ;;
    esac
  done
  WORK="$(mktemp -d)"
  trap 'stop_copy "$WORK"; rm -rf "$WORK"' EXIT
  open_backup "$file" "$keys" "$WORK/snapshot.rdb"
  with_loaded_copy "$WORK/snapshot.rdb" "$WORK" summary
}

cmd_restore() {
  [ $# -ge 1 ] || usage
  local file="$1" dir="$DEFAULT_DATA_DIR" keys=".data/dev-data-keys.json"
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --data-dir) dir="${2:?}"; shift 2 ;;
      --keys) keys="${2:?}"; shift 2 ;;
      *) usage ;;
    esac
  done
  if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    fail "the Redis of $dir is running (pid $(cat "$dir/redis.pid")): stop the system first."
  fi

  # The system runs Redis with the AOF as its only persistence, so the snapshot is turned into an AOF: load
  # it into a temporary server, switch the AOF on (Redis rewrites it from the loaded data) and shut down.
  WORK="$(mktemp -d)"
  trap 'stop_copy "$WORK"; rm -rf "$WORK"' EXIT
  open_backup "$file" "$keys" "$WORK/snapshot.rdb"
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
  counts="$(with_loaded_copy "$WORK/snapshot.rdb" "$WORK" write_aof)"
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
  list) cmd_list "$@" ;;
  restore) cmd_restore "$@" ;;
  verify) cmd_verify "$@" ;;
  *) usage ;;
esac
