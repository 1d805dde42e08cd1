"""The navigation menu: only pages that exist, and only those the user's role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    resource: str | None  # matrix resource needed to see it; None = any signed-in user
    icon: str


MENU: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "web:dashboard", None, "dashboard"),
    NavItem(_("Map"), "web:map", "network.route", "map"),
    NavItem(_("Routes"), "network:route-list", "network.route", "route"),
    NavItem(_("Audit log"), "audit-log", "core.auditlog", "audit"),
    NavItem(_("Permissions"), "permission-matrix", "core.user", "lock"),
)


def menu_for(user: Any) -> list[dict[str, Any]]:
    """Menu entries for ``user`` (empty when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name, "icon": item.icon}
        for item in MENU
        if item.resource is None or user.may(item.resource, "view")
    ]
