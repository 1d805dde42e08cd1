"""Forms of the works pages (single column on a phone; chainages typed as K12+345)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core.access import restrict
from zhiyang.core.forms import MultiplePhotoField
from zhiyang.fleet.models import Equipment
from zhiyang.network.models import Route
from zhiyang.people.models import Crew
from zhiyang.safety.forms import ChainageInput
from zhiyang.works.choices import Weather, WorkOrderStatus
from zhiyang.works.models import Project, WorkOrder
from zhiyang.works.services import WORK_ORDER_FIELDS


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _decimal_attrs(field: forms.Field) -> None:
    field.widget.attrs.update({"step": "any", "inputmode": "decimal"})


class ProjectForm(forms.ModelForm[Project]):
    start_m = ChainageInput(label=gettext_lazy("Start chainage"))
    end_m = ChainageInput(label=gettext_lazy("End chainage"))
    code = forms.CharField(
        label=gettext_lazy("Project code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Leave empty for the next free number."),
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "route",
            "start_m",
            "end_m",
            "treatment",
            "contract_value_yuan",
            "planned_start",
            "planned_end",
            "contractor",
            "description",
        ]
        widgets = {
            "planned_start": _date_widget(),
            "planned_end": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = restrict(  # type: ignore[attr-defined]
            Route.objects.all(), user, "view"
        ).order_by("code")
        _decimal_attrs(self.fields["contract_value_yuan"])

    def _post_clean(self) -> None:
        pass  # the service validates the model

    def service_data(self) -> dict[str, Any]:
        return {n: self.cleaned_data[n] for n in self.Meta.fields if n in self.cleaned_data}


class WorkOrderForm(forms.ModelForm[WorkOrder]):
    start_m = ChainageInput(label=gettext_lazy("Start chainage"), required=False)
    end_m = ChainageInput(label=gettext_lazy("End chainage"), required=False)
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty to use the process name."),
    )

    class Meta:
        model = WorkOrder
        fields = list(WORK_ORDER_FIELDS)
        widgets = {
            "planned_start": _date_widget(),
            "planned_end": _date_widget(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("planned_quantity", "unit_cost_yuan"):
            _decimal_attrs(self.fields[name])

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        return {n: self.cleaned_data[n] for n in self.Meta.fields if n in self.cleaned_data}


def project_crews(user: Any, project: Project) -> Any:
    """Crews a user may name for ``project``: those of its organisation the user may see,
    and those already assigned to its work orders (a field worker sees those only)."""
    visible = restrict(Crew.objects.all(), user, "view").filter(organisation=project.organisation)
    return (
        Crew.objects.filter(Q(pk__in=visible.values("pk")) | Q(work_orders__project=project))
        .distinct()
        .order_by("name", "pk")
    )


def project_machines(user: Any, project: Project) -> Any:
    visible = restrict(Equipment.objects.all(), user, "view").filter(
        organisation=project.organisation
    )
    return (
        Equipment.objects.filter(Q(pk__in=visible.values("pk")) | Q(work_orders__project=project))
        .distinct()
        .order_by("code")
    )


class AssignForm(forms.Form):
    crew = forms.ModelChoiceField(
        label=gettext_lazy("Crew"), queryset=Crew.objects.none(), required=False
    )
    equipment = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Machines"),
        queryset=Equipment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["crew"].queryset = project_crews(user, project)  # type: ignore[attr-defined]
        self.fields["equipment"].queryset = project_machines(  # type: ignore[attr-defined]
            user, project
        )


class DailyReportForm(forms.Form):
    """The phone form of a daily report for one project: one quantity (and cost) field per
    open work order, named ``qty_<id>`` and ``cost_<id>``."""

    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(label=gettext_lazy("Date"), widget=_date_widget())
    weather = forms.ChoiceField(label=gettext_lazy("Weather"), choices=Weather.choices)
    temp_min_c = forms.IntegerField(
        label=gettext_lazy("Lowest temperature (°C)"), required=False, min_value=-50, max_value=60
    )
    temp_max_c = forms.IntegerField(
        label=gettext_lazy("Highest temperature (°C)"), required=False, min_value=-50, max_value=60
    )
    crew = forms.ModelChoiceField(
        label=gettext_lazy("Crew"), queryset=Crew.objects.none(), required=False
    )
    workers_count = forms.IntegerField(
        label=gettext_lazy("Workers on site"), min_value=0, max_value=2000, initial=0
    )
    machines = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Machines"),
        queryset=Equipment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    work_done = forms.CharField(
        label=gettext_lazy("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    materials = forms.CharField(
        label=gettext_lazy("Materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line, e.g. AC-13 asphalt mix 210 t."),
    )
    problems = forms.CharField(
        label=gettext_lazy("Problems and measures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = MultiplePhotoField(label=gettext_lazy("Photos"))

    def __init__(self, *args: Any, user: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["crew"].queryset = project_crews(user, project)  # type: ignore[attr-defined]
        self.fields["machines"].queryset = project_machines(  # type: ignore[attr-defined]
            user, project
        )
        for name in ("temp_min_c", "temp_max_c", "workers_count"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})
        self.work_orders = list(
            project.work_orders.exclude(status=WorkOrderStatus.CLOSED).order_by(
                "sequence", "planned_start", "pk"
            )
        )
        for wo in self.work_orders:
            qty = forms.DecimalField(
                label=f"{wo.title} ({wo.get_unit_display()})",
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
            )
            cost = forms.DecimalField(
                label=_("Cost (yuan)"),
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
            )
            for field in (qty, cost):
                _decimal_attrs(field)
            self.fields[f"qty_{wo.pk}"] = qty
            self.fields[f"cost_{wo.pk}"] = cost
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
            # The crew and machines of the work orders under way are the likely ones.
            running = [o for o in self.work_orders if o.status == WorkOrderStatus.IN_PROGRESS]
            crews = [o.crew for o in running if o.crew is not None]
            if crews:
                self.initial.setdefault("crew", max(crews, key=crews.count).pk)
            self.initial.setdefault(
                "machines",
                sorted({m.pk for o in running for m in o.equipment.all()}),
            )

    def quantity_rows(self) -> list[dict[str, Any]]:
        """Pairs of (quantity, cost) bound fields for the template."""
        return [
            {"work_order": wo, "qty": self[f"qty_{wo.pk}"], "cost": self[f"cost_{wo.pk}"]}
            for wo in self.work_orders
        ]

    HEAD_FIELDS = ("date", "weather", "temp_min_c", "temp_max_c", "crew", "workers_count")
    TAIL_FIELDS = ("machines", "work_done", "materials", "problems")

    def head_fields(self) -> list[Any]:
        """The day, weather and crew (before the quantities)."""
        return [self[name] for name in self.HEAD_FIELDS]

    def tail_fields(self) -> list[Any]:
        """Machines and the texts (after the quantities)."""
        return [self[name] for name in self.TAIL_FIELDS]

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > timezone.localdate() + dt.timedelta(days=1):
            raise forms.ValidationError(_("The date is in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for wo in self.work_orders:
            if data.get(f"cost_{wo.pk}") is not None and data.get(f"qty_{wo.pk}") is None:
                self.add_error(f"qty_{wo.pk}", _("Give the quantity the cost is for."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "project": self.project,
            "client_uuid": data.get("client_uuid"),
            "date": data["date"],
            "weather": data["weather"],
            "temp_min_c": data.get("temp_min_c"),
            "temp_max_c": data.get("temp_max_c"),
            "crew": data.get("crew"),
            "workers_count": data.get("workers_count") or 0,
            "machines": list(data.get("machines") or []),
            "work_done": data.get("work_done", ""),
            "materials": data.get("materials", ""),
            "problems": data.get("problems", ""),
        }

    def service_quantities(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "work_order": wo,
                "quantity": data.get(f"qty_{wo.pk}"),
                "cost_yuan": data.get(f"cost_{wo.pk}"),
            }
            for wo in self.work_orders
            if data.get(f"qty_{wo.pk}") is not None
        ]

    def service_photos(self) -> list[Any]:
        return list(self.cleaned_data.get("photo") or [])


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
