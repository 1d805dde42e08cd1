#!/usr/bin/env bash
# Refresh the zh_Hans translation catalogues and compile them.
#
#   scripts/messages.sh            every catalogue
#   scripts/messages.sh condition  one app's catalogue (``project`` = core, network, web, demo)
#
# Then translate the new entries (msgstr "") and drop "fuzzy" flags in the .po files, and run
# this again to compile; tests/test_i18n.py fails on any untranslated or fuzzy entry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec .venv/bin/python -m zhiyang.core.catalogues --compile "$@"
