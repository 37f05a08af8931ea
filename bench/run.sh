#!/usr/bin/env bash
# The benchmark from one command on a fresh machine (`make bench` runs this after
# `make install`): installs wrk, Varnish and the bench extra if missing, makes sure
# PostgreSQL and Redis answer on 127.0.0.1, then runs bench/run.py, which prints the table of every goal. Extra arguments go to run.py
# (e.g. --duration 30). Everything it starts, it stops; the throwaway database is dropped.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's wrk (the load generator) and varnish (issue 15's cache in front, bench/edge.py).
MISSING=""
command -v wrk >/dev/null 2>&1 || MISSING="$MISSING wrk"
command -v varnishd >/dev/null 2>&1 || [ -x /usr/sbin/varnishd ] || MISSING="$MISSING varnish"
if [ -n "$MISSING" ]; then
  echo "--- installing Debian's$MISSING"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
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
# The bench extra: django-import-export, the baseline of bench/export_signups.py.
if ! .venv/bin/python -c "import import_export" 2>/dev/null; then
  echo "--- installing the bench extra (django-import-export)"
  UV_PROJECT_ENVIRONMENT=.venv UV_PYTHON_DOWNLOADS=never .venv/bin/uv sync --frozen --quiet \
    --extra test --extra bench --group dev --compile-bytecode
fi
exec .venv/bin/python bench/run.py "$@"
