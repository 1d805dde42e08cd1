"""The tables of the notify lists: the inbox, the channels, the delivery log."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import BadgeColumn, Column, DateColumn, Table
from zhiyang.notify.kinds import get_kind
from zhiyang.notify.models import InboxItem

SEVERITY_BADGES = {"info": "badge-info", "warning": "badge-warn", "critical": "badge-danger"}


def _kind_label(code: str) -> str:
    try:
        return str(get_kind(code).label)
    except LookupError:
        return code


def _open(item: InboxItem) -> str:
    return reverse("notify:inbox-open", args=[item.pk])


class InboxTable(Table):
    title = Column(
        _("Notification"),
        accessor=lambda i: i.event.title_in(),
        link=_open,
        template="notify/cells/inbox_title.html",
        css="wrap notify-title",
    )
    severity = BadgeColumn(
        _("Severity"),
        accessor="event.severity",
        css_for=lambda i: SEVERITY_BADGES.get(i.event.severity, ""),
        sort="event__severity",
    )
    kind = Column(_("Kind"), accessor=lambda i: _kind_label(i.event.kind), sort="event__kind")
    created_at = DateColumn(_("Received"), sort=True)

    class Meta:
        order_by = ("-created_at", "-id")
        empty_text = _("No notifications.")
        row_css = lambda item: "notify-unread" if item.read_at is None else ""  # noqa: E731
        id = "inbox-table"


class ChannelTable(Table):
    name = Column(_("Name"), link="notify:channel-detail", sort=True)
    kind = Column(_("Type"), sort=True)
    organisation = Column(
        _("Organisation"), accessor="organisation.name", sort="organisation__name"
    )
    enabled = BadgeColumn(
        _("Enabled"),
        accessor=lambda c: _("on") if c.enabled else _("off"),
        css_for=lambda c: "badge-ok" if c.enabled else "",
    )
    min_severity = Column(_("Lowest severity"))
    rate_per_minute = Column(_("Per minute"))

    class Meta:
        order_by = ("organisation__name", "name")
        empty_text = _("No channels yet: add a group robot, e-mail or SMS.")
        id = "channel-table"


class DeliveryTable(Table):
    created_at = DateColumn(_("Queued"), sort=True)
    event = Column(_("Notification"), accessor=lambda d: d.event.title_in(), css="wrap")
    kind = Column(_("Channel type"), sort=True)
    target = Column(
        _("To"), accessor=lambda d: d.channel.name if d.channel else (d.address or d.target)
    )
    status = BadgeColumn(
        _("Status"),
        css_for=lambda d: {"sent": "badge-ok", "failed": "badge-danger"}.get(d.status, ""),
        sort=True,
    )
    attempts = Column(_("Tries"))
    last_error = Column(_("Last error"), css="wrap")
    sent_at = DateColumn(_("Sent"), sort=True)

    class Meta:
        order_by = ("-created_at", "-id")
        empty_text = _("Nothing sent yet.")
        id = "delivery-table"
