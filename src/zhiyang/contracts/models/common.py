"""Field helpers and the scope rule shared by the contracts models."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from zhiyang.core.access import Scope

ZERO = Decimal("0")
CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def money(value: Decimal) -> Decimal:
    """Yuan rounded to the fen, half up (how certificates round)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def qty(value: Decimal) -> Decimal:
    """A quantity rounded to three decimals, half up."""
    return Decimal(value).quantize(MILLI, rounding=ROUND_HALF_UP)


def money_field(verbose: Any, *, signed: bool = False, **kwargs: Any) -> models.DecimalField:
    validators = [] if signed else [MinValueValidator(ZERO)]
    return models.DecimalField(
        verbose, max_digits=16, decimal_places=2, validators=validators, **kwargs
    )


def quantity_field(verbose: Any, *, signed: bool = False, **kwargs: Any) -> models.DecimalField:
    validators = [] if signed else [MinValueValidator(ZERO)]
    return models.DecimalField(
        verbose, max_digits=16, decimal_places=3, validators=validators, **kwargs
    )


def percent_field(verbose: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        **kwargs,
    )


def contract_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Rows of contracts the user's organisation is a party to (contractor, owner or
    supervisor), or whose routes are in scope. ``prefix`` is the path to the contract."""
    p = prefix
    ids = scope.organisation_ids
    return (
        Q(**{f"{p}organisation_id__in": ids})
        | Q(**{f"{p}owner_organisation_id__in": ids})
        | Q(**{f"{p}supervisor_organisation_id__in": ids})
        | Q(**{f"{p}routes__in": scope.route_ids})
    )
