"""``zhiyang planning <sub-command>``: maintenance scenarios from the command line (for a
nightly job or a planner at a terminal). The same services as the pages; see docs/planning.md.

- ``scenarios [--organisation CODE] [--format json]``: the scenarios and their state;
- ``run ID [--format json]``: build the candidates and solve every budget level, with progress;
- ``calibrate ORGANISATION [--format json]``: fit the decay equation from the survey history;
- ``plan ID --year Y [--level PCT] --out FILE.xlsx``: the annual maintenance plan (年度养护计划).

Run as the system (no user), so the audit trail shows no person; it changes only what the
pages would let an engineer change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import Organisation
from zhiyang.planning import reports, services
from zhiyang.planning.calibration import at_bound
from zhiyang.planning.choices import RunStatus
from zhiyang.planning.models import Scenario


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _organisation(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise CommandError(_("No organisation with code %(code)s.") % {"code": code})
    return organisation


def _scenario(pk: int) -> Scenario:
    scenario = Scenario.objects.select_related("organisation").filter(pk=pk).first()
    if scenario is None:
        raise CommandError(_("No scenario with id %(id)s.") % {"id": pk})
    return scenario


def _format_option(parser: CommandParser) -> None:
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help=_("Output format.")
    )


class Command(BaseCommand):
    help = _("Maintenance planning: list and run scenarios, calibrate, export the annual plan.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")
        p = sub.add_parser("scenarios", help=_("The scenarios and their state."))
        p.add_argument("--organisation", metavar="CODE", help=_("Only this organisation."))
        _format_option(p)
        p = sub.add_parser("run", help=_("Solve every budget level of a scenario."))
        p.add_argument("scenario", type=int, help=_("Scenario id."))
        _format_option(p)
        p = sub.add_parser("calibrate", help=_("Fit the decay equation from the survey history."))
        p.add_argument("organisation", metavar="CODE", help=_("Organisation code."))
        _format_option(p)
        p = sub.add_parser("plan", help=_("Write the annual maintenance plan (Excel)."))
        p.add_argument("scenario", type=int, help=_("Scenario id."))
        p.add_argument("--year", type=int, required=True, help=_("Plan year."))
        p.add_argument(
            "--level", type=float, default=100.0, help=_("Budget level in percent (default 100).")
        )
        p.add_argument("--out", required=True, type=Path, help=_("Output .xlsx file."))

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "_" + options["subcommand"])
        try:
            handler(options)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None

    def _emit(self, options: dict[str, Any], data: Any, lines: list[str]) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for line in lines:
                self.stdout.write(line)

    def _scenarios(self, options: dict[str, Any]) -> None:
        queryset = Scenario.objects.select_related("organisation").order_by("pk")
        if options["organisation"]:
            queryset = queryset.filter(organisation=_organisation(options["organisation"]))
        scenarios = list(queryset)
        rows = [
            {
                "id": s.pk,
                "name": s.name,
                "organisation": s.organisation.code,
                "years": [s.first_year, s.first_year + s.horizon_years - 1],
                "base_budget_yuan": s.base_budget_yuan,
                "levels_pct": s.budget_levels_pct,
                "status": s.status,
            }
            for s in scenarios
        ]
        lines = [
            f"{r['id']:>4}  {r['organisation']:<10} {r['years'][0]}–{r['years'][1]}  "
            f"{s.get_status_display()}  {r['name']}"
            for r, s in zip(rows, scenarios, strict=True)
        ]
        self._emit(options, rows, lines or [_("No scenarios.")])

    def _run(self, options: dict[str, Any]) -> None:
        scenario = _scenario(options["scenario"])
        quiet = options["format"] == "json" or options["verbosity"] == 0

        def progress(pct: float, message: str) -> None:
            if not quiet:
                self.stderr.write(f"[{pct:3.0f} %] {message}", style_func=lambda s: s)

        summary = services.run_scenario(actor=SYSTEM, scenario=scenario, progress=progress)
        lines = [
            _("%(units)d units, %(candidates)d candidates.")
            % {"units": summary["units"], "candidates": summary["candidates"]}
        ]
        for level in summary["levels"]:
            gap = "–" if level["gap"] is None else f"{100 * level['gap']:.3f} %"
            lines.append(
                _(
                    "%(pct)s %% budget: %(status)s, %(items)d items, "
                    "spend %(spend).1f × 10,000 yuan, gap %(gap)s"
                )
                % {
                    "pct": f"{level['pct']:g}",
                    "status": dict(RunStatus.choices).get(level["status"], level["status"]),
                    "items": level["items"],
                    "spend": level["spend_yuan"] / 10_000,
                    "gap": gap,
                }
            )
        self._emit(options, summary, lines)

    def _calibrate(self, options: dict[str, Any]) -> None:
        organisation = _organisation(options["organisation"])
        fitted = services.fit_calibrations(actor=SYSTEM, organisation=organisation)
        rows = [
            {
                "pavement": c.pavement,
                "road_class_group": c.road_class_group,
                "alpha": c.alpha,
                "beta": c.beta,
                "pairs": c.n,
                "r2": c.r2,
                "rmse": c.rmse,
                "at_bound": at_bound(c.alpha, c.beta),
            }
            for c in fitted
        ]
        lines = [
            f"{r['pavement']}/{r['road_class_group']}: α={r['alpha']:.2f} β={r['beta']:.2f} "
            f"n={r['pairs']} R²={'–' if r['r2'] is None else format(r['r2'], '.3f')} "
            f"RMSE={r['rmse']:.2f}"
            + (" " + _("(a parameter at its bound)") if r["at_bound"] else "")
            for r in rows
        ]
        self._emit(options, rows, lines or [_("Not enough survey pairs to calibrate.")])

    def _plan(self, options: dict[str, Any]) -> None:
        scenario = _scenario(options["scenario"])
        run = scenario.runs.filter(budget_pct=options["level"]).first()
        if run is None:
            levels = ", ".join(f"{r.budget_pct:g}" for r in scenario.runs.order_by("budget_pct"))
            raise CommandError(
                _("The scenario has no solved %(level)s %% level (solved: %(levels)s).")
                % {"level": f"{options['level']:g}", "levels": levels or "–"}
            )
        year = options["year"]
        if year not in scenario.years:
            raise CommandError(_("%(year)d is outside the scenario's years.") % {"year": year})
        out: Path = options["out"]
        out.write_bytes(reports.plan_workbook(run, year))
        self.stdout.write(_("Wrote %(path)s.") % {"path": out})
