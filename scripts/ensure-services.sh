#!/usr/bin/env bash
# Makes sure the Postgres and Redis that the tests and `npm start` use answer on 127.0.0.1:
# starts them where they are installed but stopped, installs them (Debian) where they are missing; and that
# promtool (Debian's prometheus package) and headless Chromium, which the /metrics and status page tests run,
# are installed.
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379

postgres_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

wait_for() {
  local name=$1 check=$2
  for _ in $(seq 1 30); do
    if $check; then echo "$name is up"; return 0; fi
    sleep 1
  done
  echo "$name did not come up on 127.0.0.1" >&2
  return 1
}

install_missing() {
  local packages=()
  command -v pg_ctlcluster >/dev/null || packages+=(postgresql)
  command -v redis-server >/dev/null || packages+=(redis-server)
  command -v promtool >/dev/null || packages+=(prometheus)
  command -v chromium >/dev/null || packages+=(chromium)
  if [ ${#packages[@]} -gt 0 ]; then
    echo "Installing ${packages[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
  fi
}

if ! postgres_up || ! redis_up || ! command -v promtool >/dev/null || ! command -v chromium >/dev/null; then
  install_missing
fi

version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
if ! postgres_up; then pg_ctlcluster --skip-systemctl-redirect "$version" main start; fi
wait_for Postgres postgres_up

# A fresh Debian cluster asks for passwords over TCP; the tests connect as postgres on 127.0.0.1 without one.
if ! psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
  sed -i '1i host all all 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  wait_for Postgres postgres_up
fi

if ! redis_up; then
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
fi
wait_for Redis redis_up
