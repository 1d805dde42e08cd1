"""The "today" page: what the signed-in person has to do today, gathered from every app.

Field roles (worker, QC inspector, safety officer) land here after signing in instead of on
the network dashboard: the worker's work orders and the checklists they still need, the
hazards assigned to them, the briefing of their crew to read and confirm, whether they
have checked in; the QC inspector's open alarms and runs waiting for a sign-off; the
safety officer's overdue hazards. Each app contributes its items through
``zhiyang.<app>.dashboard.today(user, day)`` (see ``zhiyang.web.tiles``), checks its own
permissions and restricts its rows to the user's scope, so this module knows no model.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiyang.core.choices import Role
from zhiyang.web.tiles import dashboard_modules

#: Sections of the page, in the order shown (late things first).
SECTIONS: dict[str, Promise] = {
    "late": _("Late"),
    "alerts": _("Needs attention"),
    "work": _("My work today"),
    "confirm": _("To read, confirm or sign"),
}

#: Where each role lands after signing in (the others land on the dashboard).
HOME_BY_ROLE: dict[str, str] = {
    Role.WORKER: "web:today",
    Role.QC_INSPECTOR: "web:today",
    Role.SAFETY_OFFICER: "web:today",
}


@dataclass(frozen=True)
class TodayItem:
    key: str  # stable id per kind, also the data-item attribute the tests look for
    section: str  # a key of SECTIONS
    title: str | Promise
    url: str | None = None
    detail: str | Promise = ""
    action: str | Promise = ""  # the button's label when the item is a thing to do
    tone: str = ""  # "", "good", "warn" or "bad"
    done: bool = False  # shown ticked (e.g. already checked in)


def today_for(user: Any, day: datetime.date | None = None) -> list[dict[str, Any]]:
    """The user's items for ``day`` grouped by section: ``[{"key", "label", "items"}]``."""
    day = day or timezone.localdate()
    items: list[TodayItem] = []
    for module in dashboard_modules():
        contribute = getattr(module, "today", None)
        if contribute is not None:
            items.extend(contribute(user, day))
    unknown = {item.section for item in items} - SECTIONS.keys()
    if unknown:
        raise ValueError(f"unknown today section(s): {sorted(unknown)}")
    return [
        {"key": key, "label": label, "items": [i for i in items if i.section == key]}
        for key, label in SECTIONS.items()
        if any(i.section == key for i in items)
    ]


def home_url_name(user: Any) -> str:
    return HOME_BY_ROLE.get(getattr(user, "role", ""), "web:dashboard")


def home(request: HttpRequest) -> HttpResponse:
    """Where signing in (and the app icon) leads: the role's home page."""
    return redirect(home_url_name(request.user))


def today(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    sections = today_for(request.user, day)
    return render(
        request,
        "web/today.html",
        {"day": day, "sections": sections, "empty": not sections},
    )
