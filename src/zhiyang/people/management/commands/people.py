"""``zhiyang people <sub-command>``: cert-alerts, check-id."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core.models import Organisation
from zhiyang.people import services


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(value)s is not a date (use YYYY-MM-DD).") % {"value": text}
        ) from None


class Command(BaseCommand):
    help = _("People tools: certificate expiry alerts.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")
        p = sub.add_parser(
            "cert-alerts",
            help=_("List certificates expiring within 30 and 7 days, and expired ones."),
        )
        p.add_argument("--date", help=_("The day to check (YYYY-MM-DD); default today."))
        p.add_argument("--organisation", metavar="CODE", help=_("Only this organisation."))
        p.add_argument(
            "--record",
            action="store_true",
            help=_("Also store the alerts (once per certificate and day)."),
        )
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "cert-alerts":
            self.cert_alerts(options)

    def cert_alerts(self, options: dict[str, Any]) -> None:
        today = _date(options["date"]) if options["date"] else timezone.localdate()
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("No organisation with code %(code)s.") % {"code": options["organisation"]}
                )
        grouped = services.alerts_by_organisation(today=today, organisation=organisation)
        recorded = services.record_certificate_alerts(today=today) if options["record"] else None
        if options["format"] == "json":
            out: dict[str, Any] = {
                "date": today.isoformat(),
                "organisations": [
                    {
                        "organisation": org.code,
                        "name": org.name,
                        "alerts": [
                            {
                                "worker": a.certificate.worker.name,
                                "certificate_type": a.certificate.cert_type,
                                "number": a.certificate.number,
                                "valid_until": a.certificate.valid_until.isoformat(),
                                "days_left": a.days_left,
                                "level": a.level,
                            }
                            for a in alerts
                        ],
                    }
                    for org, alerts in sorted(grouped.items(), key=lambda kv: kv[0].code)
                ],
            }
            if recorded is not None:
                out["recorded"] = recorded
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        if not grouped:
            self.stdout.write(_("No certificate alerts on %(date)s.") % {"date": today})
        for org, alerts in sorted(grouped.items(), key=lambda kv: kv[0].code):
            self.stdout.write(f"{org.name} ({org.code})")
            for a in alerts:
                cert = a.certificate
                self.stdout.write(
                    f"  {a.label:<12} {cert.valid_until:%Y-%m-%d} ({a.days_left:+d}) "
                    f"{cert.worker.name} · {cert.get_cert_type_display()} {cert.number}"
                )
        if recorded is not None:
            self.stdout.write(_("%(count)d new alerts recorded.") % {"count": recorded})
