"""The registry: every data file present is listed and readable, registered ones load through
their engine, and overrides are validated by the engine's own parameter object."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiyang.analytics import rating
from zhiyang.standards import registry


def test_every_toml_file_is_listed_and_readable():
    files = registry.data_files()
    assert {"jtg5210_2018.toml", "jtg_h20_2007.toml", "iri_astm_e1926.toml"} <= set(files)
    listed = registry.standards()
    assert sorted(s.file for s in listed) == files
    for standard in listed:
        document = registry.read_document(standard.file)
        assert document.error == "", standard.code
        assert document.tables, standard.code
        assert document.meta.get("code"), standard.code
        # The registered ones build their engine's parameter object without overrides.
        assert standard.load({}) is not None


def test_rating_loads_the_real_parameter_object():
    standard = registry.get("jtg5210_2018")
    assert standard is not None and standard.overridable
    params = standard.load({"pbi": {"light": 20.0}})
    assert isinstance(params, rating.RatingParameters)
    assert params.pbi is not None and params.pbi["light"] == 20.0
    assert params.overridden == ("pbi.light",)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pbi": {"light": "x"}}, "pbi.light: expected a finite number"),
        ({"mqi": {"sci": 0.5}}, "mqi: weights must be >= 0 and sum to 1"),
        ({"pci": {"asphalt": {"a9": 1.0}}}, "override pci.asphalt.a9: no such parameter"),
    ],
)
def test_a_bad_override_is_refused_with_the_engines_message(overrides, message):
    standard = registry.get("jtg5210_2018")
    assert standard is not None
    with pytest.raises(registry.OverrideError) as caught:
        standard.load(overrides)
    # Exactly what the engine says.
    with pytest.raises(rating.ParameterError) as engine:
        rating.load_parameters("2018", overrides)
    assert str(caught.value) == str(engine.value)
    assert message in str(caught.value)


def test_fixed_standard_refuses_any_override():
    standard = registry.get("iri_astm_e1926")
    assert standard is not None and not standard.overridable
    with pytest.raises(registry.OverrideError, match="fixed"):
        standard.load({"quarter_car": {"k1": 600.0}})


def test_document_tables_carry_provenance_and_override_paths():
    document = registry.read_document("jtg5210_2018.toml")
    tables = {t.path: t for t in document.tables}
    assert tables["pci.asphalt"].confirmed is True
    assert "ch. 5" in tables["pci.asphalt"].source
    assert tables["pbi"].confirmed is False
    assert tables["class_groups"].confirmed is None  # structural, no source
    item = tables["distress.asphalt.pothole_heavy"]
    weight = next(v for v in item.values if v.key == "weight")
    # The path of a value is the address an override uses (distress items by key).
    assert weight.path == "distress.asphalt.pothole_heavy.weight"
    params = rating.load_parameters(
        "2018", {"distress": {"asphalt": {"pothole_heavy": {"weight": 1.1}}}}
    )
    assert params.overridden == (weight.path,)
    # Text labels (names, units) are not counted as values to verify.
    assert 0 < document.unconfirmed_values < document.value_count


def test_a_file_without_registry_entry_is_still_listed(tmp_path, monkeypatch):
    (tmp_path / "jtg_e00_2000.toml").write_text(
        'code = "JTG E00-2000"\nversion = "1"\n'
        '[paving]\nsource = "ch. 5"\nconfirmed = false\nmin_c = 135\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(registry, "_data_dir", lambda: tmp_path)
    registry.clear_cache()
    try:
        listed = {s.code: s for s in registry.standards()}
        assert "jtg_e00_2000" in listed and not listed["jtg_e00_2000"].overridable
        document = registry.read_document("jtg_e00_2000.toml")
        assert document.unconfirmed_values == 1
    finally:
        registry.clear_cache()


def test_structural_merge_checks_keys_and_kinds():
    base = {
        "a": {"source": "x", "confirmed": False, "n": 1.0, "flag": True},
        "items": [{"key": "k", "w": 1}],
    }
    merged = registry.structural_merge(
        registry.merge_overrides(base, {}), {"a": {"n": 2}, "items": {"k": {"w": 3}}}
    )
    assert merged["a"]["n"] == 2 and merged["items"][0]["w"] == 3
    for bad, text in (
        ({"a": {"m": 1}}, "no such parameter"),
        ({"a": {"n": "two"}}, "expected number"),
        ({"a": {"flag": 1}}, "expected true/false"),
        ({"a": 3}, "expected a table"),
        ({"items": {"zz": {"w": 1}}}, "no such item"),
        ({"a": {"n": math.inf}}, "finite"),
    ):
        with pytest.raises(registry.OverrideError, match=text):
            registry.structural_merge(registry.merge_overrides(base, {}), bad)


nested = st.recursive(
    st.integers(-5, 5),
    lambda children: st.dictionaries(st.sampled_from("abc"), children, max_size=3),
    max_leaves=8,
)


@given(
    st.dictionaries(st.sampled_from("abc"), nested, max_size=3),
    st.dictionaries(st.sampled_from("abc"), nested, max_size=3),
)
def test_merge_then_leaves_prefers_the_later_override(base, over):
    merged = registry.merge_overrides(base, over)
    leaves = registry.leaf_paths(merged)
    for path, value in registry.leaf_paths(over).items():
        assert leaves[path] == value
    # Merging never changes its inputs.
    assert registry.merge_overrides(base, over) == merged


def test_work_zone_overrides_are_checked_then_loaded_by_the_engine():
    standard = registry.get("jtg_h30_2015")
    assert standard is not None
    from zhiyang.analytics import workzone

    params = standard.load({"buffer": {"length_m": {"80": [130.0, 160.0]}}})
    assert params["buffer"]["length_m"]["80"] == [130.0, 160.0]
    layout = workzone.design_work_zone(
        speed_limit_kmh=80,
        work_length_m=500,
        parameters={"buffer": {"length_m": {"80": [130.0, 160.0]}}},
    )
    assert layout is not None
    for bad, text in (
        ({"buffer": {"length_m": {"80": [130.0]}}}, "expected a list like"),
        ({"buffer": {"downgrade_threshold_pct": "x"}}, "expected number"),
        ({"bufer": {"a": 1}}, "no such parameter"),
    ):
        with pytest.raises(registry.OverrideError, match=text):
            standard.load(bad)
