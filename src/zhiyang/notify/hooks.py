"""The notifications of this repository's apps: each app calls one function here, in one
line, where the thing happens (alarms raised and resolved, hazards, certificates, approvals,
sign-offs, NCRs, services due). Each builds its message and calls ``raise_event`` with a key,
so a rerun (a daily check run twice, a retried request) tells nobody twice.

New apps need no function here: they ``register_kind`` and call ``raise_event`` themselves
(docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhiyang.core.actors import SYSTEM, Actor
from zhiyang.notify.choices import Severity
from zhiyang.notify.events import raise_event

logger = logging.getLogger(__name__)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _actor(user: Any) -> Actor:
    return user if getattr(user, "is_authenticated", False) else SYSTEM


# --------------------------------------------------------------------------- telemetry


def _machine_line(alarm: Any) -> Callable[[], str]:
    def line() -> str:
        return _("Machine %(machine)s, project %(project)s") % {
            "machine": alarm.equipment,
            "project": alarm.project or "–",
        }

    return line


def _resolved_line(alarm: Any) -> Callable[[], str]:
    def line() -> str:
        return _("Resolved: %(alarm)s") % {"alarm": alarm.message()}

    return line


def alarms_changed(*, created: Iterable[Any], resolved: Iterable[Any]) -> None:
    """Live alarms raised (to the roles the rule names) and resolved by themselves."""
    url = _url("telemetry:alarm-list")
    for alarm in created:
        if alarm.pk is None:
            continue
        raise_event(
            actor=SYSTEM,
            kind="telemetry.alarm",
            obj=alarm,
            severity=alarm.severity if alarm.severity in Severity.values else Severity.WARNING,
            roles=alarm.notified_roles or None,
            title=alarm.message,
            message=_machine_line(alarm),
            key=f"alarm:{alarm.pk}:raised",
            url=url,
        )
    for alarm in resolved:
        if alarm.pk is None:
            continue
        raise_event(
            actor=SYSTEM,
            kind="telemetry.alarm_resolved",
            obj=alarm,
            severity=Severity.INFO,
            roles=alarm.notified_roles or None,
            title=_resolved_line(alarm),
            key=f"alarm:{alarm.pk}:resolved",
            url=url,
        )


# --------------------------------------------------------------------------- safety


def hazard_reported(hazard: Any, *, actor: Any = None) -> None:
    major = hazard.level in ("larger", "major")
    raise_event(
        actor=_actor(actor),
        kind="safety.hazard_new",
        obj=hazard,
        severity=Severity.CRITICAL
        if hazard.level == "major"
        else (Severity.WARNING if major else Severity.INFO),
        title=gettext_noop("New hazard on %(route)s: %(description)s"),
        params={"route": hazard.route.code, "description": hazard.description[:80]},
        key=f"hazard:{hazard.pk}:new",
        url=_url("safety:hazard-detail", hazard.pk),
    )


def hazard_escalated(hazard: Any) -> None:
    """An overdue hazard's daily escalation: the first is 'overdue', later ones go higher."""
    first = hazard.escalation_level <= 1
    raise_event(
        actor=SYSTEM,
        kind="safety.hazard_overdue" if first else "safety.hazard_escalated",
        obj=hazard,
        severity=Severity.WARNING if first else Severity.CRITICAL,
        title=gettext_noop("Hazard overdue (escalation level %(level)d): %(description)s"),
        params={"level": hazard.escalation_level, "description": hazard.description[:80]},
        key=f"hazard:{hazard.pk}:escalated:{hazard.escalation_level}",
        url=_url("safety:hazard-detail", hazard.pk),
    )


# --------------------------------------------------------------------------- people


def certificate_alerts(alerts: Iterable[Any]) -> None:
    """The day's new certificate expiry alerts (``people.CertificateAlert`` rows)."""
    for alert in alerts:
        certificate = alert.certificate
        expired = alert.level == "expired"
        raise_event(
            actor=SYSTEM,
            kind="people.certificate_expiry",
            obj=certificate,
            severity=Severity.CRITICAL if expired else Severity.WARNING,
            title=gettext_noop("Certificate of %(worker)s: %(level)s (%(until)s)"),
            params={
                "worker": certificate.worker.name,
                "level": str(alert.get_level_display()),
                "until": certificate.valid_until.isoformat(),
            },
            key=f"certificate:{certificate.pk}:{alert.level}:{alert.date:%Y%m%d}",
            url=_url("people:worker-detail", certificate.worker_id),
        )


# --------------------------------------------------------------------------- approvals


def daily_report_submitted(report: Any, *, actor: Any = None) -> None:
    """A daily report waits for approval by those granted ``works.approval``."""
    raise_event(
        actor=_actor(actor),
        kind="works.approval",
        obj=report,
        severity=Severity.INFO,
        title=gettext_noop("Daily report to approve: %(report)s"),
        params={"report": str(report)},
        key=f"dailyreport:{report.pk}:submitted:{timezone.now():%Y%m%d%H%M%S}",
    )


def plan_ready(scenario: Any, *, actor: Any = None) -> None:
    """A solved maintenance scenario: its plan waits for approval."""
    raise_event(
        actor=_actor(actor),
        kind="planning.approval",
        obj=scenario,
        severity=Severity.INFO,
        title=gettext_noop("Maintenance plan ready to approve: %(scenario)s"),
        params={"scenario": str(scenario)},
        key=f"scenario:{scenario.pk}:solved:{timezone.now():%Y%m%d%H%M%S}",
        url=_url("planning:scenario-detail", scenario.pk),
    )


def signoff_waiting(run: Any, *, actor: Any = None) -> None:
    """A checklist run waits at its hold points for the roles that sign them."""
    if getattr(run, "status", "") != "in_progress":
        return
    raise_event(
        actor=_actor(actor),
        kind="sop.signoff",
        obj=run,
        severity=Severity.INFO,
        title=gettext_noop("Checklist waiting for sign-off: %(run)s"),
        params={"run": str(run)},
        key=f"checklistrun:{run.pk}:signoff",
    )


def ncr_raised(ncr: Any, *, actor: Any = None) -> Any:
    """A non-conformance report was raised; returns it (so the service can return it)."""
    raise_event(
        actor=_actor(actor),
        kind="sop.nonconformance",
        obj=ncr,
        severity=Severity.WARNING,
        title=gettext_noop("Non-conformance raised: %(ncr)s"),
        params={"ncr": str(ncr)},
        key=f"ncr:{ncr.pk}:raised",
    )
    return ncr


# --------------------------------------------------------------------------- fleet


def services_due(*, today: dt.date | None = None) -> int:
    """Tell equipment managers of each service due or overdue, once a day per interval."""
    from zhiyang.fleet import services as fleet
    from zhiyang.fleet.choices import ServiceState
    from zhiyang.fleet.models import ServiceInterval

    today = today or timezone.localdate()
    rows = fleet.due_services(ServiceInterval.objects.all(), today=today, only_due=True)
    for row in rows:
        interval = row.interval
        raise_event(
            actor=SYSTEM,
            kind="fleet.service_due",
            obj=interval.equipment,
            severity=Severity.WARNING if row.state == "overdue" else Severity.INFO,
            title=gettext_noop("%(machine)s: %(service)s %(state)s"),
            params={
                "machine": interval.equipment.code,
                "service": interval.name,
                "state": ServiceState(row.state).label,
            },
            key=f"service:{interval.pk}:{row.state}:{today:%Y%m%d}",
            url=_url("fleet:equipment-detail", interval.equipment_id),
        )
    return len(rows)
