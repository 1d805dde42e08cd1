"""Variations: list, and the variation with the step the user may take."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.contracts import services
from zhiyang.contracts.choices import VariationStatus
from zhiyang.contracts.filters import VariationFilter
from zhiyang.contracts.models import Variation
from zhiyang.contracts.services.common import CERTIFY, PROPOSE, SUPERVISE
from zhiyang.contracts.tables import VariationTable
from zhiyang.contracts.views.base import ContractsPage, run_step
from zhiyang.core import actors
from zhiyang.core.pages import ObjectDetailView, ObjectListView

STEPS: dict[str, tuple[str, Any, Any]] = {
    VariationStatus.DRAFT: (PROPOSE, services.submit_variation, gettext_lazy("Submit")),
    VariationStatus.SUBMITTED: (
        SUPERVISE,
        services.supervisor_approve_variation,
        gettext_lazy("Approve as supervisor"),
    ),
    VariationStatus.SUPERVISOR_APPROVED: (
        CERTIFY,
        services.approve_variation,
        gettext_lazy("Approve as owner"),
    ),
}


class VariationList(ContractsPage, ObjectListView):
    model = Variation
    select_related = ("contract",)
    table_class = VariationTable
    filterset_class = VariationFilter
    title = gettext_lazy("Variations")
    intro = gettext_lazy("Change orders (变更): approved by the supervisor then the owner.")
    tab = "variations"


class VariationDetail(ContractsPage, ObjectDetailView):
    model = Variation
    select_related = ("contract",)
    template_name = "contracts/variation_detail.html"
    tab = "variations"
    http_method_names: ClassVar[list[str]] = ["get", "head", "post"]  # type: ignore[misc]

    def step(self, variation: Variation) -> tuple[str, Any, Any] | None:
        step = STEPS.get(variation.status)
        if step is None or not actors.may(self.actor, step[0], "change"):
            return None
        return step

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        step = self.step(obj)
        return {
            "variation": obj,
            "lines": obj.lines.select_related("item"),
            "step_label": step[2] if step else "",
            "may_reject": bool(step) and obj.status != VariationStatus.DRAFT,
            "history": [
                (line.item, line.item.revisions.order_by("version"))
                for line in obj.lines.select_related("item")
                if line.item is not None
            ],
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        variation = self.get_object("view")
        step = self.step(variation)
        if step is None:
            raise PermissionDenied
        url = variation.get_absolute_url()
        if request.POST.get("action") == "reject":
            return run_step(
                request,
                lambda: services.reject_variation(
                    actor=self.actor, variation=variation, reason=request.POST.get("reason", "")
                ),
                _("The variation was rejected."),
                url,
            )
        return run_step(
            request,
            lambda: step[1](actor=self.actor, variation=variation),
            _("Done: %(step)s.") % {"step": step[2]},
            url,
        )
