"""``zhiyang sop <sub-command>``: the work instructions (list, show) and loading them."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.sop import content as sop_content
from zhiyang.sop import services
from zhiyang.sop.choices import VersionStatus
from zhiyang.sop.models import InstructionVersion


def _published() -> list[InstructionVersion]:
    return list(
        InstructionVersion.objects.select_related("instruction")
        .filter(status=VersionStatus.PUBLISHED)
        .order_by("instruction__code")
    )


class Command(BaseCommand):
    help = _("Work instructions (作业指导书): list, show, load the packaged ones.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")
        p = sub.add_parser("list", help=_("The published work instructions."))
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )
        p = sub.add_parser("show", help=_("One work instruction's published content."))
        p.add_argument("code", help=_("Instruction code, e.g. paving."))
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )
        sub.add_parser("load", help=_("Create the packaged instructions that are missing."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list(options["format"])
        elif options["subcommand"] == "show":
            self._show(options["code"], options["format"])
        else:
            for code, created in services.load_instructions(actor=SYSTEM):
                state = _("created") if created else _("present")
                self.stdout.write(f"{code}: {state}")

    def _list(self, fmt: str) -> None:
        rows = []
        for version in _published():
            counts = sop_content.summary(version.content)
            rows.append(
                {
                    "code": version.instruction.code,
                    "name": version.content.get("name", {}),
                    "version": version.version,
                    "steps": counts["steps"],
                    "hold_points": counts["hold_points"],
                }
            )
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        lang = get_language() or "en"
        steps, holds, name = _("steps"), _("hold points"), _("name")
        self.stdout.write(f"{'code':<18} {'v':>3} {steps:>6} {holds:>12}  {name}")
        for row in rows:
            name = sop_content.text_in(row["name"], lang)
            self.stdout.write(
                f"{row['code']:<18} {row['version']:>3} {row['steps']:>6} "
                f"{row['hold_points']:>12}  {name}"
            )

    def _show(self, code: str, fmt: str) -> None:
        version = services.published_version(code)
        if version is None:
            raise CommandError(_("No published work instruction %(code)s.") % {"code": code})
        if fmt == "json":
            data = {"version": version.version, **version.content}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        lang = get_language() or "en"
        c = version.content
        out = [f"{c['code']} v{version.version}: {sop_content.text_in(c['name'], lang)}", ""]
        out.append(sop_content.text_in(c["purpose"], lang))
        for n, step in enumerate(c["steps"], 1):
            label = _("HOLD POINT")
            hold = f" [{label}: {step['sign_off_role']}]" if step["hold_point"] else ""
            out.append(f"{n}. {step['code']}{hold}")
            out.append(f"   {sop_content.text_in(step['text'], lang)}")
            for m in step["measurements"]:
                ref = m.get("spec") or f"{m.get('min')}–{m.get('max')} {m.get('unit')}"
                out.append(f"   - {sop_content.text_in(m['label'], lang)}: {ref}")
            for p in step["photos"]:
                need = _("required") if p["required"] else _("optional")
                photo = _("photo")
                out.append(f"   * {photo}: {sop_content.text_in(p['label'], lang)} ({need})")
        self.stdout.write("\n".join(out))
