"""Dashboard tiles of the people app (see zhiyang/web/tiles.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.people.choices import AlertLevel
from zhiyang.people.models import Certificate, CheckIn
from zhiyang.people.services import certificate_alerts
from zhiyang.web.tiles import Tile


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
