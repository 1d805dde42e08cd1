#!/usr/bin/env bash
# Quick start, command 1: install Zhiyang into .venv and run the reference demo.
#
#   scripts/demo.sh                 # migrate SQLite, load the demo, serve http://127.0.0.1:8000
#   scripts/demo.sh --no-serve      # load only
#   scripts/demo.sh --host 0.0.0.0 --port 8080
#
# Idempotent: the virtual environment and the installation are reused when nothing changed
# (pinned by requirements/constraints.txt); the demo loader never duplicates data.
# Data (SQLite database, secret key, static files) lives in ZHIYANG_DATA_DIR, by default
# ~/.local/share/zhiyang.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "scripts/demo.sh: Python 3.11 is required (python3.11 or python3 must be 3.11)." >&2
    return 1
}

if [[ ! -x .venv/bin/python ]]; then
    echo "==> Creating the virtual environment .venv"
    "$(find_python)" -m venv .venv
fi

# Reinstall only when the pins or the project metadata changed.
stamp=".venv/.zhiyang-demo-$(cat requirements/constraints.txt pyproject.toml | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp" || ! -x .venv/bin/zhiyang ]]; then
    echo "==> Installing Zhiyang and its pinned dependencies"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
        -c requirements/constraints.txt -e .
    rm -f .venv/.zhiyang-demo-*
    touch "$stamp"
fi

exec .venv/bin/zhiyang demo "$@"
