"""Template filters of the planning pages."""

from __future__ import annotations

from typing import Any

from django import template

from zhiyang.network.chainage import format_chainage

register = template.Library()


@register.filter
def chainage(value: Any) -> str:
    """Metres as K12+345."""
    try:
        return format_chainage(float(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def wan(value: Any) -> str:
    """Yuan as 万元 (10,000 yuan) with one decimal."""
    try:
        return f"{float(value) / 10_000:,.1f}"
    except (TypeError, ValueError):
        return "–"


@register.filter
def fraction_pct(value: Any) -> str:
    """A fraction (0.0047) as a percentage with two decimals (0.47)."""
    try:
        return f"{float(value) * 100:.2f}"
    except (TypeError, ValueError):
        return "–"
