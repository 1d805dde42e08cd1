"""The plumbing every kernel's standards data shares: packaged TOML files, overrides merged
with errors that name the dotted path, and provenance (``source`` + ``confirmed``).

Each standards file in ``analytics/standards/`` is a tree of tables; a table that carries
numbers from a standard says where they come from (``source``) and whether they were checked
against the printed text (``confirmed``). An organisation's overrides (the standards app)
are a tree of the same shape, merged over a copy: a key the file does not have is an error
(a typo must not pass silently), and lists of tables are addressed by each item's ``key``.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

#: Keys that describe a table rather than hold a parameter.
META_KEYS = frozenset({"source", "confirmed", "checked", "code", "title", "title_en", "version"})


class ParameterError(ValueError):
    """A standards file or an override is malformed (the message says where)."""


@dataclass(frozen=True)
class Provenance:
    source: str
    confirmed: bool


@cache
def _packaged(filename: str) -> Mapping[str, Any]:
    text = (
        resources.files("zhiyang.analytics")
        .joinpath("standards", filename)
        .read_text(encoding="utf-8")
    )
    return MappingProxyType(tomllib.loads(text))


def packaged(filename: str) -> Mapping[str, Any]:
    """The parsed file ``analytics/standards/<filename>`` (read once; do not modify it:
    ``load`` gives a copy to merge into)."""
    return _packaged(filename)


def load(filename: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A deep copy of the packaged file with ``overrides`` merged (see :func:`merge`)."""
    params = copy.deepcopy(dict(_packaged(filename)))
    if overrides:
        merge(params, overrides)
    return params


#: Deeper than any parameter file (and than the API lets a JSON body be).
MAX_OVERRIDE_DEPTH = 64


def _depth(value: Any) -> int:
    """How deep mappings and lists nest in ``value``, measured without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def merge(
    base: dict[str, Any],
    overrides: Mapping[str, Any],
    path: str = "",
    *,
    may_add: Callable[[str, str], bool] | None = None,
) -> list[str]:
    """Deep-merge ``overrides`` into ``base`` in place; returns the dotted paths of the values
    set. A key ``base`` lacks raises ``ParameterError`` unless ``may_add(table_path, key)``;
    a value where a table is expected raises; a list of tables (items with a ``key``) takes a
    table of item key → override. Overrides nested deeper than ``MAX_OVERRIDE_DEPTH`` are
    refused before anything is copied (``copy.deepcopy`` recurses once per level)."""
    if not path and _depth(overrides) > MAX_OVERRIDE_DEPTH:
        raise ParameterError(f"override nested deeper than {MAX_OVERRIDE_DEPTH} levels")
    done: list[str] = []
    for key, value in overrides.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in base:
            if may_add is not None and may_add(path, str(key)):
                base[key] = copy.deepcopy(value)
                done.append(where)
                continue
            raise ParameterError(f"override {where}: no such parameter")
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, Mapping):
                raise ParameterError(f"override {where}: expected a table")
            done += merge(current, value, where, may_add=may_add)
        elif _keyed_list(current):
            if not isinstance(value, Mapping):
                raise ParameterError(f"override {where}: expected a table of item keys")
            items = {item["key"]: item for item in current}
            for item_key, item_over in value.items():
                if item_key not in items or not isinstance(item_over, Mapping):
                    raise ParameterError(f"override {where}.{item_key}: no such item")
                done += merge(items[item_key], item_over, f"{where}.{item_key}", may_add=may_add)
        elif isinstance(value, Mapping):
            raise ParameterError(f"override {where}: expected a value, not a table")
        else:
            base[key] = copy.deepcopy(value)
            done.append(where)
    return done


def _keyed_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "key" in item for item in value)
    )


def mark_overridden(params: dict[str, Any], overrides: Mapping[str, Any]) -> None:
    """Each top-level table an override touched says so: ``source`` "override of …" and
    ``confirmed = false``, unless the override sets them itself."""
    for table, values in overrides.items():
        node = params.get(table)
        if not isinstance(node, dict) or not isinstance(values, Mapping):
            continue
        if "source" not in values:
            node["source"] = f"override of {node.get('source', table)}"
        if "confirmed" not in values:
            node["confirmed"] = False


def merge_tables(params: dict[str, Any], overrides: Mapping[str, Any]) -> None:
    """Merge ``overrides`` table by table (each top-level key must name a table of the
    standard) and mark the tables touched (:func:`mark_overridden`)."""
    for table, values in overrides.items():
        if not isinstance(values, Mapping) or not isinstance(params.get(table), dict):
            raise ParameterError(f"override {table}: not a table of the standard")
        merge(params[table], values, str(table))
    mark_overridden(params, overrides)


def provenance(table: Mapping[str, Any], path: str) -> Provenance:
    """The ``source`` and ``confirmed`` a table must declare (``ParameterError`` if not)."""
    source, confirmed = table.get("source"), table.get("confirmed")
    if not isinstance(source, str) or not isinstance(confirmed, bool):
        raise ParameterError(f"{path}: needs source (text) and confirmed (true/false)")
    return Provenance(source, confirmed)


def inherited_provenance(params: Mapping[str, Any], *tables: str) -> Provenance:
    """The provenance of the innermost table along the path ``tables`` that declares one."""
    node: Any = params
    found = Provenance("", False)
    for name in tables:
        node = node.get(name) if isinstance(node, Mapping) else None
        if not isinstance(node, Mapping):
            break
        if "source" in node:
            found = Provenance(str(node["source"]), bool(node.get("confirmed", False)))
    return found
