"""People services: audited writes, certificate checks and alerts, crews, check-ins.

Keyword-only, atomic, with the audit row in the same transaction (``core.services``). The
rules that block work — a trade's required certificate missing or expired — live here, so
the pages, the API, the admin-free commands and the demo all hit the same wall.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import actors
from zhiyang.core import services as core_services
from zhiyang.core.access import restrict, scope_of
from zhiyang.core.actors import Actor, audit_user, is_system, organisation_of
from zhiyang.core.models import Organisation, User
from zhiyang.notify import hooks as notify_hooks
from zhiyang.people.choices import AlertLevel, CertificateType, TrainingLevel
from zhiyang.people.models import (
    Briefing,
    Certificate,
    CertificateAlert,
    CheckIn,
    Crew,
    TrainingRecord,
    Worker,
)
from zhiyang.people.rules import required_certificates, rules
from zhiyang.safety.models import WorkZone

# ---------------------------------------------------------------------------------------------
# Certificates


def alert_level(certificate: Certificate, today: dt.date) -> str | None:
    """``expired``, ``days_7``, ``days_30`` (the configured alert days) or None."""
    left = certificate.days_left(today)
    if left < 0:
        return AlertLevel.EXPIRED
    days = rules().alert_days  # e.g. (30, 7)
    level = None
    for threshold in days:
        if left <= threshold:
            level = threshold
    if level is None:
        return None
    return AlertLevel.DAYS_7 if level <= 7 else AlertLevel.DAYS_30


@dataclass(frozen=True)
class Alert:
    certificate: Certificate
    level: str
    days_left: int

    @property
    def label(self) -> str:
        return str(AlertLevel(self.level).label)


def certificate_alerts(
    certificates: models.QuerySet[Certificate], *, today: dt.date | None = None
) -> list[Alert]:
    """Expired and soon-expiring certificates of ``certificates`` (restrict it first),
    most urgent first. Only active workers' certificates count."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(rules().alert_days, default=0))
    rows = certificates.filter(worker__active=True, valid_until__lte=horizon).select_related(
        "worker", "worker__organisation"
    )
    alerts = []
    for cert in rows:
        level = alert_level(cert, today)
        if level is not None:
            alerts.append(Alert(cert, level, cert.days_left(today)))
    alerts.sort(key=lambda a: (a.days_left, a.certificate.worker.name, a.certificate.pk))
    return alerts


def alerts_by_organisation(
    *, today: dt.date | None = None, organisation: Organisation | None = None
) -> dict[Organisation, list[Alert]]:
    """Every organisation's certificate alerts (the system's view, for the daily task)."""
    certificates = Certificate.objects.all()
    if organisation is not None:
        certificates = certificates.filter(worker__organisation=organisation)
    grouped: dict[Organisation, list[Alert]] = {}
    for alert in certificate_alerts(certificates, today=today):
        grouped.setdefault(alert.certificate.worker.organisation, []).append(alert)
    return grouped


def record_certificate_alerts(*, today: dt.date | None = None) -> int:
    """Store today's alerts, once per certificate and day; returns how many were new.

    Running it again the same day adds nothing. Alerts are derived data (no audit row).
    """
    today = today or timezone.localdate()
    alerts = certificate_alerts(Certificate.objects.all(), today=today)
    existing = set(
        CertificateAlert.objects.filter(date=today).values_list("certificate_id", flat=True)
    )
    new = [
        CertificateAlert(
            certificate=a.certificate, date=today, level=a.level, days_left=a.days_left
        )
        for a in alerts
        if a.certificate.pk not in existing
    ]
    CertificateAlert.objects.bulk_create(new, ignore_conflicts=True)
    notify_hooks.certificate_alerts(new)
    return len(new)


def missing_certificates(worker: Worker, day: dt.date) -> list[str]:
    """Certificate types the worker's trade needs that are missing or not valid on ``day``."""
    needed = required_certificates(worker.trade)
    if not needed:
        return []
    held = {c.cert_type for c in worker.certificates.all() if c.is_valid_on(day)}
    return sorted(needed - held)


def ensure_qualified(worker: Worker, day: dt.date, *, field: str | None = None) -> None:
    """Refuse work for a worker whose trade's required certificate is missing or expired."""
    missing = missing_certificates(worker, day)
    if not missing:
        return
    labels = "、".join(str(CertificateType(t).label) for t in missing)
    message = _(
        "%(worker)s (%(trade)s) has no valid %(certificates)s: renew or add the certificate "
        "before assigning work."
    ) % {"worker": worker.name, "trade": worker.get_trade_display(), "certificates": labels}
    raise ValidationError({field: [message]} if field else message, code="certificate_missing")


# ---------------------------------------------------------------------------------------------
# Training


@dataclass
class InductionStatus:
    """三级安全教育 hours by level against the minimum hours."""

    hours: dict[str, Decimal] = field(default_factory=dict)
    total_hours: Decimal = Decimal("0")
    missing_levels: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing_levels


