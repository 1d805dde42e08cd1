"""Both languages are complete: every marked string has a Chinese translation."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import zhiyang

PACKAGE = Path(zhiyang.__file__).parent


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")
def test_zh_hans_catalogue_covers_every_marked_string(tmp_path):
    # Run makemessages on a copy so the check never rewrites the working tree.
    copy = tmp_path / "zhiyang"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    po = (copy / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", "-"],
        input=po,
        text=True,
        capture_output=True,
        check=True,
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")
def test_compiled_catalogue_matches_its_source(tmp_path):
    po = PACKAGE / "locale/zh_Hans/LC_MESSAGES/django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as new, po.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(new)._catalog
