"""Writing parameter overrides, and reading the overrides an engine must use.

How the engines' callers use it (condition rating, work-zone design, later paving QC)::

    from zhiyang.standards.services import overrides_for, parameters_for

    params = rating.load_parameters("2018", overrides_for("jtg5210_2018", organisation))
    # or, the same through the registry's loader:
    params = parameters_for("jtg5210_2018", organisation)

``overrides_for(standard_code, organisation)`` returns the active override for every
organisation with the organisation's own active override deep-merged over it (tables merge key
by key, other values replace) — a nested dict shaped like the TOML file, ``{}`` when nothing
is overridden. ``active_overrides(...)`` returns the rows themselves (global first) so a
result page can show what it was computed with and why (``reason``).

Every write is keyword-only, atomic and audited; an override is validated by building the
engine's parameter object for every organisation whose effective values it changes, so an
active override always loads and a refused one writes nothing (the message is the engine's).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhiyang.core import audit
from zhiyang.core.access import scope_of
from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import Organisation
from zhiyang.standards import registry
from zhiyang.standards.models import ParameterOverride

OrganisationRef = Organisation | int | None


def _organisation_id(organisation: OrganisationRef) -> int | None:
    if organisation is None or isinstance(organisation, int):
        return organisation
    return int(organisation.pk)


def active_overrides(standard_code: str, organisation: OrganisationRef) -> list[ParameterOverride]:
    """The active overrides that apply to ``organisation``: the one for every organisation
    first, then the organisation's own (``organisation=None``: only the first)."""
    org_id = _organisation_id(organisation)
    condition = Q(organisation__isnull=True)
    if org_id is not None:
        condition |= Q(organisation_id=org_id)
    rows = ParameterOverride.objects.filter(condition, standard=standard_code, active=True)
    return sorted(
        rows.select_related("organisation", "created_by"),
        key=lambda row: row.organisation_id is not None,
    )


def overrides_for(standard_code: str, organisation: OrganisationRef) -> dict[str, Any]:
    """The values to pass to the engine as overrides for ``organisation``: the global
    override, then the organisation's merged over it (``{}``: the data file as it is)."""
    merged: dict[str, Any] = {}
    for row in active_overrides(standard_code, organisation):
        merged = registry.merge_overrides(merged, row.overrides)
    return merged


def parameters_for(standard_code: str, organisation: OrganisationRef) -> Any:
    """The engine's parameter object for ``organisation`` (data file + overrides)."""
    standard = registry.get(standard_code)
    if standard is None:
        raise LookupError(f"unknown standard {standard_code!r}")
    return standard.load(overrides_for(standard_code, organisation))


# --------------------------------------------------------------------------- validation


def _standard(code: str) -> registry.Standard:
    standard = registry.get(code)
    if standard is None:
        raise ValidationError({"standard": [_("There is no standard with this code.")]})
    if not standard.overridable:
        raise ValidationError(
            {"standard": [_("The values of this standard are fixed and cannot be overridden.")]}
        )
    return standard


def _check_shape(standard: registry.Standard, overrides: Any) -> None:
    if not isinstance(overrides, Mapping) or not overrides:
        raise ValidationError(
            {"overrides": [_("Give the values to override as a table (a JSON object).")]}
        )
    try:
        registry.check_depth(standard, overrides)
    except registry.OverrideError as exc:
        raise ValidationError({"overrides": [str(exc)]}) from exc


def _ensure_may_set(actor: Actor, organisation_id: int | None) -> None:
    """The row must be in the writer's scope, as every write on the platform: the overrides
    for every organisation and the writer's own organisation's; another organisation's only
    for whole-network users and the system."""
    if organisation_id is None:
        return
    scope = scope_of(actor)
    if not scope.everything and organisation_id not in scope.organisation_ids:
        raise ValidationError(
            {"organisation": [_("You may only set values for your own organisation.")]}
        )


def _loads(
    standard: registry.Standard, state: Mapping[int | None, Mapping[str, Any]], org_id: int | None
) -> str:
    """'' if the effective overrides of ``org_id`` under ``state`` load, else the message."""
    base = state.get(None, {})
    effective = base if org_id is None else registry.merge_overrides(base, state.get(org_id, {}))
    try:
        standard.load(effective)
    except registry.OverrideError as exc:
        return str(exc)
    return ""


def _current(standard: registry.Standard) -> dict[int | None, Mapping[str, Any]]:
    rows = ParameterOverride.objects.filter(standard=standard.code, active=True)
    return {row.organisation_id: row.overrides for row in rows}


