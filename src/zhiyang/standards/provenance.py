"""A standard as one organisation computes with it: every value of its data file with its
source and confirmed flag, and the overrides that replace values, with their reasons.

Shared by the pages and the API so both show the same provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhiyang.core.models import Organisation
from zhiyang.standards import registry
from zhiyang.standards.models import ParameterOverride
from zhiyang.standards.services import active_overrides


@dataclass
class ShownValue:
    key: str
    path: str
    default: Any
    value: Any
    is_text: bool
    override: ParameterOverride | None = None
    added: bool = False

    @property
    def overridden(self) -> bool:
        return self.override is not None


@dataclass
class ShownTable:
    path: str
    source: str
    confirmed: bool | None
    values: list[ShownValue]
    source_override: ParameterOverride | None = None
    default_source: str = ""
    checked: str = ""

    @property
    def overridden(self) -> bool:
        return self.source_override is not None or any(v.overridden for v in self.values)


@dataclass
class ShownStandard:
    standard: registry.Standard
    document: registry.Document
    tables: list[ShownTable]
    overrides: list[ParameterOverride] = field(default_factory=list)

    @property
    def overridden_values(self) -> int:
        return sum(1 for t in self.tables for v in t.values if v.overridden)


def _setters(rows: list[ParameterOverride]) -> dict[str, tuple[Any, ParameterOverride]]:
    """Dotted path → (value, the row that sets it last: organisation over global)."""
    found: dict[str, tuple[Any, ParameterOverride]] = {}
    for row in rows:
        for path, value in registry.leaf_paths(row.overrides).items():
            found[path] = (value, row)
    return found


def shown_standard(
    standard: registry.Standard, organisation: Organisation | int | None
) -> ShownStandard:
    """The standard's tables with the overrides active for ``organisation`` applied."""
    document = registry.read_document(standard.file)
    rows = active_overrides(standard.code, organisation) if standard.overridable else []
    setters = _setters(rows)
    tables: list[ShownTable] = []
    for table in document.tables:
        values = []
        for v in table.values:
            shown = ShownValue(v.key, v.path, v.value, v.value, v.is_text)
            if v.path in setters:
                shown.value, shown.override = setters[v.path]
            values.append(shown)
        known = {v.key for v in table.values}
        prefix = table.path + "."
        for path, (value, row) in setters.items():
            rest = path[len(prefix) :] if path.startswith(prefix) else ""
            if (
                rest
                and "." not in rest
                and rest not in known
                and rest not in registry.PROVENANCE_KEYS
            ):
                values.append(
                    ShownValue(rest, path, None, value, isinstance(value, str), row, True)
                )
        source_set = setters.get(prefix + "source")
        tables.append(
            ShownTable(
                path=table.path,
                source=str(source_set[0]) if source_set else table.source,
                confirmed=table.confirmed,
                values=values,
                source_override=source_set[1] if source_set else None,
                default_source=table.source,
                checked=table.checked,
            )
        )
    return ShownStandard(standard=standard, document=document, tables=tables, overrides=rows)


def provenance_summary(code: str, organisation: Organisation | int | None) -> dict[str, Any]:
    """What a result computed with standard ``code`` for ``organisation`` depends on, as JSON
    for an API response or a report: the document and version, how many of its values are
    still to verify, and the overrides applied with their reasons."""
    standard = registry.get(code)
    if standard is None:
        raise LookupError(f"unknown standard {code!r}")
    document = registry.read_document(standard.file)
    rows = active_overrides(code, organisation) if standard.overridable else []
    return {
        "standard": code,
        "document_code": document.meta.get("code"),
        "title": document.meta.get("title"),
        "version": None if document.meta.get("version") is None else str(document.meta["version"]),
        "unconfirmed_values": document.unconfirmed_values,
        "overrides": [
            {
                "id": row.pk,
                "organisation": row.organisation.name if row.organisation is not None else None,
                "paths": sorted(registry.leaf_paths(row.overrides)),
                "reason": row.reason,
            }
            for row in rows
        ],
    }
