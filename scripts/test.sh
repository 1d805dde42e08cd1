#!/usr/bin/env bash
# Quick start, command 2: install the development dependencies and run every quality gate.
#
#   scripts/test.sh
#
# Steps: .venv with the pinned dev dependencies; as root, the Debian packages the suite needs
# (postgresql, mosquitto, chromium, fonts-noto-cjk, gettext) when missing; a PostgreSQL server
# (the telemetry tests start their own throwaway Mosquitto brokers on free ports); then
# ruff (lint and format), mypy, makemigrations --check, check --deploy, pytest on SQLite, pytest on PostgreSQL
# (both in parallel on the machine's cores) and the Playwright browser tests in /usr/bin/chromium
# (screenshots in test-artifacts/). Each gate prints its ten slowest tests and its time.
# Every gate runs even if an earlier one failed; the summary lists them and the exit status
# is non-zero if any failed. Idempotent: safe to run again and again.
#
# Environment: ZHIYANG_TEST_PG_URL=postgres://user@host:port/db uses that server instead of
# finding or starting one.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
ARTIFACTS="$ROOT/test-artifacts"
SCRATCH="$(mktemp -d /tmp/zhiyang-test.XXXXXX)"
START_ALL=$SECONDS
declare -a SUMMARY=()
FAILED=0
PG_TMP_CLUSTER=""

