"""Dashboard tiles and "today" items of the people app (see zhiyang/web/tiles.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.people.choices import AlertLevel
from zhiyang.people.membership import crews_of, worker_of
from zhiyang.people.models import Briefing, Certificate, CheckIn
from zhiyang.people.services import certificate_alerts
from zhiyang.web.tiles import Tile
from zhiyang.web.today import TodayItem


def tiles(user: Any) -> list[Tile]:
    today = timezone.localdate()
    result = []
    if actors.may(user, "people.checkin", "view"):
        checkins = restrict(CheckIn.objects.filter(date=today), user)
        outside = checkins.filter(inside_geofence=False).count()
        result.append(
            Tile(
                key="checkins-today",
                label=gettext_lazy("Checked in today"),
                value=str(checkins.count()),
                detail=_("%(count)d outside the geofence") % {"count": outside} if outside else "",
                url=reverse("people:checkin-list"),
                tone="warn" if outside else "",
            )
        )
    if actors.may(user, "people.certificate", "view"):
        alerts = certificate_alerts(restrict(Certificate.objects.all(), user), today=today)
        expired = sum(1 for a in alerts if a.level == AlertLevel.EXPIRED)
        result.append(
            Tile(
                key="certificates-expiring",
                label=gettext_lazy("Certificates expired or expiring within 30 days"),
                value=str(len(alerts)),
                detail=_("%(count)d expired") % {"count": expired} if expired else "",
                url=reverse("people:worker-list"),
                tone="bad" if expired else ("warn" if alerts else "good"),
            )
        )
    return result


def today(user: Any, day: datetime.date) -> list[TodayItem]:
    """The user's own check-in and the briefings of their crews for the day."""
    worker = worker_of(user)
    if worker is None:
        return []
    items: list[TodayItem] = []
    if actors.may(user, "people.checkin", "add"):
        checkin = CheckIn.objects.filter(worker=worker, date=day).select_related("work_zone")
        first = checkin.first()
        if first is None:
            items.append(
                TodayItem(
                    key="checkin",
                    section="work",
                    title=_("Check in at your work zone"),
                    url=reverse("people:checkin"),
                    action=pgettext("today action", "Check in"),
                )
            )
        else:
            items.append(
                TodayItem(
                    key="checkin",
                    section="work",
                    title=_("Checked in at %(zone)s, %(time)s")
                    % {
                        "zone": first.work_zone,
                        "time": timezone.localtime(first.checked_in_at).strftime("%H:%M"),
                    },
                    done=True,
                    tone="good" if first.inside_geofence else "warn",
                    detail="" if first.inside_geofence else _("outside the geofence"),
                )
            )
    if actors.may(user, "people.briefing", "view"):
        briefings = Briefing.objects.filter(date=day, crew__in=crews_of(user)).select_related(
            "crew"
        )
        for briefing in briefings:
            attended = briefing.attendees.filter(pk=worker.pk).exists()
            items.append(
                TodayItem(
                    key="briefing",
                    section="confirm",
                    title=_("Safety briefing: %(topic)s") % {"topic": briefing.topic},
                    detail=str(briefing.crew)
                    + (" · " + str(_("you attended")) if attended else ""),
                    url=reverse("people:briefing-list") + f"?date={day.isoformat()}",
                    done=attended,
                )
            )
    return items
