"""JTG F40-2004 acceptance ranges (analytics/specs.py): golden values from the standards
sheet (shared/docs/STANDARDS.md §3), context handling, overrides, boundaries."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiyang.analytics import specs


def rng(code: str, **ctx: object) -> tuple[float | None, float | None]:
    found = specs.acceptance_range(code, ctx)
    return found.min_value, found.max_value


@pytest.mark.parametrize(
    "grade, plant, arrival, discard, paving, paving_low, start, start_low",
    [
        ("50", (150, 170), 150, 200, 140, 160, 135, 150),
        ("70", (145, 165), 145, 195, 135, 150, 130, 145),
        ("90", (140, 160), 140, 190, 130, 140, 125, 135),
        ("110", (135, 155), 135, 185, 125, 135, 120, 130),
    ],
)
def test_hot_mix_temperatures_by_grade(
    grade, plant, arrival, discard, paving, paving_low, start, start_low
):
    assert rng("mix_temp_plant_c", binder_grade=grade) == plant
    assert rng("mix_temp_arrival_c", binder_grade=grade) == (arrival, discard)
    assert rng("mix_temp_paving_c", binder_grade=grade) == (paving, discard)
    assert rng("mix_temp_paving_c", binder_grade=grade, season="low_temperature")[0] == paving_low
    assert rng("rolling_start_temp_c", binder_grade=grade)[0] == start
    assert (
        rng("rolling_start_temp_c", binder_grade=f"{grade}#", season="low_temperature")[0]
        == start_low
    )


@pytest.mark.parametrize(
    "grade, steel, pneumatic, vibratory",
    [("50", 80, 85, 75), ("70", 70, 80, 70), ("90", 65, 75, 60), ("110", 60, 70, 55)],
)
def test_end_of_rolling_by_roller(grade, steel, pneumatic, vibratory):
    for roller, value in (("steel", steel), ("pneumatic", pneumatic), ("vibratory", vibratory)):
        assert rng("rolling_end_temp_c", binder_grade=grade, roller=roller) == (value, None)


def test_sbs_modified():
    assert rng("mix_temp_plant_c", binder_grade="sbs") == (170, 185)
    assert rng("mix_temp_paving_c", modified=True) == (160, 195)
    assert rng("rolling_start_temp_c", binder_grade="sbs")[0] == 150
    assert rng("rolling_end_temp_c", binder_grade="sbs", roller="pneumatic")[0] == 90
    assert rng("paver_speed_m_per_min", binder_grade="sbs") == (1, 3)


def test_paver_and_roller_speeds():
    assert rng("paver_speed_m_per_min") == (2, 6)
    assert rng("paver_speed_m_per_min", mix_type="sma") == (1, 3)
    found = specs.acceptance_range(
        "roller_speed_kmh", {"roller": "pneumatic", "rolling_phase": "final"}
    )
    assert (found.min_value, found.max_value) == (None, 8)
    assert (found.target_min, found.target_max) == (4, 6)
    assert rng("roller_speed_kmh", roller="vibratory", rolling_phase="intermediate") == (None, 5)
    assert rng("roller_speed_kmh", roller="steel", rolling_phase="initial") == (None, 4)


@pytest.mark.parametrize(
    "base, product, expected",
    [
        ("semi_rigid", "emulsion", (0.7, 1.5)),
        ("semi_rigid", "cutback", (0.6, 1.5)),
        ("granular", "emulsion", (1.0, 2.0)),
        ("granular", "cutback", (1.0, 2.3)),
        ("asphalt", "emulsion", (0.3, 0.6)),
    ],
)
def test_spray_rates(base, product, expected):
    assert rng("spray_rate_l_per_m2", base_type=base, product=product) == expected


def test_open_to_traffic_and_thickness():
    assert rng("open_traffic_temp_c") == (None, 50)
    assert rng("thickness_mm", design_thickness_mm=40) == (36, 46)
    assert rng(
        "thickness_mm",
        design_thickness_mm=40,
        thickness_tolerance_minus_mm=3,
        thickness_tolerance_plus_mm=5,
    ) == (37, 45)
    assert rng("loose_thickness_mm", design_thickness_mm=40) == (46, 54)


@pytest.mark.parametrize(
    "code, ctx",
    [
        ("nope", {}),
        ("mix_temp_paving_c", {"binder_grade": "60"}),
        ("mix_temp_paving_c", {"season": "summer"}),
        ("rolling_end_temp_c", {"roller": "tandem"}),
        ("spray_rate_l_per_m2", {"base_type": ""}),
        ("spray_rate_l_per_m2", {"base_type": "asphalt", "product": "cutback"}),
        ("thickness_mm", {}),
        ("thickness_mm", {"design_thickness_mm": "abc"}),
    ],
)
def test_bad_context_is_a_spec_error(code, ctx):
    with pytest.raises(specs.SpecError):
        specs.acceptance_range(code, ctx)


def test_every_value_is_unconfirmed_and_cited():
    found = specs.acceptance_range("mix_temp_arrival_c", {"binder_grade": "70"})
    assert found.confirmed is False and "JTG F40-2004" in found.source
    assert found.label() == "145–195 °C"


def test_overrides_are_merged_and_validated():
    params = specs.load_parameters({"hot_mix": {"grade_70": {"arrival_min_c": 150.0}}})
    found = specs.acceptance_range("mix_temp_arrival_c", {"binder_grade": "70"}, params)
    assert found.min_value == 150 and found.source.startswith("override of")
    with pytest.raises(specs.ParameterError):
        specs.load_parameters({"hot_mix": {"grade_70": {"nope": 1.0}}})
    with pytest.raises(specs.ParameterError):
        specs.load_parameters({"paver_speed": {"normal_m_per_min": [6.0, 2.0]}})
    with pytest.raises(specs.ParameterError):
        specs.load_parameters({"open_to_traffic": {"surface_max_c": "hot"}})


def test_registered_as_an_overridable_standard():
    from zhiyang.standards import registry

    standard = registry.get("jtg_f40_2004")
    assert standard is not None and standard.overridable
    assert standard.load({"tack_coat": {"asphalt": {"emulsion": [0.3, 0.7]}}})
    document = registry.read_document(standard.file)
    assert document.unconfirmed_values == document.value_count > 50


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_check_is_inclusive_and_rejects_non_finite(value):
    found = specs.acceptance_range("spray_rate_l_per_m2", {"base_type": "asphalt"})
    expected = math.isfinite(value) and 0.3 <= value <= 0.6
    assert found.check(value) is expected