cleanup() {
    if [[ -n "$PG_TMP_CLUSTER" ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_TMP_CLUSTER/data" -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\nscripts/test.sh: %s\n' "$*" >&2; exit 1; }

# run_gate NAME COMMAND...: run a gate, time it, record the result, never abort the script.
run_gate() {
    local name="$1"
    shift
    say "$name"
    local start=$SECONDS
    "$@"
    local status=$?
    local took=$((SECONDS - start))
    if [[ $status -eq 0 ]]; then
        SUMMARY+=("PASS  ${name} (${took}s)")
    else
        SUMMARY+=("FAIL  ${name} (${took}s, exit ${status})")
        FAILED=1
    fi
}

# A fresh data directory per run: no state leaks between gates or from the developer's demo.
fresh_data_dir() { mktemp -d "$SCRATCH/data.XXXXXX"; }

# ---------------------------------------------------------------------------------------
# 1. System packages (only as root, only when missing).
# ---------------------------------------------------------------------------------------
need_pkgs=()
if command -v dpkg >/dev/null 2>&1; then
    for pkg in postgresql mosquitto chromium fonts-noto-cjk gettext; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
    done
fi
if ((${#need_pkgs[@]})); then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "Installing Debian packages: ${need_pkgs[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || die "apt-get update failed"
        apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null \
            || die "apt-get install ${need_pkgs[*]} failed"
    else
        echo "Missing Debian packages (run as root to install them): ${need_pkgs[*]}" >&2
    fi
fi

# ---------------------------------------------------------------------------------------
# 2. Virtual environment with the pinned development dependencies.
# ---------------------------------------------------------------------------------------
source scripts/lib.sh
ensure_venv -e '.[dev]' || die "could not install the development environment"
export PATH="$ROOT/.venv/bin:$PATH"

# ---------------------------------------------------------------------------------------
# 3. PostgreSQL.
#
# The robust path: use a server on 127.0.0.1:5432 only if it already lets the postgres role
# in without a password (as this project's machines are set up). Otherwise start Debian's
# cluster if there is one and check again; and if that still does not give passwordless
# access (a stock Debian install asks for a password over TCP), create a throwaway cluster
# under /tmp with initdb (trust auth, run as the postgres user when we are root, on a free
# port, socket in the same directory). It is stopped and deleted when the script exits, so
# nothing on the machine is reconfigured.
# ---------------------------------------------------------------------------------------
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
as_postgres() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_works() { # HOST PORT
    PGCONNECT_TIMEOUT=3 psql -X -q -h "$1" -p "$2" -U postgres -d postgres -w \
        -c 'SELECT 1' >/dev/null 2>&1
}
free_port() {
    python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_postgres() {
    if [[ -n "${ZHIYANG_TEST_PG_URL:-}" ]]; then
        PG_URL="$ZHIYANG_TEST_PG_URL"
        return 0
    fi
    command -v psql >/dev/null 2>&1 || { echo "psql not found: install postgresql" >&2; return 1; }
    if ! pg_works 127.0.0.1 5432 && [[ $EUID -eq 0 ]] && command -v pg_lsclusters >/dev/null; then
        local version
        version="$(pg_lsclusters -h 2>/dev/null | awk '$2 == "main" {print $1}' | sort -V | tail -n 1)"
        if [[ -n "$version" ]]; then
            echo "Starting PostgreSQL cluster $version/main"
            pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
            for _ in $(seq 1 20); do pg_works 127.0.0.1 5432 && break; sleep 0.5; done
        fi
    fi
    if pg_works 127.0.0.1 5432; then
        PG_HOST=127.0.0.1
        PG_PORT=5432
    else
        [[ -n "$PG_BIN" ]] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
        PG_TMP_CLUSTER="$(mktemp -d /tmp/zhiyang-pg.XXXXXX)"
        PG_PORT="$(free_port)"
        PG_HOST=127.0.0.1
        echo "Creating a throwaway PostgreSQL cluster in $PG_TMP_CLUSTER on port $PG_PORT"
        [[ $EUID -eq 0 ]] && chown postgres: "$PG_TMP_CLUSTER"
        as_postgres "$PG_BIN/initdb" -D "$PG_TMP_CLUSTER/data" -U postgres -A trust -E UTF8 \
            --no-locale >/dev/null || return 1
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_TMP_CLUSTER/data" -l "$PG_TMP_CLUSTER/log" -w \
            -o "-p $PG_PORT -k $PG_TMP_CLUSTER -c listen_addresses=127.0.0.1 -c fsync=off" \
            start >/dev/null || { cat "$PG_TMP_CLUSTER/log" >&2; return 1; }
        pg_works "$PG_HOST" "$PG_PORT" || return 1
    fi
    psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -w -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'zhiyang'" | grep -q 1 ||
        psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -w \
            -c 'CREATE DATABASE zhiyang' >/dev/null || return 1
    PG_URL="postgres://postgres@$PG_HOST:$PG_PORT/zhiyang"
}
PG_URL=""
run_gate "PostgreSQL server" start_postgres
[[ -n "$PG_URL" ]] && echo "Using $PG_URL"

# ---------------------------------------------------------------------------------------
# 4. Quality gates.
# ---------------------------------------------------------------------------------------
export ZHIYANG_STATIC_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage
unset ZHIYANG_DATABASE_URL ZHIYANG_ALLOWED_HOSTS ZHIYANG_SECRET_KEY ZHIYANG_DEBUG ZHIYANG_HTTPS

run_gate "ruff check" ruff check src tests benchmarks
run_gate "ruff format --check" ruff format --check src tests benchmarks
run_gate "mypy" mypy src
run_gate "makemigrations --check" \
    env ZHIYANG_DATA_DIR="$(fresh_data_dir)" zhiyang makemigrations --check --dry-run

deploy_check() {
    local key
    key="$(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
    env -u ZHIYANG_STATIC_STORAGE \
        ZHIYANG_DATA_DIR="$(fresh_data_dir)" \
        ZHIYANG_ALLOWED_HOSTS=zhiyang.example.org \
        ZHIYANG_CSRF_TRUSTED_ORIGINS=https://zhiyang.example.org \
        ZHIYANG_SECRET_KEY="$key" \
        ZHIYANG_DEBUG=false \
        zhiyang check --deploy --fail-level WARNING
}
run_gate "check --deploy (production settings)" deploy_check

# Test runs in parallel: pytest-xdist, one worker per core (at most 4; ZHIYANG_TEST_WORKERS
# overrides, 0 runs everything in this process), each worker with its own test database and
# data directory (tests/settings.py). The browser tests share one Chromium and run in one.
WORKERS="${ZHIYANG_TEST_WORKERS:-$(nproc 2>/dev/null || echo 1)}"
((WORKERS > 4)) && WORKERS=4
((WORKERS < 2)) && WORKERS=0
PYTEST=(pytest -q -p no:cacheprovider --durations=10 --durations-min=1)
PARALLEL=(-n "$WORKERS" --dist worksteal)

# Each test run has a ceiling against a hang nothing else catches; a hung test already fails
# on its own after 5 minutes (4 for a browser test: pytest-timeout, pyproject.toml). The
# ceilings are several times what a quiet 2-core machine needs (docs/testing.md), so a slow
# or busy machine passes; ZHIYANG_TEST_GATE_LIMIT (seconds) replaces all three. Together
# they stay inside CI's 90 minutes. When one fires it names the tests that were running.
PROGRESS="$SCRATCH/progress"
mkdir -p "$PROGRESS"
export ZHIYANG_TEST_PROGRESS="$PROGRESS"
bounded() { # SECONDS COMMAND...
    local limit="${ZHIYANG_TEST_GATE_LIMIT:-$1}"
    shift
    rm -f "$PROGRESS"/*.txt
    timeout --kill-after=30 "$limit" "$@"
    local status=$?
    if [[ $status -eq 124 || $status -eq 137 ]]; then
        echo "scripts/test.sh: stopped after ${limit}s (time limit); running then:" >&2
        for file in "$PROGRESS"/*.txt; do
            [[ -f "$file" ]] && echo "  $(basename "$file" .txt): $(cat "$file")" >&2
        done
    fi
    return $status
}

mkdir -p "$ARTIFACTS"
run_gate "pytest on SQLite" \
    bounded 1500 env ZHIYANG_DATA_DIR="$(fresh_data_dir)" \
    "${PYTEST[@]}" "${PARALLEL[@]}" -m "not browser" --junitxml="$ARTIFACTS/junit-sqlite.xml"

if [[ -n "$PG_URL" ]]; then
    run_gate "pytest on PostgreSQL" \
        bounded 1800 env ZHIYANG_DATA_DIR="$(fresh_data_dir)" ZHIYANG_DATABASE_URL="$PG_URL" \
        "${PYTEST[@]}" "${PARALLEL[@]}" -m "not browser" --junitxml="$ARTIFACTS/junit-postgres.xml"
else
    SUMMARY+=("FAIL  pytest on PostgreSQL (no server)")
    FAILED=1
fi

rm -rf "$ARTIFACTS/screenshots"
if [[ -x /usr/bin/chromium ]]; then
    run_gate "browser tests (Playwright, /usr/bin/chromium)" \
        bounded 1500 env ZHIYANG_DATA_DIR="$(fresh_data_dir)" ZHIYANG_TEST_ARTIFACTS="$ARTIFACTS" \
        "${PYTEST[@]}" -m browser tests/browser --junitxml="$ARTIFACTS/junit-browser.xml"
else
    # The suite would skip them; as a quality gate a missing browser is a failure.
    SUMMARY+=("FAIL  browser tests (/usr/bin/chromium missing: run as root to install chromium)")
    FAILED=1
fi

# ---------------------------------------------------------------------------------------
printf '\n\033[1m==> Summary (%ss in all)\033[0m\n' "$((SECONDS - START_ALL))"
printf '  %s\n' "${SUMMARY[@]}"
if [[ -d "$ARTIFACTS/screenshots" ]]; then
    echo "  Screenshots: $ARTIFACTS/screenshots ($(find "$ARTIFACTS/screenshots" -name '*.png' | wc -l) files)"
fi
if ((FAILED)); then
    echo "Some gates FAILED." >&2
    exit 1
fi
echo "All gates passed."
