"""``zhiyang standards <sub-command>``: list the standards, check the active overrides."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.standards import registry, services


class Command(BaseCommand):
    help = _("Standards data files and their overrides: list, check.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")
        p = sub.add_parser("list", help=_("The standards with version and values to verify."))
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )
        sub.add_parser(
            "check",
            help=_("Check that every active override still loads (after a data file changed)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list(options["format"])
        else:
            self._check()

    def _list(self, fmt: str) -> None:
        rows = []
        for standard in registry.standards():
            document = registry.read_document(standard.file)
            rows.append(
                {
                    "code": standard.code,
                    "document_code": document.meta.get("code"),
                    "version": document.meta.get("version"),
                    "values": document.value_count,
                    "unconfirmed_values": document.unconfirmed_values,
                    "overridable": standard.overridable,
                    "module": standard.module,
                    "error": document.error,
                }
            )
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            counts = _("%(values)d values, %(unconfirmed)d to verify") % {
                "values": row["values"],
                "unconfirmed": row["unconfirmed_values"],
            }
            fixed = "" if row["overridable"] else " (" + _("fixed") + ")"
            error = f"  ! {row['error']}" if row["error"] else ""
            code, version = row["document_code"] or "", row["version"] or ""
            self.stdout.write(f"{row['code']:<18} {code:<16} {version:<12} {counts}{fixed}{error}")

    def _check(self) -> None:
        problems = services.check_active_overrides()
        for code, organisation, message in problems:
            self.stderr.write(f"{code} [{organisation or _('every organisation')}]: {message}")
        if problems:
            raise CommandError(
                _("%(count)d active override(s) no longer load.") % {"count": len(problems)}
            )
        self.stdout.write(_("Every active override loads."))
