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

source scripts/lib.sh
ensure_venv -e .

exec .venv/bin/zhiyang demo "$@"
