"""The kernel's explanation of a plan item (``Candidates.explain``) as translated sentences:
why this unit, why this treatment, why this year."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zhiyang.planning.choices import Treatment


def _num(value: Any, digits: int = 1) -> str:
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return "–"


def _money(value: Any) -> str:
    """Yuan as 万元 with one decimal."""
    try:
        return _("%(amount)s ten-thousand yuan") % {"amount": f"{float(value) / 10_000:,.1f}"}
    except (TypeError, ValueError):
        return "–"


def _per_wan(benefit: Any, cost_yuan: Any) -> float:
    """Benefit per 10,000 yuan (0 for a free or worthless treatment)."""
    try:
        cost = float(cost_yuan)
        return float(benefit) / cost * 10_000 if cost > 0 else 0.0
    except (TypeError, ValueError):
        return 0.0


def sentences(data: dict[str, Any]) -> dict[str, str]:
    """``{"unit": ..., "treatment": ..., "year": ...}``, one sentence each ('' if unknown)."""
    if not data:
        return {"unit": "", "treatment": "", "year": ""}
    years = data.get("years") or []
    nothing = data.get("do_nothing") or []
    last_year = years[-1] if years else data.get("year")
    last_nothing = nothing[-1] if nothing else None
    unit = _(
        "PQI is %(now)s now and %(before)s at the start of %(year)s; without treatment it "
        "would fall to %(last)s by the end of %(last_year)d."
    ) % {
        "now": _num(data.get("index_now")),
        "before": _num(data.get("index_before")),
        "year": data.get("year"),
        "last": _num(last_nothing),
        "last_year": last_year or 0,
    }
    code = str(data.get("treatment", ""))
    label = Treatment(code).label if code in Treatment.values else code
    low, high = (data.get("applicability") or {}).get("index_range") or [None, None]
    treatment = _(
        "%(treatment)s applies at PQI %(low)s–%(high)s; it ranks %(rank)d of %(options)d "
        "options for this unit by benefit per yuan (%(ratio)s points·km·years per 10,000 yuan)."
    ) % {
        "treatment": label,
        "low": _num(low, 0),
        "high": _num(high, 0),
        "rank": int(data.get("rank_in_unit") or 0),
        "options": int(data.get("candidates_of_unit") or 0),
        "ratio": _num(_per_wan(data.get("benefit"), data.get("cost_yuan")), 2),
    }
    others = data.get("other_years") or []
    year = _(
        "In %(year)s it lifts PQI from %(before)s to %(after)s for %(cost)s; benefit %(benefit)s "
        "points·km·years."
    ) % {
        "year": data.get("year"),
        "before": _num(data.get("index_before")),
        "after": _num(data.get("index_after")),
        "cost": _money(data.get("cost_yuan")),
        "benefit": _num(data.get("benefit")),
    }
    if others:
        alternatives = ", ".join(
            f"{o['year']}: {_num(o['benefit'])}" for o in sorted(others, key=lambda o: o["year"])
        )
        year += " " + _(
            "Within the budgets the optimiser preferred this year; benefit in other years: "
            "%(alternatives)s."
        ) % {"alternatives": alternatives}
    return {"unit": unit, "treatment": treatment, "year": year}
