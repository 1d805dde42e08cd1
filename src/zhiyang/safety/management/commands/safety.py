"""``zhiyang safety <sub-command>``: escalate overdue hazards, list overdue ones."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.network.chainage import format_chainage
from zhiyang.safety import services


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}) from None


class Command(BaseCommand):
    help = _("Safety tools: escalate overdue hazards, list overdue hazards.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")
        p = sub.add_parser(
            "escalate",
            help=_("Raise the escalation level of overdue hazards (once per day; audited)."),
        )
        p.add_argument("--today", default=None, help=_("Run as of this date (YYYY-MM-DD)."))
        p = sub.add_parser("overdue", help=_("List hazards past their rectification deadline."))
        p.add_argument("--today", default=None, help=_("As of this date (YYYY-MM-DD)."))

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options.get("today") else None
        if options["subcommand"] == "escalate":
            count = services.escalate_overdue(actor=SYSTEM, today=today)
            self.stdout.write(_("%(count)d overdue hazard(s) escalated.") % {"count": count})
            return
        for hazard in services.overdue_hazards(today).select_related("route"):
            self.stdout.write(
                f"{hazard.pk}\t{hazard.route.code} {format_chainage(hazard.chainage_m)}\t"
                f"{hazard.get_level_display()}\t{hazard.deadline}\t"
                f"L{hazard.escalation_level}\t{hazard.description[:40]}"
            )
