"""Maintenance planning: the treatment catalogue, calibrated decay, scenarios and plans.

- ``Treatment``: one catalogue row per treatment code (``works.choices.Treatment``), seeded
  from ``analytics/standards/treatments.toml`` (with its source and confirmed flag); edited
  by engineers, "reset to the cited default" copies the file's values back. Network-wide.
- ``Calibration``: α, β of the standard decay equation fitted from an organisation's own
  survey history, per index, pavement and road-class group, with the goodness of fit.
- ``Scenario``: a question (first year, horizon, base budget, budget levels, objective,
  method) asked for an organisation's part of the network.
- ``ScenarioRun``: the answer for one budget level (status, objective, gap, trajectories).
- ``PlanItem``: a selected treatment of one evaluation unit in one year, with the kernel's
  explanation; approved items become draft works projects (``project``).

Scenarios, runs and items belong to the scenario's organisation (``scope_q``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import scoped_through
from zhiyang.core.fields import user_fk
from zhiyang.core.models import OrganisationOwned
from zhiyang.core.validators import validate_printable
from zhiyang.network.choices import Pavement
from zhiyang.planning.choices import (
    Category,
    Method,
    Objective,
    RunStatus,
    ScenarioStatus,
)
from zhiyang.planning.choices import (
    Treatment as TreatmentCode,
)

INDEX_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(100.0)]
ROAD_CLASS_GROUPS = (("high", _("Expressway and class 1")), ("low", _("Class 2 to 4")))


class Treatment(models.Model):
    """A treatment of the catalogue: cost, where it applies, what it does (PQI points)."""

    code = models.CharField(_("code"), max_length=24, unique=True, choices=TreatmentCode.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    unit_cost_yuan_per_m2 = models.FloatField(
        _("unit cost (yuan/m²)"), validators=[MinValueValidator(0.0)]
    )
    min_index = models.FloatField(_("lowest PQI it applies at"), validators=INDEX_VALIDATORS)
    max_index = models.FloatField(_("highest PQI it applies at"), validators=INDEX_VALIDATORS)
    road_classes = models.JSONField(
        _("road classes"), default=list, blank=True, help_text=_("Empty: every road class.")
    )
    pavements = models.JSONField(
        _("pavements"), default=list, blank=True, help_text=_("Empty: every pavement.")
    )
    reset_to = models.FloatField(
        _("PQI right after"),
        null=True,
        blank=True,
        validators=INDEX_VALIDATORS,
        help_text=_("Give this or the improvement."),
    )
    improve_by = models.FloatField(
        _("PQI improvement (points)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
    )
    alpha_factor = models.FloatField(
        _("decay life factor"),
        default=1.0,
        validators=[MinValueValidator(0.1), MaxValueValidator(5.0)],
        help_text=_("The decay equation's α is multiplied by it afterwards (> 1: slower)."),
    )
    min_interval_years = models.FloatField(
        _("minimum interval (years)"),
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(50.0)],
    )
    active = models.BooleanField(_("used in plans"), default=True)
    source = models.TextField(_("source"), blank=True, validators=[validate_printable])
    confirmed = models.BooleanField(_("confirmed"), default=False)
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    updated_by = user_fk(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("treatment")
        verbose_name_plural = _("treatment catalogue")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_index__gte=F("min_index")), name="planning_treatment_index_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_code_display())

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (self.reset_to is None) == (self.improve_by is None):
            errors["reset_to"] = _("Give either the PQI right after or the improvement.")
        if (
            self.min_index is not None
            and self.max_index is not None
            and self.max_index < self.min_index
        ):
            errors["max_index"] = _("The highest PQI must not be below the lowest.")
        from zhiyang.network.choices import TechClass

        for name, allowed in (
            ("road_classes", TechClass.values),
            ("pavements", Pavement.values),
        ):
            value = getattr(self, name)
            if not isinstance(value, list) or any(v not in allowed for v in value):
                errors[name] = _("Choose from: %(values)s") % {"values": ", ".join(allowed)}
        if errors:
            raise ValidationError(errors)


class Calibration(OrganisationOwned):
    """α, β of PPI = PPI0 · {1 − exp[−(α/y)^β]} fitted from pairs of surveys of the same
    units (see ``planning.calibration``); ``active`` ones are used by the scenarios."""

    index = models.CharField(_("index"), max_length=8, default="pqi")
    pavement = models.CharField(_("pavement"), max_length=16, choices=Pavement.choices)
    road_class_group = models.CharField(
        _("road class group"), max_length=8, choices=ROAD_CLASS_GROUPS
    )
    alpha = models.FloatField(_("α (years)"))
    beta = models.FloatField(_("β"))
    r2 = models.FloatField(_("R² (annual change)"), null=True, blank=True)
    rmse = models.FloatField(_("RMSE (points)"))
    n = models.PositiveIntegerField(_("pairs of observations"))
    default_alpha = models.FloatField(_("default α"), null=True, blank=True)
    default_beta = models.FloatField(_("default β"), null=True, blank=True)
    default_rmse = models.FloatField(_("RMSE of the default"), null=True, blank=True)
    points = models.JSONField(_("observations"), default=list, blank=True)
    years = models.CharField(_("survey years"), max_length=40, blank=True)
    fitted_at = models.DateTimeField(_("fitted at"), default=timezone.now)
    fitted_by = user_fk(_("fitted by"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation__name", "index", "pavement", "road_class_group", "-fitted_at"]
        verbose_name = _("decay calibration")
        verbose_name_plural = _("decay calibrations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "index", "pavement", "road_class_group"],
                condition=Q(active=True),
                name="planning_one_active_calibration",
            ),
        ]

    def __str__(self) -> str:
        group = self.get_road_class_group_display()
        return f"{self.index.upper()} {self.get_pavement_display()} {group}"


class Scenario(OrganisationOwned):
    """A planning question for an organisation's part of the network."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    first_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    base_budget_yuan = models.FloatField(
        _("base budget per year (yuan)"),
        validators=[MinValueValidator(0.0), MaxValueValidator(1e12)],
    )
    budget_levels_pct = models.JSONField(
        _("budget levels (% of the base)"),
        default=list,
        help_text=_("For example 0, 50, 100, 150."),
    )
    objective = models.CharField(
        _("objective"), max_length=20, choices=Objective.choices, default=Objective.MAX_BENEFIT
    )
    target_good_pct = models.FloatField(
        _("target 优良率 (%)"),
        default=90.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
        help_text=_("For the objective “minimise the cost to reach a target”."),
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, default="milp")
    status = models.CharField(
        _("status"), max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    job = models.ForeignKey(
        "core.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("background job"),
    )
    inputs = models.JSONField(_("inputs of the last run"), default=dict, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.horizon_years))

    def clean(self) -> None:
        levels = self.budget_levels_pct
        if (
            not isinstance(levels, list)
            or not levels
            or len(levels) > 8
            or any(
                isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1000
                for v in levels
            )
        ):
            raise ValidationError(
                {"budget_levels_pct": _("Give 1 to 8 budget levels, each 0–1000 %.")}
            )
        if len(set(levels)) != len(levels):
            raise ValidationError({"budget_levels_pct": _("Budget levels must differ.")})


