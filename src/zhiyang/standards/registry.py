"""The standards the platform computes with, and how their data files are read for display.

Every standards number lives in a TOML file under ``zhiyang/analytics/standards/`` (one file
per standard and edition), each table with its ``source`` (clause) and a ``confirmed`` flag
(see shared STANDARDS.md and docs/standards.md). This module

- lists those files (:func:`standards`): a file with a :data:`REGISTRY` entry says which
  engine uses it and how overrides are validated; a file without one is still listed and
  displayed, but cannot be overridden;
- reads a file into tables of values with their provenance for the pages and the API
  (:func:`read_document`);
- validates an override by building the engine's own parameter object through the entry's
  ``loader`` (:meth:`Standard.load`), so a bad value is refused with the engine's message.

Adding a standard: put its TOML file next to the others and add a :class:`Standard` to
:data:`REGISTRY` naming the module and a loader ``overrides -> parameter object`` (``None``
when its values are fixed and must not be overridden, like the IRI golden car).
"""

from __future__ import annotations

import copy
import importlib
import math
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiyang.core import jsonsafe

#: Where the engines' data files live (a package resource, so it works from a wheel too).
DATA_PACKAGE = "zhiyang.analytics"
DATA_DIR = "standards"
#: Keys of a table that describe it rather than hold a value (``checked``: where the value
#: was compared with a copy of the standard).
PROVENANCE_KEYS = ("source", "confirmed", "checked")
#: Top-level keys of a file that describe the document.
META_KEYS = ("code", "title", "title_en", "version", "edition")

Loader = Callable[[Mapping[str, Any]], Any]


class OverrideError(ValueError):
    """An override the standard's engine refuses; the message is the engine's own."""


@dataclass(frozen=True)
class Standard:
    """One registered standard: its data file, the engine using it and its loader.

    ``loader(overrides)`` must build the engine's real parameter object from the file with
    ``overrides`` merged in, raising ``ValueError`` (e.g. ``rating.ParameterError``) with a
    message saying what is wrong. ``None``: the values are fixed and cannot be overridden.
    """

    code: str
    purpose: str | Promise
    file: str
    module: str
    loader: Loader | None = field(default=None, compare=False, repr=False)

    @property
    def overridable(self) -> bool:
        return self.loader is not None

    def load(self, overrides: Mapping[str, Any] | None = None) -> Any:
        """The engine's parameter object with ``overrides``; :class:`OverrideError` if the
        engine refuses them (or the standard cannot be overridden at all)."""
        if self.loader is None:
            if overrides:
                raise OverrideError(f"{self.code}: the values are fixed and cannot be overridden")
            return raw_file(self.file)
        try:
            return self.loader(dict(overrides or {}))
        except OverrideError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise OverrideError(str(exc)) from exc


# --------------------------------------------------------------------------- loaders


def _rating_loader(edition: str) -> Loader:
    def load(overrides: Mapping[str, Any]) -> Any:
        from zhiyang.analytics import rating

        return rating.load_parameters(edition, overrides or None)

    return load


def _module_loader(file: str, module: str, function: str = "load_parameters") -> Loader:
    """Check the overrides' structure against the file (keys exist, kinds kept, numbers
    finite: an engine loader that merely merges would accept a typo), then build the
    engine's parameters with its ``function(overrides)`` when the module has one."""

    def load(overrides: Mapping[str, Any]) -> Any:
        checked = structural_merge(raw_file(file), overrides)
        try:
            engine = importlib.import_module(module)
        except ImportError:
            engine = None
        loader = getattr(engine, function, None)
        if callable(loader):
            return loader(overrides or None)
        return checked

    return load


