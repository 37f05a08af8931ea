#!/usr/bin/env bash
# The benchmark from one command on a fresh machine (`make bench` runs this after
# `make install`): installs wrk, makes sure PostgreSQL and Redis answer on 127.0.0.1,
# then runs bench/run.py, which prints the summary table. Extra arguments go to run.py
# (e.g. --duration 30). Everything it starts, it stops; the throwaway database is dropped.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "--- installing the load generator (Debian's wrk)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

if ! command -v varnishd >/dev/null 2>&1 && [ ! -x /usr/sbin/varnishd ]; then
  echo "--- installing the HTTP cache for the edge cases (Debian's varnish)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq varnish >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "--- starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "--- starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

test -x .venv/bin/python || { echo "error: no .venv; run 'make install' (make bench does)"; exit 1; }
exec .venv/bin/python bench/run.py "$@"
