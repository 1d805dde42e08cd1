"""The shared standards plumbing: every kernel's overrides fail the same way, by path."""

from __future__ import annotations

import pytest

from zhiyang.analytics import parameters, rating, specs, workzone
from zhiyang.analytics.parameters import ParameterError


def test_merge_names_the_path_of_what_is_wrong() -> None:
    base = {"a": {"b": 1.0, "items": [{"key": "x", "v": 1}]}, "c": 2}
    done = parameters.merge(base, {"a": {"b": 3.0, "items": {"x": {"v": 5}}}})
    assert base["a"] == {"b": 3.0, "items": [{"key": "x", "v": 5}]}
    assert done == ["a.b", "a.items.x.v"]
    for bad, where in (
        ({"a": {"bb": 1}}, "a.bb"),
        ({"c": {"d": 1}}, "c"),
        ({"a": 1}, "a"),
        ({"a": {"items": {"y": {}}}}, "a.items.y"),
    ):
        with pytest.raises(ParameterError, match=f"override {where}:"):
            parameters.merge({"a": {"b": 1.0, "items": [{"key": "x"}]}, "c": 2}, bad)


def test_overridden_tables_say_so_unless_the_override_does() -> None:
    params = {
        "t": {"source": "JTG", "confirmed": True, "v": 1},
        "u": {"source": "X", "confirmed": False},
    }
    parameters.merge_tables(params, {"t": {"v": 2}, "u": {"source": "own", "confirmed": True}})
    assert params["t"] == {"source": "override of JTG", "confirmed": False, "v": 2}
    assert params["u"] == {"source": "own", "confirmed": True}
    assert parameters.inherited_provenance(params, "t") == parameters.Provenance(
        "override of JTG", False
    )


def test_one_error_type_for_every_kernel() -> None:
    """rating, specs and workzone raise the same class (one ``except`` in the services)."""
    assert rating.ParameterError is specs.ParameterError is workzone.ParameterError
    with pytest.raises(ParameterError):
        workzone.load_parameters({"no_such_table": {"x": 1}})
    with pytest.raises(ParameterError):
        specs.load_parameters({"thickness": {"no_such_key": 1}})
    with pytest.raises(ParameterError):
        rating.load_parameters("2018", {"no_such": 1})


def test_merge_refuses_a_deep_override_before_copying() -> None:
    from zhiyang.analytics import parameters

    deep: object = 1.0
    for _level in range(2_000):
        deep = [deep]
    with pytest.raises(parameters.ParameterError, match="deeper"):
        parameters.merge({"a": 1.0}, {"a": deep})