def induction_status(records: Iterable[TrainingRecord]) -> InductionStatus:
    """Hours per level of one worker's records; a level is missing below its minimum."""
    status = InductionStatus(hours={level: Decimal("0") for level in TrainingLevel.values})
    for record in records:
        status.hours[record.level] = status.hours.get(record.level, Decimal("0")) + record.hours
        status.total_hours += record.hours
    minimum = rules().induction_hours
    status.missing_levels = [
        level
        for level in TrainingLevel.values
        if status.hours[level] <= 0 or status.hours[level] < Decimal(str(minimum.get(level, 0)))
    ]
    return status


# ---------------------------------------------------------------------------------------------
# Workers


def _default_organisation(actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if not values.get("organisation"):
        values["organisation"] = organisation_of(actor)
    return values


def create_worker(*, actor: Actor, data: Mapping[str, Any]) -> Worker:
    return core_services.create_object(
        actor=actor, model=Worker, data=_default_organisation(actor, data)
    )


def update_worker(*, actor: Actor, worker: Worker, data: Mapping[str, Any]) -> Worker:
    return core_services.update_object(actor=actor, obj=worker, data=data)


def delete_worker(*, actor: Actor, worker: Worker) -> None:
    core_services.delete_object(actor=actor, obj=worker)


def find_worker_by_id_number(queryset: models.QuerySet[Worker], id_number: str) -> Worker | None:
    """Look a worker up by ID number (through the keyed hash: the column is encrypted)."""
    from zhiyang.core import crypto
    from zhiyang.people.validators import normalise_id_number

    text = normalise_id_number(id_number)
    if not text:
        return None
    return queryset.filter(id_number_hash=crypto.keyed_hash(text)).first()


# ---------------------------------------------------------------------------------------------
# Crews


def _check_crew(
    *, data: Mapping[str, Any], organisation: Organisation | None, current: set[int], day: dt.date
) -> dict[str, Any]:
    """Members and leader of the crew's organisation; new members must be qualified."""
    values = dict(data)
    members = list(values.get("members", []) or [])
    leader = values.get("leader")
    if leader is not None and leader.pk not in {m.pk for m in members}:
        members.append(leader)
    errors: dict[str, list[str]] = {}
    foreign = [m.name for m in members if organisation and m.organisation_id != organisation.pk]
    if foreign:
        errors.setdefault("members", []).append(
            _("Not in the crew's organisation: %(names)s.") % {"names": "、".join(foreign)}
        )
    for member in members:
        if member.pk in current:
            continue  # already in the crew: flagged on the pages, not blocked here
        try:
            ensure_qualified(member, day)
        except ValidationError as exc:
            errors.setdefault("members", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if "members" in values or leader is not None:
        values["members"] = members
    return values


def create_crew(*, actor: Actor, data: Mapping[str, Any], today: dt.date | None = None) -> Crew:
    values = _default_organisation(actor, data)
    values = _check_crew(
        data=values,
        organisation=values.get("organisation"),
        current=set(),
        day=today or timezone.localdate(),
    )
    return core_services.create_object(actor=actor, model=Crew, data=values)


def update_crew(
    *, actor: Actor, crew: Crew, data: Mapping[str, Any], today: dt.date | None = None
) -> Crew:
    values = dict(data)
    if "members" in values or values.get("leader") is not None:
        if "members" not in values:
            values["members"] = list(crew.members.all())
        values = _check_crew(
            data=values,
            organisation=values.get("organisation") or crew.organisation,
            current=set(crew.members.values_list("pk", flat=True)),
            day=today or timezone.localdate(),
        )
    return core_services.update_object(actor=actor, obj=crew, data=values)


def add_crew_member(
    *, actor: Actor, crew: Crew, worker: Worker, today: dt.date | None = None
) -> Crew:
    return update_crew(
        actor=actor, crew=crew, data={"members": [*crew.members.all(), worker]}, today=today
    )


# ---------------------------------------------------------------------------------------------
# Check-in


def checkin_workers(actor: Actor | AnonymousUser) -> models.QuerySet[Worker]:
    """The workers ``actor`` may check in: anyone in scope for those who manage workers (and
    the system), otherwise themselves (their linked worker) and the members of crews they
    lead."""
    active = Worker.objects.filter(active=True)
    if actors.may(actor, "people.worker", "change"):
        return restrict(active, actor, "view")
    if is_system(actor) or not actor.is_authenticated:
        return Worker.objects.none()
    own = Worker.objects.filter(user=cast(User, actor)).first()
    if own is None:
        return Worker.objects.none()
    crew_members = Q(crews__leader=own, crews__organisation=own.organisation)
    return active.filter(Q(pk=own.pk) | crew_members).distinct()


def zones_in_scope(actor: Actor | AnonymousUser) -> models.QuerySet[WorkZone]:
    """Work zones (any status) in the user's network scope.

    Checking in and briefing crews imply knowing the zones one works at, even for roles
    without ``safety.workzone`` view (workers); the network scope still applies.
    """
    model = WorkZone
    scope = scope_of(actor)
    if scope.everything:
        return model.objects.all()
    return model.objects.filter(model.scope_q(scope)).distinct()


def checkin_zones(actor: Actor | AnonymousUser) -> models.QuerySet[WorkZone]:
    """Active work zones in the user's network scope: where one can check in today."""
    return zones_in_scope(actor).filter(status="active")


def zones_by_distance(
    zones: Iterable[Any], lon: float | None, lat: float | None
) -> list[tuple[Any, float | None]]:
    """Zones with the distance (m) to their geofence, nearest first (0 inside)."""
    if lon is None or lat is None:
        return [(z, None) for z in zones]
    pairs: list[tuple[Any, float | None]] = []
    for zone in zones:
        distance = max(0.0, float(zone.geofence_distance_m(lon, lat)))
        pairs.append((zone, distance if math.isfinite(distance) else None))
    pairs.sort(key=lambda p: (p[1] is None, p[1] or 0.0, str(p[0])))
    return pairs


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    created: bool  # False: the same client_uuid was sent before, this is the first record


def check_in(
    *,
    actor: Actor,
    worker: Worker,
    work_zone: WorkZone,
    lon: float,
    lat: float,
    accuracy_m: float | None = None,
    client_uuid: uuid.UUID | str | None = None,
    when: dt.datetime | None = None,
) -> CheckInResult:
    """Record a worker's arrival at a work zone.

    Inside the geofence it is accepted, outside it is recorded and flagged with the
    distance. Refused: a worker the user may not check in, a zone that is not active, a
    missing or expired certificate the trade needs, a second check-in the same day. A
    retry with the same ``client_uuid`` (offline phones) returns the first record.
    """
    if client_uuid:
        previous = CheckIn.objects.filter(client_uuid=client_uuid).first()
        if previous is not None:
            if previous.worker_id != worker.pk or previous.work_zone_id != work_zone.pk:
                raise ValidationError(
                    {"client_uuid": [_("This client id was already used for another check-in.")]}
                )
            return CheckInResult(previous, created=False)
    if not checkin_workers(actor).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": [_("You may not check in this worker.")]})
    if work_zone.status != "active":
        raise ValidationError({"work_zone": [_("This work zone is not active.")]})
    when = when or timezone.now()
    day = timezone.localdate(when)
    ensure_qualified(worker, day, field="worker")
    if CheckIn.objects.filter(worker=worker, work_zone=work_zone, date=day).exists():
        raise ValidationError(
            {
                "work_zone": [
                    _("%(worker)s has already checked in at %(zone)s today.")
                    % {"worker": worker.name, "zone": work_zone}
                ]
            },
            code="duplicate",
        )
    raw = max(0.0, float(work_zone.geofence_distance_m(lon, lat)))
    inside = raw == 0.0
    distance = round(raw, 1) if math.isfinite(raw) else None
    data = {
        "worker": worker,
        "work_zone": work_zone,
        "date": day,
        "checked_in_at": when,
        "lon": lon,
        "lat": lat,
        "accuracy_m": accuracy_m,
        "inside_geofence": inside,
        "distance_m": distance,
        "client_uuid": client_uuid or None,
        "recorded_by": audit_user(actor),
    }
    try:
        checkin = core_services.create_object(actor=actor, model=CheckIn, data=data)
    except IntegrityError:
        # Two identical requests racing: the other one won; answer like a retry.
        existing = CheckIn.objects.filter(client_uuid=client_uuid).first() if client_uuid else None
        if existing is None:
            raise
        return CheckInResult(existing, created=False)
    return CheckInResult(checkin, created=True)


# ---------------------------------------------------------------------------------------------
# Briefings


def _check_briefing(data: Mapping[str, Any], crew: Crew | None) -> None:
    if crew is None:
        return
    errors: dict[str, list[str]] = {}
    attendees = data.get("attendees", []) or []
    foreign = [w.name for w in attendees if w.organisation_id != crew.organisation_id]
    if foreign:
        errors["attendees"] = [
            _("Not in the crew's organisation: %(names)s.") % {"names": "、".join(foreign)}
        ]
    given_by = data.get("given_by")
    if given_by is not None and given_by.organisation_id != crew.organisation_id:
        errors["given_by"] = [
            _("The briefing must be given by someone of the crew's organisation.")
        ]
    if errors:
        raise ValidationError(errors)


def create_briefing(*, actor: Actor, data: Mapping[str, Any]) -> Briefing:
    _check_briefing(data, data.get("crew"))
    with transaction.atomic():
        return core_services.create_object(actor=actor, model=Briefing, data=data)


def update_briefing(*, actor: Actor, briefing: Briefing, data: Mapping[str, Any]) -> Briefing:
    merged = {"attendees": list(briefing.attendees.all()), "given_by": briefing.given_by, **data}
    _check_briefing(merged, data.get("crew") or briefing.crew)
    return core_services.update_object(actor=actor, obj=briefing, data=data)
