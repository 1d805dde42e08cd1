"""The tables of the people lists (core.pages.tables)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.core.pages import Column, DateColumn, NumberColumn, Table


class BriefingTable(Table):
    date = DateColumn(_("Date"), sort=True)
    crew = Column(_("Crew"), sort="crew__name")
    work_zone = Column(_("Work zone"))
    topic = Column(_("Topic"), template="people/cells/briefing_topic.html", sort=True)
    given_by = Column(_("Given by"), sort="given_by__name")
    attendance = NumberColumn(pgettext_lazy("briefing", "Attendance"), sort=True)
    photo = Column(_("Photo"), template="people/cells/briefing_photo.html", export=False)

    class Meta:
        order_by = ("-date", "-id")
        empty_text = _("No briefings match.")
