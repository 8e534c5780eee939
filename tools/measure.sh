#!/usr/bin/env bash
# Measures the speed targets: starts the whole system (Release, the AppHost, trace sampling RATIO, default
# 0.01) in a data folder of its own, runs the load scenarios named in SCENARIOS against it, stops it.
#   SCENARIOS="registration-filings registration-lapse" tools/measure.sh
# Scenarios: registration-filings, registration-duplicate-checks, registration-memory, registration-lapse,
# territory-sale-authorization, penalty-violations, directory-reads (tools/CustomerProtection.LoadGen).
# name@R paces a closed-loop scenario at R calls/s (the latencies of sustaining R/s), e.g.
#   SCENARIOS="registration-filings@2000 registration-duplicate-checks@8000 territory-sale-authorization@5000"
# TIMELINE=DIR also writes each run's latencies per 100 ms to DIR (to line bursts up with Redis's rewrites or a GC).
# WARMUP=S runs each scenario's load unrecorded for S seconds first (the load generator's default is 15; the
# services' JIT is still tiering up for ~20-25 s of load after a start: docs/registration.md, Speed).
# REPLICAS="registration=2 penalty=2" runs that many processes of each named service (--Replicas:<service>=N).
# REDIS_CLUSTER=PORT runs the system on a local 3-primary Redis Cluster on PORT..PORT+2 (tools/redis-cluster.sh,
# in the data folder) instead of one redis-server (docs/scaling.md).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
D="${MEASURE_DATA:-${TMPDIR:-/tmp}/cp-measure}"
rm -rf $D; mkdir -p $D
dotnet build CustomerProtection.AppHost -c Release -v q >/dev/null 2>&1
dotnet build tools/CustomerProtection.LoadGen -c Release -v q >/dev/null 2>&1
EXTRA=()
for r in ${REPLICAS:-}; do EXTRA+=("--Replicas:${r%=*}=${r#*=}"); done
if [ -n "${REDIS_CLUSTER:-}" ]; then
  CLUSTER=$(REDIS_CLUSTER_DIR=$D/redis-cluster tools/redis-cluster.sh start "$REDIS_CLUSTER" | tail -1 | tr ' ' ',')
  EXTRA+=("--ConnectionStrings:redis=$CLUSTER" "--Backup:Enabled=false")
fi
dotnet run --no-build -c Release --project CustomerProtection.AppHost --launch-profile http -- --Infrastructure:DataDirectory=$D --Telemetry:TraceSampleRatio=${RATIO:-0.01} "${EXTRA[@]}" > /tmp/apphost.log 2>&1 &
APP=$!
for i in $(seq 1 120); do
  [ -f $D/services.json ] && [ $(grep -c '"grpc"' $D/services.json) -ge 4 ] && break; sleep 1
done
sleep 25
cat $D/services.json
reg=$(python3 -c "import json;print(json.load(open('$D/services.json'))['registration']['grpc'])")
ter=$(python3 -c "import json;print(json.load(open('$D/services.json'))['territory']['grpc'])")
pen=$(python3 -c "import json;print(json.load(open('$D/services.json'))['penalty']['grpc'])")
if [ -n "${REDIS_CLUSTER:-}" ]; then
  rport=$REDIS_CLUSTER
else
  rpid=$(cat $D/redis/redis.pid); rport=$(ss -ltnpH | awk -v p="pid=$rpid," 'index($0,p){n=split($4,a,":");print a[n];exit}')
fi
LG="dotnet run --no-build -c Release --project tools/CustomerProtection.LoadGen -- --key-file $D/dev-signing.key --target registration=$reg --target territory=$ter --target penalty=$pen${TIMELINE:+ --timeline $TIMELINE}${WARMUP:+ --warmup $WARMUP}"
export ConnectionStrings__redis=${CLUSTER:-127.0.0.1:$rport}
# REDIS_STALLS=1: Redis's own record of its stalls (events of 10 ms or more), printed after each scenario.
# Off by default, so that the measured system is the one that runs.
[ -n "${REDIS_STALLS:-}" ] && redis-cli -p $rport CONFIG SET latency-monitor-threshold 10 >/dev/null
bpid=$(pgrep -f "beam.smp.*$D" | head -1)
aport=$(tr '\0' '\n' < /proc/$bpid/environ | grep '^RABBITMQ_NODE_PORT=' | cut -d= -f2)
export ConnectionStrings__messaging="amqp://customerprotection:$(cat $D/rabbitmq/default_pass)@127.0.0.1:$aport"
# CPU seconds (user + system) so far: of the Redis processes (every primary), and of the processes matching a pattern.
RPORTS=$rport; [ -n "${REDIS_CLUSTER:-}" ] && RPORTS="$REDIS_CLUSTER $((REDIS_CLUSTER + 1)) $((REDIS_CLUSTER + 2))"
redis_cpu() { for p in $RPORTS; do redis-cli -p $p INFO cpu; done | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/{s+=$2} END{printf "%.2f", s}'; }
proc_cpu() { for p in $(pgrep -f "$1"); do awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null; done | awk -v hz=$(getconf CLK_TCK) '{s+=$1} END{printf "%.2f", s/hz}'; }
cpu_line() { echo "redis $(redis_cpu) registration $(proc_cpu 'CustomerProtection.Registration') territory $(proc_cpu 'CustomerProtection.Territory') dcp $(proc_cpu '/dcp')"; }
for run in ${SCENARIOS:-registration-filings registration-duplicate-checks territory-sale-authorization penalty-violations registration-memory registration-lapse}; do
  echo "=== $run $(uptime)"
  s=${run%@*}
  before=$(cpu_line)
  [ "$s" != "$run" ] && LG_RUN="$LG --rate ${run#*@}" || LG_RUN="$LG"
  case $s in
    registration-duplicate-checks) $LG_RUN --scenario $s --count 20000 --seconds 20 ;;
    registration-memory) $LG_RUN --scenario $s --count 10000 ;;
    registration-lapse) $LG_RUN --scenario $s --count 100000 --seconds 120 ;;
    penalty-violations) $LG_RUN --scenario $s --count 10000 --seconds 20 ;;
    *) $LG_RUN --scenario $s --concurrency 64 --seconds 20 ;;
  esac 2>&1 | tail -25
  echo "cpu seconds before: $before"
  echo "cpu seconds after:  $(cpu_line)"
  echo "redis: $(redis-cli -p $rport INFO persistence | grep -E '^(aof_rewrites|aof_last_bgrewrite_status|latest_fork_usec)' | tr -d '\r' | tr '\n' ' ')"
  if [ -n "${REDIS_STALLS:-}" ]; then
    redis-cli -p $rport LATENCY LATEST | paste -sd' ' | sed 's/^/redis stalls (event, last at, last ms, max ms): /'
    redis-cli -p $rport LATENCY RESET >/dev/null
  fi
done
kill $APP; wait $APP 2>/dev/null
[ -n "${REDIS_CLUSTER:-}" ] && REDIS_CLUSTER_DIR=$D/redis-cluster tools/redis-cluster.sh stop
