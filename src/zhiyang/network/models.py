"""Districts, routes and sections: the road network everything else refers to.

Chainage (桩号) is stored in metres (``start_m``, ``end_m``) and shown as ``K12+345.6``.
Geometry is GeoJSON in WGS 84 (longitude, latitude); distances are computed in a projected
CRS (network/linref.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import scoped_through
from zhiyang.core.validators import validate_printable
from zhiyang.network.choices import AdminLevel, Direction, Pavement, TechClass

# Chainages within half a metre of a route's ends count as on the route (rounding in files);
# the value in force is settings.CHAINAGE_TOLERANCE_M (network/validators.py).
CHAINAGE_TOLERANCE_M = 0.5


BBOX_FIELDS = ("min_lon", "min_lat", "max_lon", "max_lat")


def geometry_bbox(geometry: Any) -> tuple[float | None, ...]:
    """(min_lon, min_lat, max_lon, max_lat) of a GeoJSON LineString, or four Nones."""
    try:
        coords = geometry["coordinates"]
        lons = [float(c[0]) for c in coords]
        lats = [float(c[1]) for c in coords]
        return min(lons), min(lats), max(lons), max(lats)
    except (TypeError, KeyError, IndexError, ValueError):
        return (None, None, None, None)


class BilingualName:
    """``display_name``: the English name while English is active (when there is one)."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class District(BilingualName, models.Model):
    """A district or county (区/县) by its administrative division code (GB/T 2260)."""

    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[validate_printable]
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_printable])
    name_en = models.CharField(
        _("English name"), max_length=100, blank=True, validators=[validate_printable]
    )
    # The organisations whose scope holds the district (``organisation.districts``). Declared
    # here, not on core.Organisation, so core depends on no network model; the table is the
    # one core created (core_organisation_districts).
    organisations = models.ManyToManyField(
        "core.Organisation",
        blank=True,
        related_name="districts",
        db_table="core_organisation_districts",
        verbose_name=_("organisations"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name

    scope_q = scoped_through(district="")  # in scope, or holds a section of a route in scope


class Route(BilingualName, models.Model):
    """A numbered highway (G208, S203) between two chainages, with its centre-line geometry.

    ``geometry`` is a GeoJSON LineString from ``start_m`` to ``end_m``; chainage along it is
    calibrated linearly between the two ends (network/linref.py).
    """

    code = models.CharField(
        _("route code"), max_length=20, unique=True, validators=[validate_printable]
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, validators=[validate_printable]
    )
    admin_level = models.CharField(
        _("administrative level"), max_length=16, choices=AdminLevel.choices
    )
    tech_class = models.CharField(_("technical class"), max_length=16, choices=TechClass.choices)
    pavement = models.CharField(_("pavement"), max_length=16, choices=Pavement.choices)
    start_m = models.FloatField(_("start chainage (m)"), default=0.0)
    end_m = models.FloatField(_("end chainage (m)"))
    geometry = models.JSONField(_("geometry"), null=True, blank=True)
    # The organisations whose scope holds the route (``organisation.routes``), as District's.
    organisations = models.ManyToManyField(
        "core.Organisation",
        blank=True,
        related_name="routes",
        db_table="core_organisation_routes",
        verbose_name=_("organisations"),
    )
    # The geometry's bounding box (WGS 84 degrees), kept by save(): lets "which route is
    # near this point" ask the database for candidates instead of measuring every route.
    min_lon = models.FloatField(null=True, editable=False)
    min_lat = models.FloatField(null=True, editable=False)
    max_lon = models.FloatField(null=True, editable=False)
    max_lat = models.FloatField(null=True, editable=False)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gt=F("start_m")), name="route_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = geometry_bbox(self.geometry)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "geometry" in update_fields:
            kwargs["update_fields"] = {*update_fields, *BBOX_FIELDS}
        super().save(*args, **kwargs)

    @property
    def length_m(self) -> float:
        return self.end_m - self.start_m

    scope_q = scoped_through(route="")  # in scope, or passes through a district in scope

    @staticmethod
    def near(
        routes: models.QuerySet[Route], lon: float, lat: float, radius_m: float
    ) -> models.QuerySet[Route]:
        """The routes whose bounding box comes within ``radius_m`` of the point."""
        from zhiyang.network.linref import bbox_around

        min_lon, min_lat, max_lon, max_lat = bbox_around(lon, lat, radius_m)
        return routes.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )

    def covers(self, start_m: float, end_m: float | None = None) -> bool:
        """True if the chainage (or range) is finite and lies on the route, within the
        tolerance (``network.validators.on_route``)."""
        from zhiyang.network.validators import on_route

        return on_route(self, start_m, end_m)

    def clean(self) -> None:
        if self.end_m is not None and self.start_m is not None and self.end_m <= self.start_m:
            raise ValidationError({"end_m": _("The end chainage must be after the start.")})


class Section(models.Model):
    """A stretch of a route with uniform attributes, inside one district."""

    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="sections", verbose_name=_("route")
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BOTH
    )
    start_m = models.FloatField(_("start chainage (m)"))
    end_m = models.FloatField(_("end chainage (m)"))
    lanes = models.PositiveSmallIntegerField(_("lanes"), default=2)
    width_m = models.FloatField(_("carriageway width (m)"))
    pavement = models.CharField(_("pavement"), max_length=16, choices=Pavement.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="sections", verbose_name=_("district")
    )
    geometry = models.JSONField(_("geometry"), null=True, blank=True)

    class Meta:
        ordering = ["route__code", "direction", "start_m"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gt=F("start_m")), name="section_end_after_start"
            ),
            models.CheckConstraint(condition=Q(width_m__gt=0), name="section_width_positive"),
        ]
        indexes = [models.Index(fields=["route", "direction", "start_m"])]

    def __str__(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return f"{self.route.code} {format_chainage(self.start_m)}–{format_chainage(self.end_m)}"

    @property
    def length_m(self) -> float:
        return self.end_m - self.start_m

    scope_q = scoped_through(route="route", district="district")

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_m is not None and self.end_m is not None and self.end_m <= self.start_m:
            errors["end_m"] = _("The end chainage must be after the start.")
        has_range = self.start_m is not None and self.end_m is not None
        if (
            self.route_id is not None
            and has_range
            and not self.route.covers(self.start_m, self.end_m)
        ):
            errors["start_m"] = _("The section must lie within the route's chainage range.")
        if self.width_m is not None and self.width_m <= 0:
            errors["width_m"] = _("The width must be positive.")
        if errors:
            raise ValidationError(errors)
