"""The registry of notification kinds: what can be raised, and whom it goes to by default.

A kind is registered once, by the app that raises it, with one call::

    from zhiyang.notify.kinds import register_kind
    register_kind("patrol.deadline", _("Patrol deadline"), roles=("engineer",))

(in the app's ``AppConfig.ready()`` or at import of the module that raises it). Raising an
unregistered kind is a programming error and fails loudly. The channels each role gets per
kind are data: ``notify/data/subscriptions.toml``; people override them on their own
notification settings page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any  # a lazy translated string
    roles: tuple[str, ...] = ()
    description: Any = ""


_KINDS: dict[str, Kind] = {}


def register_kind(
    code: str, label: Any, *, roles: tuple[str, ...] | list[str] = (), description: Any = ""
) -> Kind:
    """Register (or re-register, idempotently) a notification kind ``app.what``."""
    app, dot, what = code.partition(".")
    if not (app and dot and what) or len(code) > 60:
        raise ValueError(f"a kind is 'app.what' (at most 60 characters), not {code!r}")
    kind = Kind(code=code, label=label, roles=tuple(roles), description=description)
    _KINDS[code] = kind
    return kind


def get_kind(code: str) -> Kind:
    """The registered kind; ``LookupError`` for an unknown code."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"notification kind {code!r} is not registered") from None


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def kind_choices() -> list[tuple[str, str]]:
    return [(k.code, str(k.label)) for k in all_kinds()]


# The kinds raised by the apps of this repository. Apps built later register their own.
register_kind("telemetry.alarm", _("Live alarm"), roles=("engineer", "qc_inspector", "manager"))
register_kind(
    "telemetry.alarm_resolved",
    _("Live alarm resolved"),
    roles=("engineer", "qc_inspector", "manager"),
)
register_kind("safety.hazard_new", _("New hazard"), roles=("safety_officer",))
register_kind("safety.hazard_overdue", _("Hazard overdue"), roles=("safety_officer",))
register_kind("safety.hazard_escalated", _("Hazard escalated"), roles=("safety_officer", "manager"))
register_kind("people.certificate_expiry", _("Certificate expiring"), roles=("safety_officer",))
register_kind("works.approval", _("Daily report to approve"), roles=("manager",))
register_kind("planning.approval", _("Plan to approve"), roles=("manager",))
register_kind("sop.signoff", _("Hold point to sign off"), roles=("qc_inspector", "engineer"))
register_kind("sop.nonconformance", _("Non-conformance raised"), roles=("qc_inspector", "engineer"))
register_kind("fleet.service_due", _("Machine service due"), roles=("equipment_manager",))
register_kind("notify.test", _("Test message"))
register_kind("notify.digest", _("Daily digest"))


#: Daily checks other apps run with ``zhiyang notify daily`` (each returns how many
#: notifications it raised), registered in their AppConfig.ready so notify imports none.
_DAILY: list[Callable[[], int]] = []


def register_daily_check(check: Callable[[], int]) -> None:
    """Run ``check()`` with the daily notification checks (idempotent)."""
    if check not in _DAILY:
        _DAILY.append(check)


def daily_checks() -> list[Callable[[], int]]:
    return list(_DAILY)
