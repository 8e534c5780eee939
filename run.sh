#!/usr/bin/env bash
# The one command on a fresh machine: installs what is missing, then starts the whole system
# (Redis, RabbitMQ, the four services and the Aspire dashboard). Stop it with Ctrl+C.
# Arguments are passed to the AppHost, e.g. ./run.sh --Infrastructure:Mode=containers
# See docs/running.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

DASHBOARD_URL="http://localhost:15100"
RABBITMQ_SERVER="/usr/lib/rabbitmq/bin/rabbitmq-server"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK is missing. Install the .NET 10 SDK (global.json asks for 10.0.401 or a later 10.0 feature band):" >&2
  echo "  https://dotnet.microsoft.com/download/dotnet/10.0  (or: curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0)" >&2
  echo "then run ./run.sh again." >&2
  exit 1
fi
if ! dotnet --version >/dev/null 2>&1; then
  echo "dotnet is installed, but not the SDK that global.json asks for (10.0.401 or later 10.0):" >&2
  dotnet --list-sdks >&2 || true
  echo "Install the .NET 10 SDK: https://dotnet.microsoft.com/download/dotnet/10.0" >&2
  exit 1
fi

# Redis and RabbitMQ run as local processes unless a container engine answers (the AppHost decides the same way;
# Infrastructure__Mode=containers|local forces it).
mode="${Infrastructure__Mode:-auto}"
for arg in "$@"; do
  case "$arg" in --Infrastructure:Mode=*) mode="${arg#*=}" ;; esac
done
needs_local_servers=true
if [ "$mode" = "containers" ]; then
  needs_local_servers=false
elif [ "$mode" = "auto" ] && command -v "${ASPIRE_CONTAINER_RUNTIME:-docker}" >/dev/null 2>&1 \
    && timeout 5 "${ASPIRE_CONTAINER_RUNTIME:-docker}" info >/dev/null 2>&1; then
  needs_local_servers=false
fi

if $needs_local_servers && { ! command -v redis-server >/dev/null 2>&1 || [ ! -x "$RABBITMQ_SERVER" ]; }; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "redis-server or rabbitmq-server is missing and this user cannot install them (not root, no sudo)." >&2
    echo "As root: apt-get update && apt-get install -y redis-server rabbitmq-server" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "redis-server or rabbitmq-server is missing and there is no apt-get here. Install both with your package" >&2
    echo "manager (see docs/running.md for the paths the AppHost expects), or run with a container engine." >&2
    exit 1
  fi
  echo "Installing redis-server and rabbitmq-server (apt-get, ~20 s)..."
  "${as_root[@]}" apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server rabbitmq-server
fi

# Development's SMTP server with a web inbox for the notices (docs/notifications.md), a dotnet tool in .tools/.
if [ ! -x .tools/smtp4dev ]; then
  echo "Installing smtp4dev (dotnet tool Rnwood.Smtp4dev 3.15.0) into .tools/..."
  dotnet tool install --tool-path .tools Rnwood.Smtp4dev --version 3.15.0
fi

cat <<MSG

  CustomerProtection is starting (first run: restore and build take a minute).
  Dashboard:  $DASHBOARD_URL
  Once it is up, in another terminal:
    dotnet run --project tools/cpctl -- demo          (the policy's story, every step checked)
    dotnet run --project tools/cpctl -- --help        (every workflow as a command)
  A token for your own calls (signed with .data/dev-signing.key, which the AppHost generates):
    dotnet run --project tools/cpctl -- token --employee HQ-1 --role hq
  Every service's gRPC, JSON, OpenAPI and health addresses: .data/services.json
  The notices the system e-mails land in smtp4dev's inbox (its URL: the dashboard, or .data/services.json)
  (JSON: curl -H "Authorization: Bearer \$TOKEN" <api>/v1/clock; API reference: <api>/api-docs; docs/api.md)
  Data is kept in .data/ across restarts. Stop with Ctrl+C.

MSG

exec dotnet run --project CustomerProtection.AppHost --launch-profile http -- "$@"
