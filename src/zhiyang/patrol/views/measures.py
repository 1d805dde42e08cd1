"""The measures page (with its Excel export) and the daily patrol log (PDF / Excel)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import PageView, xlsx_response
from zhiyang.core.pdf import PdfFontMissing
from zhiyang.patrol import reports
from zhiyang.patrol.models import Patrol, RepairTask
from zhiyang.patrol.services import measures
from zhiyang.patrol.views.base import PatrolPage


class Measures(PatrolPage, PageView):
    model = RepairTask
    template_name = "patrol/measures.html"
    title, tab = _("Patrol measures"), "measures"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        since, until = measures.period_from(request.GET)
        summary = measures.summary(actor=self.actor, since=since, until=until)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                reports.measures_xlsx(summary), f"patrol-measures-{since}-{until}.xlsx"
            )
        return self.render({**self.page_context(), "m": summary, "since": since, "until": until})


class PatrolLog(PatrolPage, PageView):
    """The patrol log of one day (``?date=``, default today; ``?format=xlsx``)."""

    model = Patrol

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        try:
            day = datetime.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        patrols = list(
            self.restricted()
            .filter(started_at__date=day)
            .select_related("route", "patroller", "vehicle")
            .prefetch_related("findings")
            .order_by("started_at", "pk")
        )
        if request.GET.get("format") == "xlsx":
            return xlsx_response(reports.log_xlsx(patrols, day), f"patrol-log-{day}.xlsx")
        org = getattr(self.actor.organisation, "name", "") if self.actor.organisation_id else ""
        try:
            content = reports.log_pdf(patrols, day, org)
        except PdfFontMissing as exc:
            messages.error(request, str(exc))
            return redirect("patrol:patrol-list")
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="patrol-log-{day}.pdf"'
        return response