#: The standards the platform computes with (the order of the list page).
REGISTRY: tuple[Standard, ...] = (
    Standard(
        code="jtg5210_2018",
        purpose=_("Pavement and highway condition rating (default edition)"),
        file="jtg5210_2018.toml",
        module="zhiyang.analytics.rating",
        loader=_rating_loader("2018"),
    ),
    Standard(
        code="jtg_h20_2007",
        purpose=_("Condition rating, 2007 edition (re-rating old surveys)"),
        file="jtg_h20_2007.toml",
        module="zhiyang.analytics.rating",
        loader=_rating_loader("2007"),
    ),
    Standard(
        code="iri_astm_e1926",
        purpose=_("International Roughness Index (fixed golden-car constants)"),
        file="iri_astm_e1926.toml",
        module="zhiyang.analytics.roughness",
        loader=None,
    ),
    Standard(
        code="jtg_h30_2015",
        purpose=_("Work-zone layout for maintenance work"),
        file="jtg_h30_2015.toml",
        module="zhiyang.analytics.workzone",
        loader=_module_loader("jtg_h30_2015.toml", "zhiyang.analytics.workzone"),
    ),
    Standard(
        code="progress_alerts",
        purpose=_("Progress alerts (SPI, CPI) and the working week"),
        file="progress_alerts.toml",
        module="zhiyang.analytics.progress",
        loader=_module_loader(
            "progress_alerts.toml", "zhiyang.analytics.progress", "load_thresholds"
        ),
    ),
    Standard(
        code="compaction_qc",
        purpose=_("Intelligent-compaction pass counting and paver thermal profiling (QC)"),
        file="compaction_qc.toml",
        module="zhiyang.analytics.compaction",
        loader=_module_loader(
            "compaction_qc.toml", "zhiyang.analytics.compaction", "load_parameters"
        ),
    ),
    Standard(
        code="jtg_f40_2004",
        purpose=_("Paving, rolling and spraying acceptance ranges (work instructions)"),
        file="jtg_f40_2004.toml",
        module="zhiyang.analytics.specs",
        loader=_module_loader("jtg_f40_2004.toml", "zhiyang.analytics.specs"),
    ),
    Standard(
        code="treatments",
        purpose=_("Treatment catalogue defaults (edited on the planning catalogue page)"),
        file="treatments.toml",
        module="zhiyang.planning.catalogue",
        loader=None,
    ),
    Standard(
        code="deterioration",
        purpose=_("Default decay curves of the planner (before calibration on the network)"),
        file="deterioration.toml",
        module="zhiyang.analytics.deterioration",
        loader=None,
    ),
)


# --------------------------------------------------------------------------- files


def _data_dir() -> Any:
    return resources.files(DATA_PACKAGE).joinpath(DATA_DIR)


def data_files() -> list[str]:
    """Names of the TOML files present, sorted."""
    return sorted(
        entry.name
        for entry in _data_dir().iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    )


def raw_file(file: str) -> dict[str, Any]:
    """The parsed TOML file (a fresh copy; callers may change it)."""
    return copy.deepcopy(_parse_file(file))


@cache
def _parse_file(file: str) -> dict[str, Any]:
    return tomllib.loads(_data_dir().joinpath(file).read_text(encoding="utf-8"))


def clear_cache() -> None:
    """Forget parsed files (tests that write a file; a deployment never needs it)."""
    _parse_file.cache_clear()


def standards() -> list[Standard]:
    """Every standard to show: the registered ones whose file exists, in registry order,
    then each other TOML file (no engine known: displayed, not overridable)."""
    present = set(data_files())
    listed = [s for s in REGISTRY if s.file in present]
    known = {s.file for s in REGISTRY}
    for name in sorted(present - known):
        stem = name.removesuffix(".toml")
        listed.append(
            Standard(
                code=stem, purpose=_("Not used by an engine yet"), file=name, module="", loader=None
            )
        )
    return listed


def get(code: str) -> Standard | None:
    """The standard with ``code`` (its file name without .toml), or None."""
    return next((s for s in standards() if s.code == code), None)


# --------------------------------------------------------------------------- overrides


def check_depth(standard: Standard, overrides: Mapping[str, Any]) -> None:
    """Raise ``OverrideError`` if ``overrides`` nest deeper than the standard's data file
    can (measured without recursion: a document hundreds of levels deep would otherwise
    break ``copy.deepcopy`` in the merge before the engine could refuse it)."""
    limit = min(jsonsafe.value_depth(raw_file(standard.file)), jsonsafe.MAX_DEPTH)
    if jsonsafe.value_depth(dict(overrides)) > limit:
        raise OverrideError(jsonsafe.too_deep_message(limit))


