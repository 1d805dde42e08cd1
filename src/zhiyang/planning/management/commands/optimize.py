"""``zhiyang optimize PROBLEM.json``: solve a budget allocation problem from a JSON file.

PROBLEM.json::

    {"budgets": {"2027": 100.0, "2028": 80.0},
     "total_budget": 150.0,                      (optional)
     "candidates": [{"id": "a", "unit": "u1", "year": 2027, "treatment": "fog_seal",
                     "cost": 40.0, "benefit": 12.5}, ...]}

At most one candidate per unit, each year's spending within its budget (and the total),
maximising the total benefit. Prints ``{"status", "objective", "selected": [ids], ...}`` as
JSON. The MILP is exact (relative gap 0) unless ``--gap`` is given. Malformed input: a
message naming the field, exit code 1, no traceback (docs/optimize.md).
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.analytics.optimize import METHODS, OptimizeInputError, solve


def _number(value: Any, where: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CommandError(
            _("%(field)s: expected a number, got %(value)s")
            % {"field": where, "value": json.dumps(value)}
        )
    number = float(value)
    if not math.isfinite(number):
        raise CommandError(_("%(field)s: must be a finite number") % {"field": where})
    if minimum is not None and number < minimum:
        raise CommandError(_("%(field)s: must be >= %(min)s") % {"field": where, "min": minimum})
    return number


def _year(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise CommandError(
            _("%(field)s: expected a year, got %(value)s")
            % {"field": where, "value": json.dumps(value)}
        )
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise CommandError(
        _("%(field)s: expected a year, got %(value)s")
        % {"field": where, "value": json.dumps(value)}
    )


def _label(value: Any, where: str) -> str:
    """A hashable key for a unit / id (numbers and strings; 1 and "1" stay different)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float) or value is None:
        raise CommandError(_("%(field)s: expected a string or a number") % {"field": where})
    return json.dumps(value)


def parse_problem(data: Any) -> dict[str, Any]:
    """Validate a decoded PROBLEM.json; returns arrays and labels for :func:`solve`.

    Raises CommandError naming the first bad field."""
    if not isinstance(data, dict):
        raise CommandError(_("PROBLEM.json: the top level must be an object"))
    budgets_raw = data.get("budgets")
    if not isinstance(budgets_raw, dict):
        raise CommandError(_('budgets: required, an object {"year": amount}'))
    budgets: dict[int, float] = {}
    for key, value in budgets_raw.items():
        key_year = _year(key, f"budgets.{key}")
        if key_year in budgets:
            raise CommandError(_("budgets: year %(year)s given twice") % {"year": key_year})
        budgets[key_year] = _number(value, f"budgets.{key}")
    total = data.get("total_budget")
    total_budget = None if total is None else _number(total, "total_budget")
    cands = data.get("candidates")
    if not isinstance(cands, list):
        raise CommandError(_("candidates: required, a list of objects"))
    ids: list[Any] = []
    seen: set[str] = set()
    units: dict[str, int] = {}
    unit: list[int] = []
    year: list[int] = []
    cost: list[float] = []
    benefit: list[float] = []
    for i, cand in enumerate(cands):
        where = f"candidates[{i}]"
        if not isinstance(cand, dict):
            raise CommandError(_("%(field)s: expected an object") % {"field": where})
        for key in ("id", "unit", "year", "cost", "benefit"):
            if key not in cand:
                raise CommandError(_('%(field)s: missing "%(key)s"') % {"field": where, "key": key})
        key_id = _label(cand["id"], f"{where}.id")
        if key_id in seen:
            raise CommandError(
                _("%(field)s: duplicate id %(id)s") % {"field": f"{where}.id", "id": key_id}
            )
        seen.add(key_id)
        ids.append(cand["id"])
        unit.append(units.setdefault(_label(cand["unit"], f"{where}.unit"), len(units)))
        y = _year(cand["year"], f"{where}.year")
        if y not in budgets:
            raise CommandError(
                _('%(field)s: year %(year)s has no budget in "budgets"')
                % {"field": f"{where}.year", "year": y}
            )
        year.append(y)
        cost.append(_number(cand["cost"], f"{where}.cost", minimum=0.0))
        benefit.append(_number(cand["benefit"], f"{where}.benefit"))
    return {
        "ids": ids,
        "unit": unit,
        "year": year,
        "cost": cost,
        "benefit": benefit,
        "budgets": budgets,
        "total_budget": total_budget,
    }


class Command(BaseCommand):
    # A pure computation: independent of the database and of other apps' URL configuration.
    requires_system_checks: list[str] = []
    help = _(
        "Choose at most one treatment per unit within yearly budgets, maximising the benefit "
        "(PROBLEM.json; prints the selection as JSON)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "problem", metavar="PROBLEM.json", help=_("Problem file ('-' reads standard input).")
        )
        parser.add_argument(
            "--method",
            choices=METHODS,
            default="milp",
            help=_("Solution method (default milp: exact)."),
        )
        parser.add_argument(
            "--gap",
            type=float,
            default=None,
            help=_("Relative optimality gap accepted by the MILP (default 0: proven optimum)."),
        )
        parser.add_argument(
            "--time-limit", type=float, default=None, help=_("Seconds before the MILP stops.")
        )
        parser.add_argument("--indent", type=int, default=None, help=_("Indent the JSON output."))

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["problem"]
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("PROBLEM.json is not valid JSON (line %(line)s, column %(col)s): %(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from exc
        problem = parse_problem(data)
        gap = options["gap"]
        if gap is not None and not 0 <= gap < 1:
            raise CommandError(_("--gap: must be in [0, 1)"))
        try:
            result = solve(
                problem["unit"],
                problem["year"],
                problem["cost"],
                problem["benefit"],
                problem["budgets"],
                total_budget=problem["total_budget"],
                method=options["method"],
                mip_rel_gap=gap or 0.0,
                time_limit_s=options["time_limit"],
            )
        except OptimizeInputError as exc:
            raise CommandError(str(exc)) from exc
        ids = problem["ids"]
        out = {
            "status": result.status,
            "objective": result.objective,
            "selected": [ids[int(k)] for k in result.selected],
            "method": result.method,
            "gap": result.gap,
            "bound": result.bound,
            "spend_by_year": {str(k): v for k, v in result.spend_by_year.items()},
            "total_spend": result.total_spend,
            "seconds": round(result.seconds, 4),
        }
        if result.message:
            out["message"] = result.message
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=options["indent"]))
