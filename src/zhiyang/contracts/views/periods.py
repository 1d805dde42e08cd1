"""Measurement periods: list, open a month, the period with its lines and the step the
user may take, the certificates as PDF and Excel."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.contracts import reports, services
from zhiyang.contracts.choices import PeriodStatus
from zhiyang.contracts.filters import PeriodFilter
from zhiyang.contracts.forms import OpenPeriodForm
from zhiyang.contracts.models import Contract, MeasurementPeriod
from zhiyang.contracts.services.certificates import compute_certificate
from zhiyang.contracts.services.common import CERTIFY, PROPOSE, SUPERVISE
from zhiyang.contracts.tables import LineTable, PeriodTable
from zhiyang.contracts.views.base import ContractsPage, run_step
from zhiyang.core import actors
from zhiyang.core.access import access_object
from zhiyang.core.pages import ObjectDetailView, ObjectListView, PageView, xlsx_response
from zhiyang.core.pdf import pdf_response

# status -> (the right to act, the quantity field edited, the step's service and label)
STEPS: dict[str, tuple[str, str, Any, Any]] = {
    PeriodStatus.DRAFT: (
        PROPOSE,
        "proposed_quantity",
        services.propose,
        gettext_lazy("Propose to the supervisor"),
    ),
    PeriodStatus.PROPOSED: (
        SUPERVISE,
        "supervisor_quantity",
        services.supervisor_approve,
        gettext_lazy("Approve as supervisor"),
    ),
    PeriodStatus.SUPERVISOR_APPROVED: (
        CERTIFY,
        "owner_quantity",
        services.certify,
        gettext_lazy("Certify as owner"),
    ),
}


class PeriodList(ContractsPage, ObjectListView):
    model = MeasurementPeriod
    select_related = ("contract",)
    table_class = PeriodTable
    filterset_class = PeriodFilter
    title = gettext_lazy("Measurement periods")
    tab = "periods"


class PeriodOpen(ContractsPage, PageView):
    """POST from the contract page: open the month (quantities gathered from the work)."""

    model = MeasurementPeriod
    action = "add"
    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("add")
        contract = access_object(Contract.objects.all(), self.actor, pk=kwargs["pk"])
        form = OpenPeriodForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the month to measure."))
            return redirect("contracts:contract-detail", pk=contract.pk)
        try:
            period = services.open_period(
                actor=self.actor, contract=contract, month=form.cleaned_data["month"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("contracts:contract-detail", pk=contract.pk)
        return redirect("contracts:period-detail", pk=period.pk)


class PeriodDetail(ContractsPage, ObjectDetailView):
    model = MeasurementPeriod
    select_related = ("contract", "proposed_by", "supervisor_by", "owner_by")
    template_name = "contracts/period_detail.html"
    tab = "periods"
    http_method_names: ClassVar[list[str]] = ["get", "head", "post"]  # type: ignore[misc]

    def step(self, period: MeasurementPeriod) -> tuple[str, str, Any, Any] | None:
        step = STEPS.get(period.status)
        if step is None or not actors.may(self.actor, step[0], "change"):
            return None
        return step

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        cert = compute_certificate(obj)
        step = self.step(obj)
        lines = list(obj.lines.select_related("item").order_by("item__order", "item_id"))
        return {
            "period": obj,
            "lines": LineTable(obj.lines.select_related("item"), request=self.request),
            "edit_lines": [
                (
                    line,
                    getattr(line, step[1])
                    if getattr(line, step[1]) is not None
                    else line.approved_quantity,
                )
                for line in lines
            ]
            if step
            else [],
            "step_label": step[3] if step else "",
            "needs_reason": bool(step) and obj.status != PeriodStatus.DRAFT,
            "cert": cert,
            "payment": reports.payment_rows(cert),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_object("view")
        step = self.step(period)
        if step is None:
            raise PermissionDenied
        url = period.get_absolute_url()
        if request.POST.get("action") == "return":
            return run_step(
                request,
                lambda: services.return_period(
                    actor=self.actor, period=period, reason=request.POST.get("reason", "")
                ),
                _("The period was returned to the engineer."),
                url,
            )
        try:
            for line in period.lines.all():
                raw = request.POST.get(f"q_{line.pk}")
                if raw is None:
                    continue
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    raise ValidationError(_("Give a number.")) from None
                current = getattr(line, step[1])
                effective = current if current is not None else line.approved_quantity
                reason = request.POST.get(f"r_{line.pk}", "")
                if value == effective and not reason:
                    continue
                services.set_line(actor=self.actor, line=line, quantity=value, reason=reason)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(url)
        if request.POST.get("action") == "step":
            return run_step(
                request,
                lambda: step[2](actor=self.actor, period=period),
                _("Done: %(step)s.") % {"step": step[3]},
                url,
            )
        messages.success(request, _("Saved."))
        return redirect(url)


class PeriodCertificate(ContractsPage, PageView):
    """The certificate as PDF (``fmt="pdf"``) or Excel (``fmt="xlsx"``)."""

    model = MeasurementPeriod

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_object("view")
        name = f"certificate-{period.contract.code}-{period.number}"
        if kwargs["fmt"] == "pdf":
            return pdf_response(reports.certificate_pdf(period), f"{name}.pdf")
        return xlsx_response(reports.certificate_xlsx(period), f"{name}.xlsx")
