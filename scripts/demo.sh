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

# PDF reports embed a Chinese font (Debian's fonts-noto-cjk). Install it when we can; without
# it everything works but the PDF reports, which then say what to install.
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "==> Installing the Chinese font for PDF reports (fonts-noto-cjk)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            fonts-noto-cjk >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null 2>&1; } ||
            echo "    (could not install fonts-noto-cjk; PDF reports will ask for it)"
    else
        echo "Note: PDF reports need a Chinese font: apt-get install fonts-noto-cjk (as root)."
    fi
fi

exec .venv/bin/zhiyang demo "$@"
