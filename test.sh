#!/usr/bin/env bash
# Runs the whole test suite: vet, then every package's tests under the race
# detector against private redis-server processes the tests start
# themselves. Installs redis-server first when it is missing (Debian/Ubuntu).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: installing it (apt-get)…"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

go vet ./...
go test -race -count=1 -timeout 20m "$@" ./...
