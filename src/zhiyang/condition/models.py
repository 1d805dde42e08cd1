"""Condition surveys: raw interval measurements, evaluation units and distress records.

Model and field names are a contract with the condition pages (views, maps, exports): keep
them stable; a change is announced here first.

- ``Survey``: one survey of one route, direction and lane (lane 1 = the main lane, the one
  the standard asks to assess; 2, 3 ... count outward). Draft until an engineer approves it;
  maps and statistics show approved surveys by default.
- ``SurveyInterval``: what the vehicle or the profile gave per interval (10 m, 100 m).
- ``SurveyUnit``: the evaluation unit (usually 1000 m; 100 m for detailed maps) with its
  measurements (length-weighted means of the intervals), distress ratio and the indices and
  grades the rating engine computed. Recomputed as a whole by ``services.rate_survey``.
- ``Distress``: a distress record (type, severity, quantity) from the Excel template, a phone
  report (photo + GPS → chainage) or the API.

Chainage is in metres along the route (shown K12+345); indices are 0–100.

Changes since the first version (all additive): SurveyInterval.mpdc, pb_light, pb_medium,
pb_heavy (12:20 UTC).

For the pages (condition-backend's notes): the import page uses ``forms.ConditionImportForm``
(``form.options()``) and ``tasks.submit_import(...)`` → ``Submitted(job=..., summary=...)``;
an inline import raises ``imports.ImportValidationError`` (``.errors``: RowError with row,
column, message, sheet; ``.message()``); a queued one gives a ``core.Job``: include
``core/job_progress.html`` with ``job``. Distress template: ``imports.excel_template()``.
Summary per route/district/network: ``services.condition_summary(actor=...)``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.condition.choices import (
    DistressSource,
    Edition,
    Grade,
    QuantityUnit,
    SurveyDirection,
    SurveyMethod,
    SurveyStatus,
)
from zhiyang.core import quantities
from zhiyang.core.access import scoped_through
from zhiyang.core.fields import latitude_field, longitude_field
from zhiyang.core.validators import validate_photo, validate_printable
from zhiyang.network.choices import Pavement, TechClass
from zhiyang.network.validators import OnRouteMixin


def _index_field(verbose: Any) -> models.FloatField:
    return models.FloatField(verbose, null=True, blank=True)


class Survey(models.Model):
    """One condition survey of a route (one direction, one lane, one date)."""

    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="surveys", verbose_name=_("route")
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=SurveyDirection.choices, default=SurveyDirection.UP
    )
    lane = models.PositiveSmallIntegerField(
        _("lane"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("1 is the main lane (the one assessed); 2, 3 … count outward."),
    )
    survey_date = models.DateField(_("survey date"))
    vendor = models.CharField(
        _("survey vendor"), max_length=200, blank=True, validators=[validate_printable]
    )
    method = models.CharField(
        pgettext_lazy("survey", "method"),
        max_length=16,
        choices=SurveyMethod.choices,
        default=SurveyMethod.DETECTION_VEHICLE,
    )
    edition = models.CharField(
        _("standard edition"), max_length=8, choices=Edition.choices, default=Edition.JTG_5210_2018
    )
    unit_length_m = models.FloatField(
        _("evaluation unit length (m)"),
        default=1000.0,
        validators=[MinValueValidator(10.0), MaxValueValidator(10_000.0)],
        help_text=_("1000 m for reports; 100 m for detailed maps."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("units computed at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-survey_date", "route__code", "direction", "lane", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["route", "survey_date"])]

    def __str__(self) -> str:
        return f"{self.route.code} {self.survey_date:%Y-%m-%d} {self.get_direction_display()}"

    @property
    def year(self) -> int:
        return self.survey_date.year

    @property
    def is_approved(self) -> bool:
        return self.status == SurveyStatus.APPROVED

    scope_q = scoped_through(route="route")  # like Route: its route or a district it crosses


class SurveyInterval(models.Model):
    """Raw measurements of one interval (typically 10 m or 100 m); blank where not measured."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="intervals", verbose_name=_("survey")
    )
    start_m = models.FloatField(_("start chainage (m)"))
    end_m = models.FloatField(_("end chainage (m)"))
    iri_left = _index_field(_("IRI left wheel path (m/km)"))
    iri_right = _index_field(_("IRI right wheel path (m/km)"))
    iri = _index_field(_("IRI (m/km)"))
    rd_mm = _index_field(_("rut depth (mm)"))
    sfc = _index_field(_("SFC"))
    mpd = _index_field(_("MPD (mm)"))
    mpdc = _index_field(_("reference MPD, MPDC (mm)"))
    # Bumps (跳车) counted in the interval, by severity; summed (not averaged) into units.
    pb_light = _index_field(_("bumps, light (count)"))
    pb_medium = _index_field(_("bumps, medium (count)"))
    pb_heavy = _index_field(_("bumps, heavy (count)"))

    class Meta:
        ordering = ["survey", "start_m"]
        verbose_name = _("survey interval")
        verbose_name_plural = _("survey intervals")
        indexes = [models.Index(fields=["survey", "start_m"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gt=F("start_m")), name="interval_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return f"{format_chainage(self.start_m)}–{format_chainage(self.end_m)}"

    @property
    def length_m(self) -> float:
        return self.end_m - self.start_m

    scope_q = scoped_through(route="survey__route")


class SurveyUnit(models.Model):
    """An evaluation unit with its measurements, indices (0–100) and grades."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="units", verbose_name=_("survey")
    )
    route = models.ForeignKey(
        "network.Route", on_delete=models.CASCADE, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("The district of the section containing the unit's midpoint."),
    )
    start_m = models.FloatField(_("start chainage (m)"))
    end_m = models.FloatField(_("end chainage (m)"))
    length_m = models.FloatField(_("length (m)"))
    width_m = models.FloatField(_("width (m)"))
    road_class = models.CharField(_("road class"), max_length=16, choices=TechClass.choices)
    pavement = models.CharField(_("pavement"), max_length=16, choices=Pavement.choices)
    # Measurements (length-weighted means of the intervals; distress from records).
    iri = _index_field(_("IRI (m/km)"))
    rd_mm = _index_field(_("rut depth (mm)"))
    sfc = _index_field(_("SFC"))
    mpd = _index_field(_("MPD (mm)"))
    mpdc = _index_field(_("reference MPD, MPDC (mm)"))
    pb_light = _index_field(_("bumps, light (count)"))
    pb_medium = _index_field(_("bumps, medium (count)"))
    pb_heavy = _index_field(_("bumps, heavy (count)"))
    dr = _index_field(_("DR (%)"))
    sci = _index_field(_("SCI"))
    bci = _index_field(_("BCI"))
    tci = _index_field(_("TCI"))
    # Computed by the rating engine.
    pci = _index_field(_("PCI"))
    rqi = _index_field(_("RQI"))
    rdi = _index_field(_("RDI"))
    sri = _index_field(_("SRI"))
    pbi = _index_field(_("PBI"))
    pwi = _index_field(_("PWI"))
    pssi = _index_field(_("PSSI"))
    pqi = _index_field(_("PQI"))
    mqi = _index_field(_("MQI"))
    grade_pqi = models.CharField(_("PQI grade"), max_length=2, choices=Grade.choices, blank=True)
    grade_mqi = models.CharField(_("MQI grade"), max_length=2, choices=Grade.choices, blank=True)

    class Meta:
        ordering = ["survey", "start_m"]
        verbose_name = _("evaluation unit")
        verbose_name_plural = _("evaluation units")
        indexes = [
            models.Index(fields=["survey", "start_m"]),
            models.Index(fields=["route", "start_m"]),
            models.Index(fields=["district"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gt=F("start_m")), name="unit_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return f"{self.route.code} {format_chainage(self.start_m)}–{format_chainage(self.end_m)}"

    scope_q = scoped_through(route="route", district="district")


class Distress(OnRouteMixin, models.Model):
    """A distress record: type and severity (keys of the rating engine), quantity, place.

    ``end_m`` is blank for a point record (a pothole reported from a phone). ``client_uuid``
    is chosen by the client (the offline phone form): sending the same record twice returns
    the first one instead of a duplicate.
    """

    chainage_fields = ("start_m", "end_m")

    route = models.ForeignKey(
        "network.Route", on_delete=models.CASCADE, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="distress_records",
        verbose_name=_("survey"),
    )
    start_m = models.FloatField(_("start chainage (m)"))
    end_m = models.FloatField(_("end chainage (m)"), null=True, blank=True)
    distress = models.CharField(_("distress"), max_length=40, validators=[validate_printable])
    severity = models.CharField(
        _("severity"), max_length=16, blank=True, validators=[validate_printable]
    )
    quantity = models.FloatField(_("quantity"), validators=[MinValueValidator(0.0)])
    unit = models.CharField(_("unit"), max_length=4, choices=QuantityUnit.choices)
    lon = longitude_field()
    lat = latitude_field()
    photo = models.ImageField(
        _("photo"),
        upload_to="condition/distress/%Y/%m/",
        blank=True,
        validators=[validate_photo],
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    source = models.CharField(
        _("source"), max_length=8, choices=DistressSource.choices, default=DistressSource.API
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    client_uuid = models.UUIDField(_("client id"), unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("distress record")
        verbose_name_plural = _("distress records")
        indexes = [models.Index(fields=["route", "start_m"]), models.Index(fields=["survey"])]

    def __str__(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return f"{self.route.code} {format_chainage(self.start_m)} {self.distress}"

    scope_q = scoped_through(route="route", district="district")

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.end_m is not None and self.start_m is not None and self.end_m < self.start_m:
            errors["end_m"] = _("The end chainage must not be before the start.")
        for name, message in self.route_chainage_errors().items():
            errors.setdefault(name, message)
        problem = quantities.quantity_error(self.quantity, self.unit)
        if problem:
            errors["quantity"] = problem
        if errors:
            raise ValidationError(errors)
