"""Template tags of the page frame, for pages not (yet) drawn by a frame view."""

from __future__ import annotations

from typing import Any

from django import template

from zhiyang.core.pages.links import tabs_named

register = template.Library()


@register.inclusion_tag("core/pages/includes/tabs.html", takes_context=True)
def page_tabs(context: dict[str, Any], name: str, current: str = "") -> dict[str, Any]:
    """An app's tab bar for the signed-in user: ``{% page_tabs "safety" "hazards" %}``."""
    return {"tabs": tabs_named(name).for_user(context["request"].user, current)}
