"""Template filters for standards values."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def value_text(value: Any) -> str:
    """A data-file value as people read it: lists comma-separated, true/false translated."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return str(value)


@register.filter
def as_json(value: Any) -> str:
    """Overrides as indented JSON (for the history and the API's readers)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


@register.inclusion_tag("standards/includes/provenance.html")
def standard_provenance(code: str, organisation: Any = None) -> dict[str, Any]:
    """A small note for a page showing a result computed with standard ``code``: document,
    version, values still to verify, the overrides applied (with reasons) and a link.

    ``{% load standards_tags %}{% standard_provenance "jtg5210_2018" user.organisation %}``
    """
    from zhiyang.standards.provenance import provenance_summary

    try:
        return {"p": provenance_summary(code, organisation)}
    except LookupError:
        return {"p": None}
