"""Writing validated records in one audited transaction; the import entry points."""

from __future__ import annotations

import pathlib
from collections import Counter
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from zhiyang.core import services
from zhiyang.core.access import in_scope, restrict
from zhiyang.core.actors import Actor, is_system
from zhiyang.network.importexport.common import (
    SECTION_FIELDS,
    CleanNetwork,
    ImportSummary,
    ImportValidationError,
    RowError,
)
from zhiyang.network.importexport.reading import read_records
from zhiyang.network.importexport.validation import error_order, validate_records
from zhiyang.network.models import District, Route, Section
from zhiyang.network.services import rederive_sections, section_geometry


def _upsert(
    *, actor: Actor, model: type[models.Model], values: dict[str, Any]
) -> tuple[models.Model, str]:
    """Create or update by code; returns (object, "created" | "updated" | "unchanged")."""
    obj = model._default_manager.filter(code=values["code"]).first()
    if obj is None:
        obj = services.create_object(actor=actor, model=model, data=values, check_scope=False)
        return obj, "created"
    if all(getattr(obj, k) == v for k, v in values.items()):
        return obj, "unchanged"
    services.update_object(actor=actor, obj=obj, data=values, check_scope=False)
    return obj, "updated"


def _section_key(values: dict[str, Any]) -> tuple[Any, ...]:
    return (
        values["direction"],
        float(values["start_m"]),
        float(values["end_m"]),
        int(values["lanes"]),
        float(values["width_m"]),
        values["pavement"],
        values["district"],
    )


def write_clean(clean: CleanNetwork, *, actor: Actor) -> ImportSummary:
    """Write validated values in one transaction, audited; scope-checked for a user."""
    summary = ImportSummary()
    scope_errors: list[RowError] = []
    to_check: list[tuple[models.Model, str, str]] = []
    with transaction.atomic():
        districts: dict[str, District] = {}
        for code, values in clean.districts.items():
            obj, outcome = _upsert(actor=actor, model=District, values=values)
            districts[code] = obj  # type: ignore[assignment]
            if outcome == "created":
                summary.districts_created += 1
            elif outcome == "updated":
                summary.districts_updated += 1
            if outcome != "unchanged":
                to_check.append((obj, "add" if outcome == "created" else "change", code))
        routes: dict[str, Route] = {}
        shape_changed: set[str] = set()
        for code, values in clean.routes.items():
            old = Route.objects.filter(code=code).values("geometry", "start_m", "end_m").first()
            obj, outcome = _upsert(actor=actor, model=Route, values=values)
            routes[code] = obj  # type: ignore[assignment]
            if outcome == "created":
                summary.routes_created += 1
            elif outcome == "updated":
                summary.routes_updated += 1
                if old != {k: values[k] for k in ("geometry", "start_m", "end_m")}:
                    shape_changed.add(code)
            if outcome != "unchanged":
                to_check.append((obj, "add" if outcome == "created" else "change", code))
        by_route: dict[str, list[dict[str, Any]]] = {code: [] for code in clean.routes}
        for values in clean.sections:
            by_route.setdefault(values["route"], []).append(values)
        missing_routes = set(by_route) - set(routes)
        routes.update({r.code: r for r in Route.objects.filter(code__in=missing_routes)})
        needed = {v["district"] for v in clean.sections} - set(districts)
        districts.update({d.code: d for d in District.objects.filter(code__in=needed)})

        for code, new_sections in by_route.items():
            route = routes[code]
            existing = Section.objects.filter(route=route).select_related("district")
            existing = restrict(existing, actor, "delete")
            existing_list = list(existing)
            old_keys = Counter(
                _section_key(
                    {**{f: getattr(s, f) for f in SECTION_FIELDS[1:7]}, "district": s.district.code}
                )
                for s in existing_list
            )
            new_keys = Counter(_section_key(v) for v in new_sections)
            if old_keys == new_keys and code not in shape_changed:
                summary.sections_unchanged += len(new_sections)
                continue
            for section in existing_list:
                services.delete_object(actor=actor, obj=section)
                summary.sections_deleted += 1
            for values in new_sections:
                data = {name: values[name] for name in SECTION_FIELDS[1:7]}
                data.update(
                    route=route,
                    district=districts[values["district"]],
                    geometry=section_geometry(route, values["start_m"], values["end_m"]),
                )
                section = services.create_object(
                    actor=actor, model=Section, data=data, check_scope=False
                )
                summary.sections_created += 1
                to_check.append((section, "add", str(section)))
        if not is_system(actor):
            # Sections of changed routes the user could not replace still follow the route.
            for code in shape_changed:
                rederive_sections(actor=actor, route=routes[code])
            for obj, action, label in to_check:
                if not in_scope(actor, obj, action):
                    scope_errors.append(
                        RowError(
                            0,
                            "",
                            _("%(object)s would be outside your scope or permissions.")
                            % {"object": label},
                        )
                    )
        if scope_errors:
            transaction.set_rollback(True)
    if scope_errors:
        raise ImportValidationError(scope_errors)
    return summary


def import_network_data(data: bytes, *, filename: str, actor: Actor) -> ImportSummary:
    """Validate and import file contents (``filename`` gives the type by its extension)."""
    records, errors = read_records(pathlib.Path(filename), data)
    clean, more = validate_records(records)
    errors.extend(more)
    if errors:
        raise ImportValidationError(sorted(errors, key=error_order))
    return write_clean(clean, actor=actor)


def import_network_file(path: pathlib.Path, *, actor: Actor) -> ImportSummary:
    """Validate and import a .geojson/.json or .xlsx file; ``ImportValidationError`` (and
    nothing written) when it has any error."""
    path = pathlib.Path(path)
    return import_network_data(path.read_bytes(), filename=path.name, actor=actor)