def merge_overrides(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` deep-merged over ``base`` (tables merge key by key; anything else replaces).

    This is how organisation overrides are laid over the overrides for every organisation.
    Documents deeper than ``jsonsafe.MAX_DEPTH`` are refused (``OverrideError``) first.
    """
    for document in (base, over):
        if jsonsafe.value_depth(dict(document)) > jsonsafe.MAX_DEPTH:
            raise OverrideError(jsonsafe.too_deep_message(jsonsafe.MAX_DEPTH))
    return _merge(base, over)


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def leaf_paths(overrides: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted path → value of every value an override sets (lists are single values)."""
    paths: dict[str, Any] = {}
    for key, value in overrides.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            paths.update(leaf_paths(value, path))
        else:
            paths[path] = value
    return paths


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "table"
    return type(value).__name__


def structural_merge(base: dict[str, Any], over: Mapping[str, Any], path: str = "") -> Any:
    """Merge ``over`` into ``base`` checking only the structure of the file: every key must
    exist, a value keeps its kind (number, text, true/false, list, table), numbers are finite;
    items of a list of tables are addressed by their ``key``. For engines without a loader.
    """
    for key, value in over.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in base:
            raise OverrideError(f"override {where}: no such parameter")
        current = base[key]
        if isinstance(current, list) and current and all(isinstance(i, dict) for i in current):
            if not isinstance(value, Mapping):
                raise OverrideError(f"override {where}: expected a table of item keys")
            items = {str(item.get("key")): item for item in current}
            for item_key, item_over in value.items():
                if item_key not in items or not isinstance(item_over, Mapping):
                    raise OverrideError(f"override {where}.{item_key}: no such item")
                structural_merge(items[item_key], item_over, f"{where}.{item_key}")
        elif isinstance(current, dict):
            if not isinstance(value, Mapping):
                raise OverrideError(f"override {where}: expected a table")
            structural_merge(current, value, where)
        else:
            if _kind(value) != _kind(current):
                raise OverrideError(f"override {where}: expected {_kind(current)}, got {value!r}")
            numbers = value if isinstance(value, list) else [value]
            if any(isinstance(n, float) and not math.isfinite(n) for n in numbers):
                raise OverrideError(f"override {where}: expected a finite number")
            if isinstance(current, list) and [_kind(i) for i in value] != [
                _kind(i) for i in current
            ]:
                raise OverrideError(
                    f"override {where}: expected a list like {current!r}, got {value!r}"
                )
            base[key] = copy.deepcopy(value)
    return base


# --------------------------------------------------------------------------- display


@dataclass(frozen=True)
class Value:
    """One value of a table: ``path`` is the dotted address an override uses."""

    key: str
    path: str
    value: Any

    @property
    def is_text(self) -> bool:
        """Text values are labels (names, units, item keys), not numbers to verify."""
        return isinstance(self.value, str)


@dataclass(frozen=True)
class Table:
    """A table of values sharing one provenance (``confirmed`` None: no source given, e.g.
    a structural table such as the road-class groups)."""

    path: str
    source: str
    confirmed: bool | None
    values: tuple[Value, ...]
    checked: str = ""


@dataclass(frozen=True)
class Document:
    """A standards file as read for display; ``error`` when it cannot be parsed."""

    file: str
    meta: Mapping[str, Any]
    tables: tuple[Table, ...]
    error: str = ""

    @property
    def unconfirmed_values(self) -> int:
        """How many values (text labels aside) sit in tables marked ``confirmed = false``."""
        return sum(
            1 for t in self.tables if t.confirmed is False for v in t.values if not v.is_text
        )

    @property
    def unconfirmed_tables(self) -> int:
        return sum(1 for t in self.tables if t.confirmed is False)

    @property
    def value_count(self) -> int:
        return sum(1 for t in self.tables for v in t.values if not v.is_text)


def _tables(
    node: Mapping[str, Any], path: str, inherited: tuple[str, bool | None, str]
) -> Iterator[Table]:
    provenance = inherited
    if any(k in node for k in PROVENANCE_KEYS):
        confirmed = node.get("confirmed")
        provenance = (
            str(node.get("source", "")),
            confirmed if isinstance(confirmed, bool) else None,
            str(node.get("checked", "")),
        )
    nested: list[tuple[str, Any]] = []
    values: list[Value] = []
    for key, value in node.items():
        if key in PROVENANCE_KEYS:
            continue
        if isinstance(value, Mapping) or (
            isinstance(value, list) and value and all(isinstance(i, Mapping) for i in value)
        ):
            nested.append((key, value))
        elif path:
            values.append(Value(key=key, path=f"{path}.{key}", value=value))
    if path and values:
        yield Table(
            path=path,
            source=provenance[0],
            confirmed=provenance[1],
            values=tuple(values),
            checked=provenance[2],
        )
    for key, value in nested:
        where = f"{path}.{key}" if path else key
        if isinstance(value, Mapping):
            yield from _tables(value, where, provenance)
        else:
            for n, item in enumerate(value):
                yield from _tables(item, f"{where}.{item.get('key', n)}", provenance)


def read_document(file: str) -> Document:
    """The file's metadata and tables of values with their provenance, in file order."""
    try:
        raw = _parse_file(file)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Document(file=file, meta={}, tables=(), error=str(exc))
    meta = {k: raw[k] for k in META_KEYS if k in raw and not isinstance(raw[k], Mapping)}
    return Document(file=file, meta=meta, tables=tuple(_tables(raw, "", ("", None, ""))))
