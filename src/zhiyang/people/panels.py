"""The people app's panels on other apps' pages (registered in ``PeopleConfig.ready``)."""

from __future__ import annotations

from typing import Any

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.people.models import Certificate
from zhiyang.people.services import certificate_alerts


def certificate_panel(user: Any) -> dict[str, Any] | None:
    """The safety dashboard's "certificates" slot: expired and soon-expiring certificates the
    user may see (the ten most urgent), or ``None`` if they may not view certificates."""
    if not actors.may(user, "people.certificate", "view"):
        return None
    alerts = certificate_alerts(restrict(Certificate.objects.all(), user, "view"))[:10]
    rows = [
        {
            "worker": str(a.certificate.worker),
            "kind": a.certificate.get_cert_type_display(),
            "valid_until": a.certificate.valid_until,
            "label": a.label,
            "expired": a.days_left < 0,
        }
        for a in alerts
    ]
    return {"rows": rows}
