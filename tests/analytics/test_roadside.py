"""SCI, TCI, BCI and the complete MQI: golden cases computed by hand from the formulas of
JTG 5210-2018 with the packaged defaults (docs/assets.md has the same cases written out)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zhiyang.analytics import rating, roadside
from zhiyang.analytics.parameters import ParameterError

NAN = math.nan


@pytest.fixture(scope="module")
def params() -> rating.RatingParameters:
    return rating.load_parameters("2018")


def test_defaults_are_marked_to_verify(params):
    parts = params.roadside
    assert parts is not None
    assert parts.sci.weighted and parts.tci.weighted
    assert math.isclose(sum(parts.sci.weights.values()), 1.0)
    assert math.isclose(sum(parts.tci.weights.values()), 1.0)
    assert "sci.weights" in params.unconfirmed() and "bci.bridge" in params.unconfirmed()
    assert params.mqi_weights == {"sci": 0.08, "pqi": 0.70, "bci": 0.12, "tci": 0.10}


def test_sci_hand_computed(params):
    sci = params.roadside.sci
    # Unit A: one heavy slope collapse (50) and 5 m of kerb missing (5 × 4 = 20):
    #   SCI = 100 − 0.20·50 − 0.05·20 = 89.
    # Unit B: 3 heavy settlements (3 × 50 = 150, capped at 100) and 40 m² heavy shoulder
    #   damage (40 × 2 = 80): SCI = 100 − 0.15·100 − 0.10·80 = 77.
    # Unit C: surveyed, nothing found: 100.  Unit D: not surveyed: NaN.
    q = {
        "slope_collapse_heavy": [1, 0, 0, NAN],
        "curb_damage": [5, NAN, 0, NAN],
        "settlement_heavy": [NAN, 3, NAN, NAN],
        "shoulder_damage_heavy": [NAN, 40, NAN, NAN],
    }
    out = roadside.deduction_index(sci, q)
    np.testing.assert_allclose(out[:3], [89.0, 77.0, 100.0])
    assert math.isnan(out[3])


def test_sci_floor_at_zero_and_unweighted_sum():
    params = rating.load_parameters("2018", {"sci": {"weighted": False}})
    # Unweighted: SCI = 100 − min(100, 50·1) − min(100, 4·20) = 100 − 50 − 80 → 0 (floor).
    out = roadside.deduction_index(
        params.roadside.sci, {"slope_collapse_heavy": [1, 1], "curb_damage": [20, 0]}
    )
    np.testing.assert_allclose(out, [0.0, 50.0])


def test_tci_hand_computed(params):
    # 2 missing signs (2 × 20 = 40) and 100 m of worn marking (100 × 0.1 = 10):
    #   TCI = 100 − 0.25·40 − 0.20·10 = 88.
    # 1 heavy + 2 light barrier damages (30 + 20 = 50), 1 fence (10):
    #   TCI = 100 − 0.25·50 − 0.10·10 = 86.5
    out = roadside.deduction_index(
        params.roadside.tci,
        {
            "sign_damage": [2, 0],
            "marking_damage": [100, 0],
            "guard_damage_heavy": [0, 1],
            "guard_damage_light": [0, 2],
            "fence_damage": [0, 1],
        },
    )
    np.testing.assert_allclose(out, [88.0, 86.5])


def test_bci_worst_structure_decides(params):
    # bridge class 2 (80) + culvert class 3 (70) → 70; tunnel 4 → 40; none → 100; bridge 5 → 0
    out = roadside.bci(
        params.roadside,
        {
            "bridge": [2, NAN, NAN, 5, 1],
            "culvert": [3, NAN, NAN, NAN, NAN],
            "tunnel": [NAN, 4, NAN, NAN, NAN],
        },
    )
    np.testing.assert_allclose(out, [70.0, 40.0, 100.0, 0.0, 100.0])


def test_worst_classes_from_structure_rows():
    worst = roadside.worst_classes(
        [0, 0, 1, 2], ["bridge", "bridge", "tunnel", "culvert"], [2, 4, 3, NAN], 3
    )
    np.testing.assert_array_equal(worst["bridge"], [4, NAN, NAN])
    np.testing.assert_array_equal(worst["tunnel"], [NAN, 3, NAN])
    assert np.all(np.isnan(worst["culvert"]))


def test_complete_mqi_through_rate(params):
    # PQI of 二级 asphalt: PCI = 100 − 15·0.5^0.412, RQI = 100/(1 + 0.0185·e^(0.58·2)),
    # PQI = 0.6·PCI + 0.4·RQI; SCI 89, TCI 88 (cases above), BCI 80 (bridge class 2):
    # MQI = 0.70·PQI + 0.08·89 + 0.12·80 + 0.10·88.
    pci = 100 - 15.0 * 0.5**0.412
    rqi = 100 / (1 + 0.0185 * math.exp(0.58 * 2.0))
    pqi = 0.6 * pci + 0.4 * rqi
    columns = {
        "road_class": ["class2", "class2", "class2"],
        "pavement": ["asphalt"] * 3,
        "dr": [0.5, 0.5, 0.5],
        "iri": [2.0, 2.0, 2.0],
        "sci_slope_collapse_heavy": [1, 0, 0],
        "sci_curb_damage": [5, 0, 0],
        "tci_sign_damage": [2, 0, 0],
        "tci_marking_damage": [100, 0, 0],
        "bci_bridge": [2, NAN, 5],
    }
    out = rating.rate(columns, parameters=params)
    np.testing.assert_allclose(out["sci"], [89, 100, 100])
    np.testing.assert_allclose(out["tci"], [88, 100, 100])
    np.testing.assert_allclose(out["bci"], [80, 100, 0])
    expected = 0.70 * pqi + 0.08 * 89 + 0.12 * 80 + 0.10 * 88
    assert out["mqi"][0] == pytest.approx(expected)
    assert out["mqi"][0] == pytest.approx(89.2247, abs=1e-3)
    assert out["mqi"][1] == pytest.approx(0.70 * pqi + 30.0)
    # A class-5 structure in the unit: MQI = 0 (the standard's rule, switchable).
    assert out["mqi"][2] == 0.0
    assert list(out["grade_bci"]) == ["良", "优", "差"]
    off = rating.load_parameters("2018", {"bci": {"mqi_zero_on_class5": False}})
    assert rating.rate(columns, parameters=off)["mqi"][2] == pytest.approx(0.70 * pqi + 18.0)


def test_given_values_still_accepted_and_quantities_take_precedence(params):
    out = rating.rate(
        {
            "road_class": ["class2", "class2"],
            "pavement": ["asphalt", "asphalt"],
            "dr": [0.5, 0.5],
            "iri": [2.0, 2.0],
            "sci": [70.0, 70.0],
            "sci_slope_collapse_heavy": [1, NAN],
            "bci": [60.0, NAN],
            "bci_bridge": [NAN, NAN],
            "tci": [90.0, 90.0],
        },
        parameters=params,
    )
    np.testing.assert_allclose(out["sci"], [90.0, 70.0])
    np.testing.assert_allclose(out["bci"], [60.0, 100.0])


def test_invalid_inputs_are_listed(params):
    with pytest.raises(rating.RatingInputError) as info:
        rating.rate(
            {
                "road_class": ["class2"],
                "pavement": ["asphalt"],
                "bci_bridge": [6],
                "sci_curb_damage": [-1],
            },
            parameters=params,
        )
    codes = {(e.column, e.code) for e in info.value.errors}
    assert codes == {("bci_bridge", "class"), ("sci_curb_damage", "negative")}


def test_overrides_are_validated():
    with pytest.raises(ParameterError, match="sum to 1"):
        rating.load_parameters("2018", {"sci": {"weights": {"slope_collapse": 0.9}}})
    with pytest.raises(ParameterError, match="not rise"):
        rating.load_parameters("2018", {"bci": {"bridge": {"class4": 90.0}}})
    p = rating.load_parameters("2018", {"tci": {"items": {"sign_damage": {"deduction": 25.0}}}})
    assert p.roadside.tci.item("sign_damage").deduction == 25.0
