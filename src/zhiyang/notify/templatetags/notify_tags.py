"""Template tags of the notify app: the unread count of the page header's bell."""

from __future__ import annotations

from typing import Any

from django import template

from zhiyang.notify.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return unread_count(user)
