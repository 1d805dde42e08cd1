"""Both languages are complete: every marked string has a Chinese translation.

Each app that keeps its own catalogue (``<app>/locale``) is checked on its own, and the shared
project catalogue covers the rest (zhiyang/core/catalogues.py).
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

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


# ---------------------------------------------------------------------------------------
# One English string, one Chinese string. Django merges every catalogue into one, so when
# two apps translate the same msgid differently only one wins, on every screen: "From" read
# 起点桩号 on a date filter, "Work done" 保养内容 in a daily report. Where one English word
# means two things the code says which with a message context (pgettext, {% translate …
# context … %}). The collisions not yet given a context are listed in
# tests/i18n_collisions.txt; the list may only shrink.
# ---------------------------------------------------------------------------------------
KNOWN_COLLISIONS = Path(__file__).with_name("i18n_collisions.txt")


def collisions() -> dict[str, dict[str, str]]:
    import polib

    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for name, root in catalogue_roots().items():
        for entry in polib.pofile(str(po_file(root))):
            if entry.msgstr and "fuzzy" not in entry.flags and not entry.obsolete:
                seen.setdefault((entry.msgctxt, entry.msgid), {})[name] = entry.msgstr
    return {
        (f"{ctx}\x04{msgid}" if ctx else msgid): by_app
        for (ctx, msgid), by_app in seen.items()
        if len(set(by_app.values())) > 1
    }


def known_collisions() -> set[str]:
    lines = KNOWN_COLLISIONS.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_no_new_msgid_has_two_chinese_translations():
    found = collisions()
    new = {msgid: by_app for msgid, by_app in found.items() if msgid not in known_collisions()}
    assert not new, (
        "one msgid translated differently by two catalogues (give one a msgctxt, or use the "
        f"same words): {new}"
    )
    fixed = known_collisions() - found.keys()
    assert not fixed, f"remove these from {KNOWN_COLLISIONS.name}, they are fixed: {fixed}"


@pytest.mark.parametrize(
    ("context", "msgid", "expected"),
    [
        ("date", "From", "起始日期"),  # the utilisation filter, not 起点桩号
        ("chainage", "From", "起点桩号"),
        (None, "Method", "方法"),  # the planning solver, not 检测方式
        ("survey", "Method", "检测方式"),
        (None, "Work done", "施工内容"),  # the daily report, not 保养内容
        ("service", "Work done", "保养内容"),
        (None, "Machines", "机械"),  # the daily report's machines, not 机械台账
        ("ledger", "Machines", "机械台账"),
        (None, "Attendance", "考勤记录"),
        ("briefing", "Attendance", "参加人数"),  # the briefing's attendees, not 考勤记录
        ("home page", "Today", "今日待办"),
    ],
)
def test_terms_that_mean_two_things_read_right(context, msgid, expected):
    from django.utils import translation

    with translation.override("zh-hans"):
        got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert got == expected
