"""The owner's assessment: list, detail, and the phone page that records one (counts and
photos per template item; works at 375 px)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.contracts import services
from zhiyang.contracts.filters import AssessmentFilter
from zhiyang.contracts.forms import AssessmentForm
from zhiyang.contracts.models import Assessment, AssessmentTemplate
from zhiyang.contracts.tables import AssessmentTable
from zhiyang.contracts.views.base import ContractsPage
from zhiyang.core.forms import add_service_errors
from zhiyang.core.pages import Link, ObjectDetailView, ObjectListView, PageView


class AssessmentList(ContractsPage, ObjectListView):
    model = Assessment
    select_related = ("contract", "route")
    table_class = AssessmentTable
    filterset_class = AssessmentFilter
    title = gettext_lazy("Assessments")
    intro = gettext_lazy(
        "The owner's monthly assessment (养护考核); final deductions go to the "
        "payment certificate of the month."
    )
    tab = "assessments"
    actions = (
        Link.new(gettext_lazy("Assess"), "contracts:assessment-create", "contracts.assessment"),
    )


class AssessmentDetail(ContractsPage, ObjectDetailView):
    model = Assessment
    select_related = ("contract", "route", "template", "assessed_by")
    template_name = "contracts/assessment_detail.html"
    tab = "assessments"

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        return {"assessment": obj, "entries": obj.entries.select_related("item")}


class AssessmentRecord(ContractsPage, PageView):
    model = Assessment
    action = "add"
    template_name = "contracts/assessment_form.html"
    title = gettext_lazy("Assess")
    tab = "assessments"
    http_method_names: ClassVar[list[str]] = ["get", "head", "post"]  # type: ignore[misc]

    def _template(self) -> AssessmentTemplate | None:
        chosen = self.request.GET.get("template") or self.request.POST.get("template")
        found = AssessmentTemplate.objects.filter(is_active=True)
        return (found.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None) or (
            found.first()
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("add")
        form = AssessmentForm(user=self.actor, template=self._template())
        return self.render({**self.page_context(), "form": form})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("add")
        form = AssessmentForm(
            request.POST, request.FILES, user=self.actor, template=self._template()
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.record_assessment(
                    actor=self.actor,
                    contract=data["contract"],
                    template=data["template"],
                    month=data["month"],
                    route=data.get("route"),
                    note=data.get("note", ""),
                    entries=form.entries(),
                    final=data.get("final", False),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Assessed: score %(score)s, deduction %(yuan)s yuan.")
                    % {"score": assessment.score, "yuan": f"{assessment.deduction_yuan:,.2f}"},
                )
                return redirect(assessment.get_absolute_url())
        return self.render({**self.page_context(), "form": form}, status=400)
