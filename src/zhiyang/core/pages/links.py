"""Links a page shows only when the permission matrix lets the user follow them: an app's
tabs and a page's action buttons. A link the user's role may not open is not drawn, so no
page offers a link that answers 403.

Tabs are declared once per app, in ``<app>/tabs.py``, and registered by name, so frame
views (``tabs = "safety"``) and hand-written templates (``{% load frame %}{% page_tabs
"safety" "hazards" %}``) draw them the same way::

    TABS = Tabs("safety", _("Safety"), (
        Tab("dashboard", _("Dashboard"), "safety:dashboard", "safety.hazard"),
        Tab("hazards", _("Hazards"), "safety:hazard-list", "safety.hazard"),
    ))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse

from zhiyang.core import actors
from zhiyang.core.access import in_scope

_REGISTRY: dict[str, Tabs] = {}


@dataclass(frozen=True)
class Link:
    """A link or button: where it goes and what the user must be allowed to do.

    ``resource``/``action`` are the permission matrix entry needed (None: any signed-in
    user); ``visible`` is an extra ``(user, obj) -> bool`` test (a state, an approval
    right). With ``for_object=True`` the URL takes the object's pk and the object must be
    in the user's scope for ``action``.
    """

    label: Any
    url_name: str
    resource: str | None = None
    action: str = "view"
    for_object: bool = False
    visible: Callable[[Any, Any], bool] | None = None
    css: str = "btn btn-small"
    id: str = ""
    query: str = ""

    @classmethod
    def new(cls, label: Any, url_name: str, resource: str, **kwargs: Any) -> Link:
        """The primary "new …" button of a list page (needs "add" on ``resource``)."""
        kwargs.setdefault("css", "btn btn-primary btn-small")
        return cls(label, url_name, resource, "add", **kwargs)

    def allowed(self, user: Any, obj: models.Model | None = None) -> bool:
        if self.resource is not None and not actors.may(user, self.resource, self.action):
            return False
        scoped = obj is not None and self.for_object and self.action != "view"
        if scoped and not in_scope(user, obj, self.action):  # type: ignore[arg-type]
            return False
        return self.visible is None or bool(self.visible(user, obj))

    def url(self, obj: models.Model | None = None) -> str | None:
        try:
            url = reverse(self.url_name, args=[obj.pk] if self.for_object and obj else ())
        except NoReverseMatch:
            return None  # a page not built (or not installed): no dead link
        return f"{url}?{self.query}" if self.query else url

    def bind(self, user: Any, obj: models.Model | None = None) -> dict[str, Any] | None:
        """What a template draws, or None when the link is not for this user."""
        if not self.allowed(user, obj):
            return None
        url = self.url(obj)
        if url is None:
            return None
        return {"label": self.label, "url": url, "css": self.css, "id": self.id}


def bind_all(links: tuple[Link, ...], user: Any, obj: models.Model | None = None) -> list[Any]:
    return [bound for link in links if (bound := link.bind(user, obj)) is not None]


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    url_name: str
    resource: str | None = None
    action: str = "view"
    visible: Callable[[Any, Any], bool] | None = None

    def link(self) -> Link:
        return Link(self.label, self.url_name, self.resource, self.action, visible=self.visible)


@dataclass(frozen=True)
class Tabs:
    """An app's tab bar, registered under ``name`` when declared."""

    name: str
    label: Any
    tabs: tuple[Tab, ...] = field(default=())

    def __post_init__(self) -> None:
        _REGISTRY[self.name] = self

    def for_user(self, user: Any, current: str = "") -> list[dict[str, Any]]:
        result = []
        for tab in self.tabs:
            bound = tab.link().bind(user)
            if bound is not None:
                bound["current"] = tab.key == current
                result.append(bound)
        return result


def tabs_named(name: str) -> Tabs:
    """The tabs registered as ``name``; an app's are declared in ``zhiyang.<app>.tabs``,
    imported here on first use."""
    if name not in _REGISTRY:
        importlib.import_module(f"zhiyang.{name}.tabs")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"zhiyang.{name}.tabs declares no Tabs({name!r}, ...)") from None
