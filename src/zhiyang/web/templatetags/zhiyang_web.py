"""Template helpers of the UI shell: icons, JSON display, number formatting."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from zhiyang.network.chainage import format_chainage

register = template.Library()

# Stroke icons (24×24, currentColor), drawn for Zhiyang; names are used by navigation.py.
_ICONS: dict[str, str] = {
    "dashboard": '<rect x="3" y="3" width="7" height="9" rx="1"/><rect x="14" y="3" width="7" '
    'height="5" rx="1"/><rect x="14" y="12" width="7" height="9" rx="1"/><rect x="3" y="16" '
    'width="7" height="5" rx="1"/>',
    "map": '<path d="M9 4 3 6v14l6-2 6 2 6-2V4l-6 2-6-2z"/><path d="M9 4v14M15 6v14"/>',
    "route": '<path d="M6 21 10 3M18 21 14 3"/><path d="M12 6v2M12 11v2M12 16v2"/>',
    "upload": '<path d="M12 16V4M7 9l5-5 5 5"/><path d="M4 16v4h16v-4"/>',
    "audit": '<path d="M8 3h8l4 4v14H4V3h4z"/><path d="M8 10h8M8 14h8M8 18h5"/>',
    "lock": '<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "settings": '<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 '
    '4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1"/>',
    "menu": '<path d="M4 6h16M4 12h16M4 18h16"/>',
    "close": '<path d="M6 6l12 12M18 6 6 18"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4 4-6 8-6s7 2 8 6"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 '
    '15 0 18"/>',
    "gauge": '<path d="M4 18a8 8 0 1 1 16 0"/><path d="M12 18l4-6"/>',
    "chart": '<path d="M4 20V4M4 20h16"/><path d="M7 16l4-5 3 3 5-7"/>',
    "report": '<path d="M6 3h9l3 3v15H6z"/><path d="M9 12h6M9 16h6M9 8h3"/>',
    "users": '<circle cx="9" cy="8" r="3.5"/><path d="M2 20c.8-3.5 3.5-5 7-5s6.2 1.5 7 5"/>'
    '<path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 15c2 .6 3.3 2.2 4 5"/>',
    "pin": '<path d="M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12z"/><circle cx="12" '
    'cy="9" r="2.5"/>',
    "megaphone": '<path d="M3 10v4h4l8 5V5L7 10H3z"/><path d="M18 9a4 4 0 0 1 0 6"/>',
    "truck": '<path d="M2 6h11v10H2zM13 10h4l4 4v2h-8z"/><circle cx="6" cy="18" r="2"/>'
    '<circle cx="17" cy="18" r="2"/>',
    "wrench": '<path d="M14.5 6.5a4 4 0 0 0-5 5L3 18l3 3 6.5-6.5a4 4 0 0 0 5-5l-2.5 2.5-2.5-.5'
    '-.5-2.5z"/>',
    "shield": '<path d="M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z"/><path d="M9 12l2 2 4-4"/>',
    "cone": '<path d="M10 3h4l5 16H5z"/><path d="M8 10h8M6.5 15h11M3 21h18"/>',
    "alert": '<path d="M12 3 2 20h20z"/><path d="M12 10v4M12 17v.5"/>',
    "checklist": '<path d="M9 6h11M9 12h11M9 18h11"/><path d="M3 6l1.5 1.5L7 5M3 12l1.5 1.5L7 '
    '11M3 18l1.5 1.5L7 17"/>',
    "incident": '<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16v.5"/>',
}


@register.simple_tag
def icon(name: str, size: int = 20) -> SafeString:
    """An inline SVG icon, hidden from screen readers (the text next to it names it)."""
    body = _ICONS.get(name, _ICONS["dashboard"])
    return format_html(
        '<svg class="icon" width="{}" height="{}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" '
        'stroke-linejoin="round" aria-hidden="true" focusable="false">{}</svg>',
        size,
        size,
        mark_safe(body),
    )


@register.filter
def pretty_json(value: Any) -> str:
    """Indented JSON for display in a <pre> (auto-escaped by the template)."""
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied (filters kept while paging)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return str(query.urlencode())


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


@register.filter
def may(user: Any, permission: str) -> bool:
    """``{% if user|may:"fleet.serviceinterval" %}`` (view) or ``"people.checkin:add"``: the
    permission matrix's answer, so a page shows only the links its reader may follow."""
    from zhiyang.core import actors

    resource, _sep, action = permission.partition(":")
    return actors.may(user, resource, action or "view")