def _check(standard: registry.Standard, row: ParameterOverride, *, removing: bool) -> None:
    """Validate the active overrides of ``standard`` as they would be after saving ``row``
    (``removing``: after it stops applying).

    The row's own values must load (on top of the row for every organisation). Every other
    organisation whose effective values change must still load, unless they did not load
    before either (a data file changed since): a broken row elsewhere must not block fixing
    or deactivating this one.
    """
    active = ParameterOverride.objects.filter(standard=standard.code, active=True)
    after: dict[int | None, Mapping[str, Any]] = {
        other.organisation_id: other.overrides for other in active.exclude(pk=row.pk)
    }
    # ``row`` may be changed in memory already: its state before comes from the database.
    before = dict(after)
    if row.pk is not None:
        stored = active.filter(pk=row.pk).first()
        if stored is not None:
            before[stored.organisation_id] = stored.overrides
    if not removing:
        after[row.organisation_id] = row.overrides
        message = _loads(standard, after, row.organisation_id)
        if message:
            raise ValidationError({"overrides": [message]})
    if row.organisation_id is None:
        others: list[int | None] = [k for k in after if k is not None]
        if removing:
            others.insert(0, None)
    else:
        others = [row.organisation_id] if removing else []
    names = dict(
        Organisation.objects.filter(pk__in=[o for o in others if o]).values_list("pk", "name")
    )
    for org_id in others:
        message = _loads(standard, after, org_id)
        if message and not _loads(standard, before, org_id):
            if org_id is not None and org_id in after:
                message = _(
                    "Together with the active override of %(organisation)s: %(message)s"
                ) % {"organisation": names.get(org_id, str(org_id)), "message": message}
            raise ValidationError({"overrides": [message]})


# --------------------------------------------------------------------------- writes


def create_override(
    *,
    actor: Actor,
    standard: str,
    organisation: Organisation | None,
    overrides: Mapping[str, Any],
    reason: str,
    active: bool = True,
) -> ParameterOverride:
    """A new override, validated through the standard's engine; audited."""
    entry = _standard(standard)
    _check_shape(entry, overrides)
    org_id = _organisation_id(organisation)
    _ensure_may_set(actor, org_id)
    with transaction.atomic():
        row = ParameterOverride(
            standard=entry.code,
            organisation=organisation,
            overrides=dict(overrides),
            reason=(reason or "").strip(),
            active=active,
            created_by=audit_user(actor),
        )
        row.full_clean()
        if active:
            _check(entry, row, removing=False)
        else:
            # Not applied yet, but its values must load, so that activating it works.
            message = _loads(entry, {**_current(entry), org_id: row.overrides}, org_id)
            if message:
                raise ValidationError({"overrides": [message]})
        row.save()
        audit.record(
            actor=actor, action=AuditAction.CREATE, obj=row, before=None, after=audit.snapshot(row)
        )
    return row


UPDATABLE = ("overrides", "reason", "active", "organisation")


def update_override(
    *, actor: Actor, obj: ParameterOverride, data: Mapping[str, Any]
) -> ParameterOverride:
    """Change the values, the reason, the organisation or ``active``; validated and audited.
    The standard of a row never changes (create a new override instead)."""
    entry = _standard(obj.standard)
    if "standard" in data and data["standard"] != obj.standard:
        raise ValidationError({"standard": [_("The standard of an override cannot be changed.")]})
    _ensure_may_set(actor, obj.organisation_id)
    with transaction.atomic():
        before = audit.snapshot(obj)
        for name in UPDATABLE:
            if name in data:
                setattr(obj, name, data[name])
        if "reason" in data:
            obj.reason = (obj.reason or "").strip()
        _check_shape(entry, obj.overrides)
        _ensure_may_set(actor, obj.organisation_id)
        obj.full_clean()
        _check(entry, obj, removing=not obj.active)
        obj.save()
        after = audit.snapshot(obj)
        if after != before:
            audit.record(
                actor=actor, action=AuditAction.UPDATE, obj=obj, before=before, after=after
            )
    return obj


def deactivate_override(*, actor: Actor, obj: ParameterOverride) -> ParameterOverride:
    """Stop applying an override (kept as history); audited. Refused when an organisation's
    own override only loads together with this one."""
    if not obj.active:
        return obj
    return update_override(actor=actor, obj=obj, data={"active": False})


def delete_override(*, actor: Actor, obj: ParameterOverride) -> None:
    """Delete an override row; audited with its last state. Same check as deactivating."""
    entry = registry.get(obj.standard)
    _ensure_may_set(actor, obj.organisation_id)
    with transaction.atomic():
        if entry is not None and entry.overridable and obj.active:
            _check(entry, obj, removing=True)
        audit.record(
            actor=actor, action=AuditAction.DELETE, obj=obj, before=audit.snapshot(obj), after=None
        )
        obj.delete()


# --------------------------------------------------------------------------- checks


def check_active_overrides() -> list[tuple[str, str, str]]:
    """``(standard, organisation name or '', engine message)`` for every organisation (and
    the row for every organisation) whose active overrides no longer load, e.g. after a data
    file was updated and a key renamed. Empty when all is well."""
    problems: list[tuple[str, str, str]] = []
    rows = ParameterOverride.objects.filter(active=True).select_related("organisation")
    by_standard: dict[str, list[ParameterOverride]] = {}
    for row in rows:
        by_standard.setdefault(row.standard, []).append(row)
    for code, group in sorted(by_standard.items()):
        standard = registry.get(code)
        if standard is None or not standard.overridable:
            problems.append((code, "", "the standard has no data file or cannot be overridden"))
            continue
        for row in sorted(group, key=lambda r: r.organisation_id is not None):
            name = row.organisation.name if row.organisation is not None else ""
            try:
                standard.load(overrides_for(code, row.organisation_id))
            except registry.OverrideError as exc:
                problems.append((code, name, str(exc)))
    return problems