class ScenarioRun(models.Model):
    """The solution of a scenario at one budget level."""

    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="runs", verbose_name=_("scenario")
    )
    budget_pct = models.FloatField(_("budget level (%)"))
    budget_per_year_yuan = models.FloatField(_("budget per year (yuan)"))
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices)
    objective = models.FloatField(_("objective"), default=0.0)
    gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    seconds = models.FloatField(_("solve time (s)"), default=0.0)
    spend_yuan = models.FloatField(_("total spend (yuan)"), default=0.0)
    benefit = models.FloatField(_("total benefit"), default=0.0)
    trajectory = models.JSONField(_("trajectory"), default=dict, blank=True)
    # Predicted PQI per evaluation unit and year, without treatment and with this level's
    # plan: {"units": [survey unit ids], "years": [...], "now": [...], "without": [[...]],
    # "with_plan": [[...]]} (one decimal). Kept out of the API listing (it can be large).
    unit_pqi = models.JSONField(_("predicted PQI per unit"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        ordering = ["scenario", "budget_pct"]
        verbose_name = _("scenario run")
        verbose_name_plural = _("scenario runs")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "budget_pct"], name="planning_run_level")
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.budget_pct:g} %"

    scope_q = scoped_through(organisation="scenario__organisation")


class PlanItem(models.Model):
    """One selected treatment: an evaluation unit, a year, a cost, and why."""

    run = models.ForeignKey(
        ScenarioRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("run")
    )
    unit = models.ForeignKey(
        "condition.SurveyUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation unit"),
    )
    route = models.ForeignKey(
        "network.Route", on_delete=models.CASCADE, related_name="+", verbose_name=_("route")
    )
    direction = models.CharField(_("direction"), max_length=8, blank=True)
    start_m = models.FloatField(_("start chainage (m)"))
    end_m = models.FloatField(_("end chainage (m)"))
    width_m = models.FloatField(_("width (m)"))
    treatment = models.CharField(_("treatment"), max_length=24, choices=TreatmentCode.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    cost_yuan = models.FloatField(_("estimated cost (yuan)"))
    benefit = models.FloatField(_("benefit"))
    pqi_now = models.FloatField(_("PQI now"))
    pqi_before = models.FloatField(_("PQI before the treatment"))
    pqi_after = models.FloatField(_("PQI after the treatment"))
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    approved = models.BooleanField(_("approved"), default=False)
    approved_by = user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    project = models.ForeignKey(
        "works.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )

    class Meta:
        ordering = ["run", "year", "route__code", "direction", "start_m", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes = [models.Index(fields=["run", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gt=F("start_m")), name="planning_item_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return (
            f"{self.route.code} {format_chainage(self.start_m)}–{format_chainage(self.end_m)} "
            f"{self.treatment} {self.year}"
        )

    @property
    def length_m(self) -> float:
        return self.end_m - self.start_m

    @property
    def area_m2(self) -> float:
        return self.length_m * self.width_m

    scope_q = scoped_through(organisation="run__scenario__organisation")
