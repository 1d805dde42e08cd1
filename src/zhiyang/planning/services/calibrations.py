"""Decay calibration: the units in an organisation's scope, their latest ratings, fitted
decay models per family and the one active model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.analytics.deterioration import (
    CLASS_GROUPS,
    DeteriorationModel,
    StandardDecay,
    default_decay,
)
from zhiyang.condition.choices import SurveyStatus
from zhiyang.condition.models import SurveyUnit
from zhiyang.core import actors
from zhiyang.core import services as core_services
from zhiyang.core.access import organisation_scope, scope_condition
from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.models import Organisation
from zhiyang.planning import calibration as calib
from zhiyang.planning.models import Calibration


def units_in_scope(organisation: Organisation) -> Any:
    """Main-lane units of approved surveys in the organisation's scope (every year)."""
    units = SurveyUnit.objects.filter(survey__status=SurveyStatus.APPROVED, survey__lane=1)
    scope = organisation_scope(organisation)
    if not scope.everything:
        units = units.filter(scope_condition(scope, route="route", district="district")).distinct()
    return units


def latest_units(organisation: Organisation) -> list[SurveyUnit]:
    """Units of the latest approved survey of each route and direction, with a PQI."""
    units = units_in_scope(organisation).filter(pqi__isnull=False)
    latest = (
        units.order_by()
        .values("survey__route_id", "survey__direction")
        .annotate(last=Max("survey__survey_date"))
    )
    condition = Q(pk__in=[])
    for row in latest:
        condition |= Q(
            survey__route_id=row["survey__route_id"],
            survey__direction=row["survey__direction"],
            survey__survey_date=row["last"],
        )
    return list(
        units.filter(condition)
        .select_related("route", "survey")
        .order_by("route__code", "survey__direction", "start_m", "pk")
    )


def fit_calibrations(*, actor: Actor, organisation: Organisation, index: str = "pqi") -> list[Any]:
    """Fit α, β per pavement and road-class group from the organisation's survey history
    (``planning.calibration``); the new rows replace the active ones. Groups with fewer than
    ``calibration.MIN_PAIRS`` pairs keep the default."""
    actors.require(actor, "planning.calibration", "add", _("You may not calibrate."))
    rows = units_in_scope(organisation).values(
        "route_id",
        "survey__direction",
        "start_m",
        "end_m",
        "survey__survey_date",
        "pavement",
        "road_class",
        index,
    )
    observations = [
        {
            "key": (r["route_id"], r["survey__direction"], round(r["start_m"]), round(r["end_m"])),
            "date": r["survey__survey_date"],
            "value": r[index],
            "pavement": r["pavement"],
            "road_class": r["road_class"],
        }
        for r in rows
    ]
    years = sorted({o["date"].year for o in observations})
    groups = calib.pairs_by_group(observations)
    fits = [
        calib.fit_group(pavement, group, pairs, index)
        for (pavement, group), pairs in sorted(groups.items())
        if len(pairs) >= calib.MIN_PAIRS
    ]
    if not fits:
        raise ValidationError(
            _(
                "Not enough history to calibrate: each group needs %(n)d units surveyed in two "
                "approved surveys."
            )
            % {"n": calib.MIN_PAIRS}
        )
    created = []
    now = timezone.now()
    with transaction.atomic():
        for fit in fits:
            old = Calibration.objects.filter(
                organisation=organisation,
                index=index,
                pavement=fit.pavement,
                road_class_group=fit.group,
                active=True,
            )
            for row in old:
                core_services.update_object(
                    actor=actor, obj=row, data={"active": False}, check_scope=False
                )
            created.append(
                core_services.create_object(
                    actor=actor,
                    model=Calibration,
                    check_scope=False,
                    data={
                        "organisation": organisation,
                        "index": index,
                        "pavement": fit.pavement,
                        "road_class_group": fit.group,
                        "alpha": round(fit.alpha, 4),
                        "beta": round(fit.beta, 4),
                        "r2": None if fit.r2 is None else round(fit.r2, 4),
                        "rmse": round(fit.rmse, 4),
                        "n": fit.n,
                        "default_alpha": fit.default_alpha,
                        "default_beta": fit.default_beta,
                        "default_rmse": round(fit.default_rmse, 4),
                        "points": fit.points,
                        "years": "–".join(str(y) for y in years),
                        "fitted_at": now,
                        "fitted_by": audit_user(actor),
                        "active": True,
                    },
                )
            )
    return created


def set_calibration_active(*, actor: Actor, calibration: Calibration, active: bool) -> Calibration:
    """Use (or stop using) a calibration; activating one deactivates its group's other."""
    actors.require(actor, "planning.calibration", "change", _("You may not change calibrations."))
    with transaction.atomic():
        if active:
            for other in Calibration.objects.filter(
                organisation=calibration.organisation_id,
                index=calibration.index,
                pavement=calibration.pavement,
                road_class_group=calibration.road_class_group,
                active=True,
            ).exclude(pk=calibration.pk):
                core_services.update_object(
                    actor=actor, obj=other, data={"active": False}, check_scope=False
                )
        return core_services.update_object(
            actor=actor, obj=calibration, data={"active": active}, check_scope=False
        )


def model_for(organisation: Organisation, index: str = "pqi") -> Callable[[str, str], Any]:
    """``model_for(pavement, road_class)`` for the kernel: the organisation's active
    calibration of the group, else the default curve."""
    fitted = {
        (c.pavement, c.road_class_group): StandardDecay(c.alpha, c.beta)
        for c in Calibration.objects.filter(organisation=organisation, index=index, active=True)
    }

    def lookup(pavement: str, road_class: str) -> DeteriorationModel:
        group = CLASS_GROUPS.get(road_class, "low")
        model = fitted.get((pavement, group))
        if model is not None:
            return model
        return default_decay(
            pavement if pavement in ("asphalt", "concrete") else "asphalt",
            road_class if road_class in CLASS_GROUPS else "class2",
            index,
        )

    return lookup
