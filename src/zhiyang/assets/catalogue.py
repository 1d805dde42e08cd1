"""The packaged data of the assets app: the asset-type catalogue (data/asset_types.toml),
the structures' inspection intervals (data/inspection_intervals.toml), the SCI/TCI damage
items (from the rating standard, ``analytics/standards/jtg5210_2018.toml``) and the check
of an asset's attributes against its type's JSON Schema."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from django.utils.translation import gettext as _

from zhiyang.analytics import rating, roadside
from zhiyang.analytics.parameters import ParameterError, provenance

KINDS = ("subgrade", "facility", "structure")
GEOMETRIES = ("point", "linear")


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("zhiyang.assets").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def asset_types() -> dict[str, Any]:
    """The catalogue: ``{"version": ..., "types": [...]}``, validated."""
    data = _data("asset_types.toml")
    items = damage_items()
    seen: set[str] = set()
    for entry in data["types"]:
        code = entry.get("code")
        if not code or code in seen:
            raise ParameterError(f"asset_types: missing or duplicate code {code!r}")
        seen.add(code)
        if entry.get("kind") not in KINDS or entry.get("geometry") not in GEOMETRIES:
            raise ParameterError(f"asset_types.{code}: bad kind or geometry")
        index = index_of_kind(entry["kind"])
        for key in entry.get("damage", []):
            if (index, key) not in items:
                raise ParameterError(f"asset_types.{code}: {key!r} is not a {index} damage item")
        if entry["kind"] == "structure" and entry.get("structure") not in roadside.STRUCTURE_KINDS:
            raise ParameterError(f"asset_types.{code}: a structure needs bridge/tunnel/culvert")
        jsonschema.Draft202012Validator.check_schema(entry.get("attributes", {}))
    return data


def index_of_kind(kind: str) -> str:
    return {"subgrade": "sci", "facility": "tci"}.get(kind, "bci")


def parameters(overrides: Mapping[str, Any] | None = None) -> roadside.RoadsideParameters:
    params = rating.load_parameters("2018", overrides or None).roadside
    assert params is not None  # the 2018 file carries the sci/tci/bci tables
    return params


def damage_items(
    params: roadside.RoadsideParameters | None = None,
) -> dict[tuple[str, str], roadside.DamageItem]:
    """(index, item key) → the standard's damage item, for SCI and TCI."""
    params = params or parameters()
    return {(i.index, i.key): i for name in ("sci", "tci") for i in params.index(name).items}


def inspection_intervals() -> dict[str, dict[str, Any]]:
    """Structure kind → {"routine": days, "periodic": days, "source", "confirmed"}."""
    data = _data("inspection_intervals.toml")
    out: dict[str, dict[str, Any]] = {}
    for kind in roadside.STRUCTURE_KINDS:
        table = data[kind]
        prov = provenance(table, kind)
        out[kind] = {
            "routine": int(table["routine"]),
            "periodic": int(table["periodic"]),
            "source": prov.source,
            "confirmed": prov.confirmed,
        }
    return out


def attribute_errors(schema: Mapping[str, Any], attributes: Any) -> list[str]:
    """Messages for every way ``attributes`` breaks the type's JSON Schema ([] if none)."""
    if not schema:
        return []
    validator = jsonschema.Draft202012Validator(schema)
    messages = []
    for error in sorted(validator.iter_errors(attributes), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.path) or _("attributes")
        messages.append(f"{where}: {error.message}")
    return messages
