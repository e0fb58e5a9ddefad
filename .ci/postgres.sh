# shellcheck shell=bash
# A throw-away PostgreSQL server for the store tests: source this file, then call
#
#   start_test_postgres      # sets CADRECORE_TEST_POSTGRES_URL, stops the server at exit
#
# It uses Debian's PostgreSQL binaries (/usr/lib/postgresql/*/bin), installing the `postgresql`
# package with apt-get when they are missing (as root). The cluster lives in a temporary folder
# owned by a non-root user (initdb refuses to run as root), listens on 127.0.0.1 on a free port,
# trusts local connections, and is stopped and removed when the calling shell exits.

_pg_find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      PG_BIN=$dir
    fi
  done
  if [ -z "${PG_BIN:-}" ] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    PG_BIN=$(dirname "$(command -v initdb)")
  fi
  [ -n "${PG_BIN:-}" ]
}

_pg_as_owner() {
  # Run a command as the cluster's owner: ourselves, or (as root) the postgres user.
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

stop_test_postgres() {
  if [ -n "${PG_DATA:-}" ] && [ -d "$PG_DATA" ]; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
  fi
}

start_test_postgres() {
  PG_BIN=
  if ! _pg_find_bin; then
    if [ "$(id -u)" != 0 ]; then
      echo "== PostgreSQL is not installed and we are not root: cannot install it" >&2
      return 1
    fi
    echo "== installing PostgreSQL from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    _pg_find_bin || { echo "== no initdb after installing postgresql" >&2; return 1; }
  fi
  PG_OWNER=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    PG_OWNER=postgres
    if ! id "$PG_OWNER" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER"
    fi
  fi
  PG_DATA=$(mktemp -d "${TMPDIR:-/tmp}/cadrecore-pg.XXXXXX")
  chown "$PG_OWNER" "$PG_DATA"
  chmod 700 "$PG_DATA"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  _pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DATA -c fsync=off -c full_page_writes=off" \
    start >/dev/null
  PG_DATA_DIR=$PG_DATA
  PG_DATA=$PG_DATA/data
  trap 'stop_test_postgres; rm -rf "$PG_DATA_DIR"' EXIT
  _pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres cadrecore_test
  export CADRECORE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/cadrecore_test"
  echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (database cadrecore_test)"
}
