"""Model fields that several apps declare the same way.

A helper returns a new field each call (a field instance belongs to one model), so models
write ``reported_by = user_fk(_("reported by"))`` instead of repeating the keyword arguments.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def user_fk(verbose: Any, related_name: str = "+") -> Any:
    """An optional reference to a user that survives the user's deletion (set to NULL):
    who reported, approved, signed. The audit log keeps the full history."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose,
    )


def longitude_field(verbose: Any = None) -> models.FloatField:
    """An optional WGS 84 longitude in degrees, checked to lie in [-180, 180]."""
    return models.FloatField(
        verbose or _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)],
    )


def latitude_field(verbose: Any = None) -> models.FloatField:
    """An optional WGS 84 latitude in degrees, checked to lie in [-90, 90]."""
    return models.FloatField(
        verbose or _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)],
    )
