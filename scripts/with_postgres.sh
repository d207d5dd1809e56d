#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server:
#   - Debian's postgresql, installed with apt-get when missing (as root);
#   - a fresh cluster (initdb) in a temporary directory, trust auth, listening only on
#     127.0.0.1 at a free port, no Unix socket outside that directory;
#   - the command runs with PGHOST, PGPORT, PGUSER and PGDATABASE set (tests/settings_postgres.py
#     reads them); the server is stopped and the directory removed when it ends, however it ends.
#
#   scripts/with_postgres.sh .venv/bin/python -m pytest tests/auth --ds=tests.settings_postgres
set -euo pipefail

log() { printf 'with_postgres: %s\n' "$*" >&2; }

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s' "$dir"
}

BIN=$(pg_bin || true)
if [ -z "$BIN" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing Debian postgresql"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends postgresql >/dev/null
        BIN=$(pg_bin)
    else
        log "error: PostgreSQL is not installed (apt-get install postgresql, as root)"
        exit 1
    fi
fi

# initdb refuses to run as root: root runs the server as the package's 'postgres' user.
AS=()
if [ "$(id -u)" = 0 ]; then
    AS=(runuser -u postgres --)
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/st-ssr-pg.XXXXXX")
chmod 755 "$DIR"
[ "${#AS[@]}" -gt 0 ] && chown postgres: "$DIR"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
USER_NAME=$([ "${#AS[@]}" -gt 0 ] && echo postgres || id -un)

stop() {
    "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap stop EXIT

"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U "$USER_NAME" -A trust -E UTF8 --no-sync >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -s start \
    -o "-h 127.0.0.1 -p $PORT -k $DIR -F -c fsync=off -c full_page_writes=off"
log "PostgreSQL $("$BIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT"

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=$USER_NAME PGDATABASE=postgres
"$@"
