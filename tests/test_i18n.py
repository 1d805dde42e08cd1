"""Both languages are complete: every marked string has a Chinese translation.

Each app that keeps its own catalogue (``<app>/locale``) is checked on its own, and the shared
project catalogue covers the rest (zhiyang/core/catalogues.py).
"""

from __future__ import annotations

import gettext
import shutil
import subprocess

import pytest

from zhiyang.core.catalogues import PACKAGE, catalogue_roots, make_messages, po_file

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")

CATALOGUES = sorted(catalogue_roots())


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """makemessages on a copy of the package, so the check never rewrites the working tree."""
    copy = tmp_path_factory.mktemp("i18n") / "zhiyang"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    make_messages(copy)
    return catalogue_roots(copy)


@pytest.mark.parametrize("name", CATALOGUES)
def test_catalogue_covers_every_marked_string(name, regenerated):
    po = po_file(regenerated[name]).read_text()
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", "-"],
        input=po,
        text=True,
        capture_output=True,
        check=True,
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, f"{name}: {stats}"


@pytest.mark.parametrize("name", CATALOGUES)
def test_compiled_catalogue_matches_its_source(name, tmp_path):
    po = po_file(catalogue_roots()[name])
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as new, po.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(new)._catalog
