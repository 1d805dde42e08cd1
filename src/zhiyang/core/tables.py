"""The tables of the core pages (core.pages.tables)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyang.core.models import AuditLog
from zhiyang.core.pages import BadgeColumn, Column, Table


def _who(entry: AuditLog) -> str:
    return entry.username or gettext("system")


class AuditLogTable(Table):
    time = Column(_("Time"), template="core/cells/audit_time.html", css="nowrap")
    username = Column(_("User"), accessor=_who, css="nowrap")
    action = BadgeColumn(_("Action"))
    resource = Column(
        _("Resource"), accessor="resource_label", template="core/cells/audit_resource.html"
    )
    object_repr = Column(_("Object"), template="core/cells/audit_object.html", css="wrap")
    changed = Column(
        _("Changed fields"), accessor=lambda e: ", ".join(e.changed_fields()), css="wrap"
    )
    change = Column(_("Before / after"), template="core/cells/audit_change.html", export=False)

    class Meta:
        order_by = ("-time", "-id")
        per_page = 100
        empty_text = _("No entries match.")
