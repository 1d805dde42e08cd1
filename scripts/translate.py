#!/usr/bin/env python
"""Fill translations into a zh_Hans catalogue and list what is still missing.

    .venv/bin/python scripts/translate.py CATALOGUE [TRANSLATIONS.json]

CATALOGUE is an app name (``condition``) or ``project``; TRANSLATIONS.json maps msgid to
msgstr (for plural entries, to a list of forms). Filled entries lose their "fuzzy" flag.
Without a file it prints the untranslated and fuzzy msgids as JSON, ready to be filled in.
Run scripts/messages.sh before (to extract) and after (to compile).
"""

from __future__ import annotations

import json
import sys

import polib

from zhiyang.core.catalogues import catalogue_roots, po_file


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in catalogue_roots():
        print(__doc__, file=sys.stderr)
        return 2
    path = po_file(catalogue_roots()[argv[0]])
    catalogue = polib.pofile(str(path), wrapwidth=0)
    if len(argv) == 1:
        missing = {
            e.msgid: "" for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)
        }
        print(json.dumps(missing, ensure_ascii=False, indent=1))
        return 0
    with open(argv[1], encoding="utf-8") as handle:
        translations = json.load(handle)
    filled = 0
    for entry in catalogue:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = dict(enumerate(forms[:1] or [""]))
        else:
            entry.msgstr = value
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
        filled += 1
    catalogue.save(str(path))
    left = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    print(f"{filled} filled, {len(left)} still missing", file=sys.stderr)
    for msgid in left:
        print(f"  missing: {msgid}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
