"""``zhiyang fleet <sub-command>``: import, poll, service-due, utilisation."""

from __future__ import annotations

import json
import pathlib
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import Organisation
from zhiyang.fleet import services
from zhiyang.fleet.models import Equipment, ServiceInterval, TelematicsSource
from zhiyang.fleet.telematics.parsers import TelematicsDocumentError
from zhiyang.fleet.telematics.poller import PollError, Progress, poll_source


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}) from None


class Command(BaseCommand):
    help = _("Fleet tools: import a telematics snapshot, poll sources, services due, utilisation.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")

        p = sub.add_parser("import", help=_("Import an ISO 15143-3 fleet snapshot (XML or JSON)."))
        p.add_argument("path", type=pathlib.Path)
        p.add_argument(
            "--organisation",
            metavar="CODE",
            help=_("Match and create machines in this organisation."),
        )
        p.add_argument(
            "--create-unknown", action="store_true", help=_("Register unknown machines.")
        )
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )

        p = sub.add_parser(
            "poll", help=_("Poll telematics sources (all active ones, or one by name).")
        )
        p.add_argument("source", nargs="?", metavar="SOURCE", help=_("Source name or id."))
        p.add_argument(
            "--force",
            action="store_true",
            help=_("Ignore the minimum interval since the last poll."),
        )

        p = sub.add_parser("service-due", help=_("Services due or overdue."))
        p.add_argument("--all", action="store_true", help=_("Include intervals not yet due."))
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )

        p = sub.add_parser("utilisation", help=_("Engine hours against assigned days."))
        p.add_argument("--start", help=_("First day (YYYY-MM-DD); default 29 days before the end."))
        p.add_argument("--end", help=_("Last day (YYYY-MM-DD); default today."))
        p.add_argument(
            "--shift-hours", type=float, help=_("Hours per assigned day (default: policy).")
        )
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"].replace("-", "_"))(options)

    def do_import(self, options: dict[str, Any]) -> None:
        path: pathlib.Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
            ) from exc
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("No organisation with code %(code)s.") % {"code": options["organisation"]}
                )
        try:
            result = services.import_document(
                data,
                actor=SYSTEM,
                organisation=organisation,
                filename=path.name,
                create_unknown=options["create_unknown"],
            )
        except TelematicsDocumentError as exc:
            raise CommandError(
                "\n".join(
                    [exc.message(), *(f"  {p}" for p in exc.problems if len(exc.problems) > 3)]
                )
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
            return
        for label, value in result.labelled():
            self.stdout.write(f"{label}: {value}")
        for machine in result.unknown:
            self.stdout.write(
                _("Unknown: %(m)s") % {"m": ", ".join(f"{k}={v}" for k, v in machine.items() if v)}
            )

    def do_poll(self, options: dict[str, Any]) -> None:
        sources = TelematicsSource.objects.filter(active=True)
        name = options["source"]
        if name:
            sources = TelematicsSource.objects.filter(name=name)
            if name.isdigit() and not sources.exists():
                sources = TelematicsSource.objects.filter(pk=int(name))
            if not sources.exists():
                raise CommandError(_("No telematics source named %(name)s.") % {"name": name})
        if not sources.exists():
            self.stdout.write(_("No active telematics sources."))
            return
        failed = 0
        for source in sources.select_related("organisation"):

            def report(p: Progress, source: TelematicsSource = source) -> None:
                self.stdout.write(
                    _("%(source)s: page %(page)d, %(n)d machines so far")
                    % {"source": source.name, "page": p.page, "n": p.machines}
                )

            try:
                result = poll_source(source, actor=SYSTEM, force=options["force"], progress=report)
            except PollError as exc:
                failed += 1
                self.stderr.write(f"{source.name}: {exc}")
                continue
            self.stdout.write(
                _(
                    "%(source)s: %(created)d snapshots written, %(dup)d duplicates, "
                    "%(unknown)d unknown machines, %(pages)d pages."
                )
                % {
                    "source": source.name,
                    "created": result.snapshots_created,
                    "dup": result.duplicates,
                    "unknown": len(result.unknown),
                    "pages": result.pages,
                }
            )
            for warning in result.warnings:
                self.stdout.write(f"  {warning}")
        if failed:
            raise CommandError(
                _("%(n)d source(s) failed; nothing was written from them.") % {"n": failed}
            )

    def do_service_due(self, options: dict[str, Any]) -> None:
        rows = services.due_services(ServiceInterval.objects.all(), only_due=not options["all"])
        data = [
            {
                "equipment": r.interval.equipment.code,
                "service": r.interval.name,
                "state": r.state,
                "current_hours": r.current_hours,
                "due_at_hours": r.due_at_hours,
                "hours_left": None if r.hours_left is None else round(r.hours_left, 1),
                "due_on": r.due_on.isoformat() if r.due_on else None,
                "days_left": r.days_left,
            }
            for r in rows
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        if not data:
            self.stdout.write(_("Nothing is due."))
        for row, r in zip(data, rows, strict=True):
            parts = [f"{row['equipment']:<10} {row['service']:<20} {r.state_label}"]
            if row["hours_left"] is not None:
                parts.append(_("%(h)s h left") % {"h": row["hours_left"]})
            if row["days_left"] is not None:
                parts.append(
                    _("%(d)s days left (%(on)s)") % {"d": row["days_left"], "on": row["due_on"]}
                )
            self.stdout.write("  ".join(parts))

    def do_utilisation(self, options: dict[str, Any]) -> None:
        end = _date(options["end"]) if options["end"] else timezone.localdate()
        start = _date(options["start"]) if options["start"] else end - timedelta(days=29)
        if start > end:
            raise CommandError(_("The start is after the end."))
        shift = options["shift_hours"]
        if shift is not None and shift <= 0:
            raise CommandError(_("--shift-hours must be positive."))
        rows = services.utilisation(
            Equipment.objects.order_by("code"), start=start, end=end, shift_hours=shift
        )
        data = [
            {
                "equipment": r.equipment.code,
                "assigned_days": r.assigned_days,
                "operating_hours": None
                if r.operating_hours is None
                else round(r.operating_hours, 2),
                "idle_hours": None if r.idle_hours is None else round(r.idle_hours, 2),
                "utilisation": None if r.utilisation is None else round(r.utilisation, 4),
                "idle_ratio": None if r.idle_ratio is None else round(r.idle_ratio, 4),
            }
            for r in rows
        ]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"start": start.isoformat(), "end": end.isoformat(), "machines": data},
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        for row in data:
            u = "—" if row["utilisation"] is None else f"{row['utilisation'] * 100:.0f} %"
            self.stdout.write(
                f"{row['equipment']:<10} {row['assigned_days']:>3} d  "
                f"{row['operating_hours'] or 0:>8.1f} h  {u}"
            )
