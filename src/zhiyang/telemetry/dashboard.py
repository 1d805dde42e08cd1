"""Dashboard tile and "today" items of the telemetry app (see zhiyang/web/tiles.py): the
open alarms of the live rules (cold mix, roller too far behind …), critical ones first."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.telemetry import alarms as alarm_services
from zhiyang.telemetry.models import OPEN_ALARM_STATUSES, Alarm, AlarmStatus, Severity
from zhiyang.web.tiles import Tile
from zhiyang.web.today import TodayItem

#: Open alarms listed one by one on the today page; the rest are summed up in one line.
TODAY_LIMIT = 8


def open_alarms(user: Any) -> QuerySet[Alarm]:
    return restrict(Alarm.objects.filter(status__in=OPEN_ALARM_STATUSES), user)


def tiles(user: Any) -> list[Tile]:
    if not actors.may(user, "telemetry.alarm", "view"):
        return []
    rows = open_alarms(user)
    count = rows.count()
    critical = rows.filter(severity=Severity.CRITICAL).count()
    unacknowledged = rows.filter(status=AlarmStatus.ACTIVE).count()
    detail = ""
    if count:
        detail = _("%(critical)d critical, %(new)d not acknowledged") % {
            "critical": critical,
            "new": unacknowledged,
        }
    return [
        Tile(
            key="open-alarms",
            label=gettext_lazy("Open alarms"),
            value=str(count),
            detail=detail,
            url=reverse("telemetry:alarm-list"),
            tone="bad" if critical else ("warn" if count else "good"),
        )
    ]


def today(user: Any, day: datetime.date) -> list[TodayItem]:
    """Open alarms for whoever may act on them (QC inspectors, engineers)."""
    if not actors.may(user, "telemetry.alarm", "change"):
        return []
    rows = open_alarms(user)
    total = rows.count()
    rank = Case(
        When(severity=Severity.CRITICAL, then=Value(0)),
        When(severity=Severity.WARNING, then=Value(1)),
        default=Value(2),
    )
    alarms = list(
        rows.select_related("equipment").order_by(rank, "-raised_at", "-pk")[:TODAY_LIMIT]
    )
    url = reverse("telemetry:alarm-list")
    items = [
        TodayItem(
            key="alarm",
            section="alerts",
            title=f"{alarm.equipment} · {alarm_services.rule_label(alarm.rule)}",
            detail=_("%(severity)s, raised %(time)s")
            % {
                "severity": alarm.get_severity_display(),
                "time": timezone.localtime(alarm.raised_at).strftime("%H:%M"),
            },
            url=url,
            action=pgettext("today action", "Acknowledge")
            if alarm.status == AlarmStatus.ACTIVE
            else "",
            tone="bad" if alarm.severity == Severity.CRITICAL else "warn",
        )
        for alarm in alarms
    ]
    if total > TODAY_LIMIT:
        items.append(
            TodayItem(
                key="alarm-more",
                section="alerts",
                title=_("%(count)d more open alarms") % {"count": total - TODAY_LIMIT},
                url=url,
            )
        )
    return items
