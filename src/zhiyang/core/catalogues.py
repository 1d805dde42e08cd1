"""The translation catalogues: one per app that keeps its own ``locale/``, one for the rest.

Apps added after the foundation (condition, people, fleet, safety, ...) own their catalogue in
``<app>/locale/zh_Hans``; core, network, web and demo share ``zhiyang/locale``. Django merges
them at run time (the project catalogue first, then apps in INSTALLED_APPS order).

``python -m zhiyang.core.catalogues [--compile] [APP ...]`` refreshes the catalogues (all, or
the named apps; ``project`` names the shared one) with makemessages, and compiles them with
``--compile``. makemessages runs without Django settings on purpose: with settings it would
send every string to the first LOCALE_PATHS entry instead of the app's own catalogue.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_Hans"
PROJECT = "project"
IGNORED = ("web/static/web/vendor/*",)


def app_catalogue_dirs(root: Path = PACKAGE) -> list[Path]:
    """The apps under ``root`` that keep their own ``locale/`` directory."""
    return sorted(p.parent for p in root.glob("*/locale") if p.is_dir())


def catalogue_roots(root: Path = PACKAGE) -> dict[str, Path]:
    """{name: directory to run makemessages in}: each app with a catalogue, and the project."""
    roots = {PROJECT: root}
    roots.update({app.name: app for app in app_catalogue_dirs(root)})
    return roots


def po_file(directory: Path) -> Path:
    return directory / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.setdefault("PATH", "/usr/bin:/bin")
    return env


def make_messages(root: Path = PACKAGE, names: list[str] | None = None) -> list[Path]:
    """Run makemessages for the named catalogues (all by default); the .po files it wrote."""
    roots = catalogue_roots(root)
    unknown = set(names or []) - set(roots)
    if unknown:
        raise SystemExit(f"unknown catalogue(s): {', '.join(sorted(unknown))}")
    written = []
    for name, directory in roots.items():
        if names and name not in names:
            continue
        ignore = list(IGNORED)
        if name == PROJECT:
            ignore += [f"{app.name}/*" for app in app_catalogue_dirs(root)]
        args = [sys.executable, "-m", "django", "makemessages", "-l", LANGUAGE]
        args += ["--no-obsolete", "--no-location"]
        for pattern in ignore:
            args += ["-i", pattern]
        po_file(directory).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(args, cwd=directory, check=True, capture_output=True, env=_env())  # noqa: S603
        written.append(po_file(directory))
    return written


def compile_messages(paths: list[Path]) -> None:
    for po in paths:
        msgfmt = [shutil.which("msgfmt") or "msgfmt", "-o", str(po.with_suffix(".mo")), str(po)]
        subprocess.run(msgfmt, check=True)  # noqa: S603


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="catalogues to refresh (default: all)")
    parser.add_argument("--compile", action="store_true", help="also compile them")
    args = parser.parse_args(argv)
    written = make_messages(PACKAGE, args.names or None)
    if args.compile:
        compile_messages(written)
    for po in written:
        print(po.relative_to(PACKAGE.parent))


if __name__ == "__main__":
    main()
