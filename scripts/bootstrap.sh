#!/usr/bin/env bash
# Install what a fresh clone needs to run the example and the whole test suite:
#   - Debian's chromium (browser tests), with apt-get, when missing and running as root;
#   - Node.js/npm when missing (same conditions), then the pinned supertokens-web-js (npm ci)
#     copied into the app's static files by scripts/vendor_webjs.py, and the pinned htmx into the
#     example's by scripts/vendor_htmx.py;
#   - the virtualenv .venv (Python 3.11 preferred) with requirements/test.txt and `pip install -e .`.
# Every step is skipped when already done, so `make test` can call this on every run.
#
#   scripts/bootstrap.sh               # everything
#   scripts/bootstrap.sh --no-browser  # skip chromium (e.g. for `make demo`)
#
# Environment: VENV (default .venv), PYTHON (interpreter for a new venv), CI=true makes a
# browser that cannot be installed an error instead of a warning.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
WANT_BROWSER=1
for arg in "$@"; do
    case $arg in
        --no-browser) WANT_BROWSER=0 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "bootstrap: unknown argument $arg" >&2; exit 2 ;;
    esac
done

log() { printf 'bootstrap: %s\n' "$*" >&2; }

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

APT_UPDATED=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    apt-get install -y -qq --no-install-recommends "$@"
}

# --- Chromium -----------------------------------------------------------------------------
if [ "$WANT_BROWSER" = 1 ]; then
    if command -v chromium >/dev/null 2>&1; then
        :
    elif can_apt; then
        log "installing Debian chromium"
        # fonts-liberation: pages and screenshots need a real font.
        apt_install chromium chromium-driver fonts-liberation
    elif [ "${CI:-}" = true ]; then
        log "error: chromium is missing and cannot be installed (needs root and apt-get)"
        exit 1
    else
        log "warning: chromium is missing (needs root and apt-get to install); browser tests will skip"
    fi
fi

# --- Node.js / npm --------------------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
    if can_apt; then
        log "installing Debian nodejs and npm"
        apt_install nodejs npm
    else
        log "error: npm is needed for supertokens-web-js; install Node.js"
        exit 1
    fi
fi

# --- Python virtualenv ----------------------------------------------------------------------
works() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1; }

find_python() {
    local candidate
    if [ -n "${PYTHON:-}" ]; then
        echo "$PYTHON"
        return
    fi
    # A pyenv shim of an installed but unselected version fails, so also try the real binary.
    for candidate in python3.11 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11*/bin/python3.11 python3; do
        if works "$candidate"; then
            echo "$candidate"
            return
        fi
    done
    log "error: no Python >= 3.10 found (set PYTHON=/path/to/python3.11)"
    exit 1
}

if ! works "$VENV/bin/python"; then
    PY=$(find_python)
    log "creating $VENV with $("$PY" -c 'import sys; print(sys.version.split()[0])')"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
fi

# npm first: `pip install -e .` runs the build hook, which wants the vendored files.
"$VENV/bin/python" scripts/vendor_webjs.py
"$VENV/bin/python" scripts/vendor_htmx.py

# Reinstall only when the pins or the packaging metadata changed.
STAMP="$VENV/.bootstrap-stamp"
WANT=$(cat requirements/test.txt setup.cfg setup.py pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
    log "installing requirements/test.txt and the project (editable) into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r requirements/test.txt
    "$VENV/bin/python" -m pip install -q -e .
    echo "$WANT" >"$STAMP"
fi
log "ready: $VENV ($("$VENV/bin/python" -c 'import django; print("Django", django.__version__)'))"
