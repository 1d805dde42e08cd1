"""``zhiyang progress``: earned value of the programme's projects and the work behind
schedule (for a daily report or a cron job). Read-only; see docs/progress.md."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import Organisation
from zhiyang.works import progress as service


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


class Command(BaseCommand):
    help = _("Progress of the works programme by earned value, and what is behind schedule.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help=_("The status date (YYYY-MM-DD); default today."))
        parser.add_argument("--organisation", metavar="CODE", help=_("Only this organisation."))
        parser.add_argument("--year", type=int, help=_("Only projects planned in this year."))
        parser.add_argument(
            "--behind", action="store_true", help=_("Only projects behind schedule.")
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    _("%(value)s is not a date (use YYYY-MM-DD).") % {"value": options["date"]}
                ) from None
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("No organisation with code %(code)s.") % {"code": options["organisation"]}
                )
        branch = service.branch_progress(
            user=SYSTEM, status_date=day, year=options["year"], organisation=organisation
        )
        projects = [p for p in branch.projects if p.behind or not options["behind"]]
        rows = [self._row(p) for p in projects if p.project is not None]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "status_date": branch.status_date.isoformat(),
                        "figures": {k: _number(v) for k, v in vars(branch.figures).items()},
                        "projects": rows,
                    },
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        for row in rows:
            flags = [_("behind schedule")] if row["behind"] else []
            flags += [_("over budget")] if row["over_budget"] else []
            spi = "–" if row["spi"] is None else f"{row['spi']:.2f}"
            cpi = "–" if row["cpi"] is None else f"{row['cpi']:.2f}"
            self.stdout.write(
                f"{row['code']}  {row['percent_complete']:.1f}% / {row['planned_percent']:.1f}%  "
                f"SPI {spi}  CPI {cpi}  {' '.join(flags)}"
            )
            for order in row["late_work_orders"]:
                self.stdout.write(f"    {order}")
        self.stdout.write(
            _("%(count)d of %(total)d projects behind schedule; programme %(done).1f%% complete.")
            % {
                "count": branch.behind_projects,
                "total": len(branch.projects),
                "done": branch.figures.percent_complete,
            }
        )

    @staticmethod
    def _row(item: service.ProjectProgress) -> dict[str, Any]:
        assert item.project is not None
        f = item.figures
        return {
            "code": item.project.code,
            "name": item.project.name,
            "status": item.project.status,
            "percent_complete": round(f.percent_complete, 2),
            "planned_percent": round(f.planned_percent, 2),
            "spi": _number(f.spi),
            "cpi": _number(f.cpi),
            "ev_yuan": round(f.ev_yuan, 2),
            "bac_yuan": round(f.bac_yuan, 2),
            "behind": item.behind,
            "over_budget": item.over_budget,
            "late_work_orders": [r.work_order.title for r in item.orders if r.behind],
        }
