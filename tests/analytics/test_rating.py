"""The rating engine (zhiyang.analytics.rating): golden values worked by hand from the
formulas of JTG 5210-2018 / JTG H20-2007 (arithmetic in the comments), boundaries,
applicability, input validation, parameter overrides, properties, aggregation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.analytics import rating
from zhiyang.analytics.rating import (
    GRADES,
    ParameterError,
    RatingInputError,
    aggregate,
    distress_items,
    good_rate,
    grade,
    grade_of,
    grade_shares,
    load_parameters,
    poor_rate,
    rate,
    summarise,
)

NAN = math.nan


def one(edition: str = "2018", **columns: Any) -> dict[str, Any]:
    """Rate a single unit (expressway asphalt unless told); return scalars."""
    row: dict[str, Any] = {"road_class": "expressway", "pavement": "asphalt", **columns}
    result = rate({k: [v] for k, v in row.items()}, edition=edition)
    return {k: v[0] for k, v in result.items()}


# ----------------------------------------------------------------- golden values, one index


def test_rqi_golden_values() -> None:
    # Expressway, IRI 2.0: 100 / (1 + 0.026·e^(0.65·2.0)) = 100 / (1 + 0.026·3.669297)
    #   = 100 / 1.0954017 = 91.29071
    assert one(iri=2.0)["rqi"] == pytest.approx(91.29071, abs=1e-4)
    # Class 3, IRI 4.0: 100 / (1 + 0.0185·e^(0.58·4.0)) = 100 / (1 + 0.0185·10.175674)
    #   = 100 / 1.1882500 = 84.15738
    assert one(road_class="class3", iri=4.0)["rqi"] == pytest.approx(84.15738, abs=1e-4)
    # Class 1 uses the expressway parameters.
    assert one(road_class="class1", iri=2.0)["rqi"] == pytest.approx(91.29071, abs=1e-4)


def test_pci_golden_values_from_dr() -> None:
    # DR 1 %: asphalt 100 − 15.00·1^0.412 = 85; concrete 100 − 10.66·1^0.461 = 89.34.
    assert one(dr=1.0)["pci"] == pytest.approx(85.0)
    assert one(pavement="concrete", dr=1.0)["pci"] == pytest.approx(89.34)
    # DR 10 %: 10^0.412 = 2.582260, 100 − 15·2.582260 = 61.26610
    assert one(dr=10.0)["pci"] == pytest.approx(61.26610, abs=1e-4)
    # DR 0 → 100; DR 100 → 100 − 15·100^0.412 = 100 − 15·6.6681 < 0 → clipped to 0.
    assert one(dr=0.0)["pci"] == 100.0
    assert one(dr=100.0)["pci"] == 0.0


def test_dr_from_asphalt_quantities_with_length_to_area_conversion() -> None:
    # Unit 100 m × 3.75 m = 375 m².
    #   alligator_heavy 3 m² × 1.0                     = 3.0 m²
    #   transverse_crack_light 25 m × 0.2 m × 0.6      = 3.0 m²
    #   rutting_heavy 15 m × 0.4 m × 1.0               = 6.0 m²
    # DR = 100 · 12 / 375 = 3.2 %; PCI = 100 − 15·3.2^0.412 = 100 − 15·1.614833 = 75.77783
    r = one(
        length_m=100.0,
        width_m=3.75,
        alligator_heavy=3.0,
        transverse_crack_light=25.0,
        rutting_heavy=15.0,
    )
    assert r["dr"] == pytest.approx(3.2)
    assert r["pci"] == pytest.approx(75.77783, abs=1e-4)


def test_dr_from_concrete_quantities() -> None:
    # Unit 1000 m × 7.5 m = 7500 m².
    #   crack_medium 50 m × 1.0 m × 0.8            = 40 m²
    #   broken_slab_heavy 20 m² × 1.0              = 20 m²
    #   joint_seal_damage_light 100 m × 1.0 × 0.4  = 40 m²
    # DR = 100 · 100 / 7500 = 1.33333 %; PCI = 100 − 10.66·1.33333^0.461
    #   = 100 − 10.66·1.141814 = 87.82822
    r = one(
        pavement="concrete",
        length_m=1000.0,
        width_m=7.5,
        crack_medium=50.0,
        broken_slab_heavy=20.0,
        joint_seal_damage_light=100.0,
    )
    assert r["dr"] == pytest.approx(4 / 3)
    assert r["pci"] == pytest.approx(87.82822, abs=1e-4)


def test_dr_rules() -> None:
    # A given dr wins over quantities; blank quantities next to a given one count as 0;
    # a unit without quantities and without dr has no DR; DR is capped at 100 %.
    assert one(dr=2.0, length_m=100.0, width_m=3.75, pothole_heavy=50.0)["dr"] == 2.0
    assert one(length_m=100.0, width_m=4.0, pothole_heavy=NAN, bleeding=0.0)["dr"] == 0.0
    assert math.isnan(one(length_m=100.0, width_m=4.0)["dr"])
    assert one(length_m=10.0, width_m=1.0, pothole_heavy=50.0)["dr"] == 100.0


def test_rdi_boundaries_2018_and_2007() -> None:
    # 2018: RDa 10, RDb 40, a0 1, a1 3: 100 − RD up to 10 mm, 90 − 3·(RD − 10) up to 40 mm.
    cases_2018 = {0: 100, 5: 95, 10: 90, 25: 45, 40: 0, 41: 0, 80: 0}
    for rd, expected in cases_2018.items():
        assert one(rd_mm=rd)["rdi"] == pytest.approx(expected), rd
    # 2007 (verify): RDa 20, RDb 35, a0 2, a1 4: 100 − 2·RD, 60 − 4·(RD − 20), 0.
    cases_2007 = {0: 100, 10: 80, 20: 60, 30: 20, 35: 0, 36: 0}
    for rd, expected in cases_2007.items():
        assert one("2007", rd_mm=rd)["rdi"] == pytest.approx(expected), rd
    # Continuous at RDa from both sides.
    assert one(rd_mm=10 - 1e-9)["rdi"] == pytest.approx(one(rd_mm=10 + 1e-9)["rdi"])


def test_sri_pssi_pbi_pwi_golden_values() -> None:
    # SRI, SFC 40: 65 / (1 + 28.6·e^(−0.105·40)) + 35 = 65 / (1 + 28.6·0.0149956) + 35
    #   = 65 / 1.4288861 + 35 = 80.49038
    assert one(sfc=40.0)["sri"] == pytest.approx(80.49038, abs=1e-4)
    # PSSI (asphalt), SSI 1.0: 100 / (1 + 15.71·e^(−5.19)) = 100 / (1 + 15.71·0.0055706)
    #   = 100 / 1.0875142 = 91.95096
    assert one(ssi=1.0)["pssi"] == pytest.approx(91.95096, abs=1e-4)
    # PBI: 100 − 25·light − 50·medium − 100·heavy, at least 0 (deductions: verify).
    assert one(pb_light=1)["pbi"] == 75.0
    assert one(pb_light=1, pb_medium=1)["pbi"] == 25.0
    assert one(pb_heavy=2)["pbi"] == 0.0
    assert one(pb_light=0, pb_medium=NAN)["pbi"] == 100.0
    # PWI, MPD 0.6 / MPDC 0.8: WR = 100·0.2/0.8 = 25; 25^0.785 = 12.51442;
    #   100 − 1.696·12.51442 = 78.77690. MPD above MPDC is no wear: 100.
    assert one(mpd=0.6, mpdc=0.8)["pwi"] == pytest.approx(78.77690, abs=1e-4)
    assert one(mpd=0.9, mpdc=0.8)["pwi"] == 100.0


# ----------------------------------------------------------------- PQI, MQI, editions


FULL_UNIT = {
    "length_m": 1000.0,
    "width_m": 7.5,
    "dr": 1.0,
    "iri": 2.0,
    "rd_mm": 10.0,
    "sfc": 40.0,
    "pb_light": 1,
    "mpd": 0.6,
    "mpdc": 0.8,
    "sci": 95.0,
    "bci": 100.0,
    "tci": 90.0,
}


def test_pqi_and_mqi_2018_expressway_asphalt() -> None:
    # PCI 85, RQI 91.29071, RDI 90, PBI 75, PWI 78.77690:
    # PQI = .35·85 + .30·91.29071 + .15·90 + .10·75 + .10·78.77690
    #     = 29.75 + 27.38721 + 13.5 + 7.5 + 7.87769 = 86.01490 → 良
    # MQI = .08·95 + .70·86.01490 + .12·100 + .10·90 = 7.6 + 60.21043 + 12 + 9 = 88.81043 → 良
    r = one(**FULL_UNIT)
    assert r["pqi"] == pytest.approx(86.01490, abs=1e-4)
    assert r["mqi"] == pytest.approx(88.81043, abs=1e-4)
    assert (r["grade_pqi"], r["grade_mqi"]) == ("良", "良")


def test_pqi_2007_expressway_asphalt_uses_sri_not_pbi_pwi() -> None:
    # 2007: PCI 85, RQI 91.29071, RDI(10 mm) = 100 − 2·10 = 80, SRI 80.49038:
    # PQI = .35·85 + .40·91.29071 + .15·80 + .10·80.49038
    #     = 29.75 + 36.51628 + 12 + 8.04904 = 86.31532
    r = one("2007", **FULL_UNIT)
    assert r["pqi"] == pytest.approx(86.31532, abs=1e-4)
    assert math.isnan(r["pbi"]) and math.isnan(r["pwi"])  # no PBI/PWI in 2007


def test_pqi_concrete_and_lower_classes() -> None:
    # 2018 expressway concrete: PCI 89.34 (DR 1), RQI 91.29071, PBI 75, PWI 78.77690:
    # .50·89.34 + .30·91.29071 + .10·75 + .10·78.77690 = 44.67 + 27.38721 + 7.5 + 7.87769
    #   = 87.43490; RDI does not apply to concrete.
    r = one(pavement="concrete", **FULL_UNIT)
    assert math.isnan(r["rdi"])
    assert r["pqi"] == pytest.approx(87.43490, abs=1e-4)
    # 2007 expressway concrete: .50·89.34 + .40·91.29071 + .10·80.49038 = 89.23532
    assert one("2007", pavement="concrete", **FULL_UNIT)["pqi"] == pytest.approx(89.23532, abs=1e-4)
    # Class 2 (both editions, both pavements): .60·PCI + .40·RQI; RQI with the class 2–4
    # curve at IRI 3.0: 100 / (1 + 0.0185·e^1.74) = 100 / (1 + 0.0185·5.697343) = 90.46492
    # → asphalt .6·85 + .4·90.46492 = 87.18597; PBI/PWI not needed.
    for edition in rating.EDITIONS:
        r = one(edition, road_class="class2", dr=1.0, iri=3.0)
        assert r["pqi"] == pytest.approx(87.18597, abs=1e-4)
        assert math.isnan(r["mqi"])  # no SCI/BCI/TCI given


def test_pqi_needs_every_weighted_index() -> None:
    unit = dict(FULL_UNIT)
    del unit["pb_light"]
    r = one(**unit)
    assert math.isnan(r["pbi"]) and math.isnan(r["pqi"]) and r["grade_pqi"] == ""
    assert math.isnan(r["mqi"]) and r["grade_mqi"] == ""
    # An index with weight 0 (SRI in 2018) is not needed.
    unit = dict(FULL_UNIT, sfc=NAN)
    assert not math.isnan(one(**unit)["pqi"])


def test_pssi_applies_to_asphalt_only() -> None:
    assert math.isnan(one(pavement="concrete", ssi=1.0)["pssi"])


# ----------------------------------------------------------------- grades


def test_grade_boundaries() -> None:
    values = [100, 90, 89.999, 80, 79.999, 70, 69.999, 60, 59.999, 0, NAN]
    expected = ["优", "优", "良", "良", "中", "中", "次", "次", "差", "差", ""]
    assert grade(values).tolist() == expected
    assert [grade_of(v) for v in values] == expected
    assert grade([]).shape == (0,)


# ----------------------------------------------------------------- input errors


def test_invalid_input_names_row_and_column() -> None:
    columns = {
        "road_class": ["class1", "class9", "class1", "class1"],
        "pavement": ["asphalt", "asphalt", "gravel", "concrete"],
        "length_m": [100, -5, 100, 100],
        "width_m": [7, 7, 7, 7],
        "dr": [5, 5, 101, NAN],
        "alligator_light": [NAN, NAN, NAN, 3.0],
    }
    with pytest.raises(RatingInputError) as info:
        rate(columns)
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {
        (1, "road_class"),
        (1, "length_m"),
        (2, "pavement"),
        (2, "dr"),
        (3, "alligator_light"),  # an asphalt distress on a concrete unit
    }
    assert isinstance(info.value, ValueError)
    assert (info.value.row, info.value.column) == (1, "length_m")


def test_invalid_columns() -> None:
    with pytest.raises(RatingInputError, match="unknown column"):
        rate({"road_class": ["class1"], "pavement": ["asphalt"], "alligator_lite": [1.0]})
    with pytest.raises(RatingInputError, match="required"):
        rate({"pavement": ["asphalt"]})
    with pytest.raises(RatingInputError) as info:
        rate({"road_class": ["class1"], "pavement": ["asphalt", "asphalt"]})
    assert info.value.column == "pavement"
    # Quantities without a width cannot become a DR.
    with pytest.raises(RatingInputError) as info:
        rate(
            {
                "road_class": ["class1"],
                "pavement": ["asphalt"],
                "length_m": [100.0],
                "bleeding": [1.0],
            }
        )
    assert info.value.column == "width_m"


# ----------------------------------------------------------------- parameters


def test_distress_items_tables() -> None:
    for edition in rating.EDITIONS:
        asphalt = distress_items("asphalt", edition)
        concrete = distress_items("concrete", edition)
        assert (len(asphalt), len(concrete)) == (21, 20)
        assert len({i.type for i in asphalt}) == 11
        for item in asphalt + concrete:
            assert item.unit in ("m2", "m")
            assert (item.unit == "m") == (item.influence_width_m is not None)
            expected_key = f"{item.type}_{item.severity}" if item.severity else item.type
            assert item.key == expected_key
            assert item.name_zh and item.name_en and item.source
    by_key = {i.key: i for i in distress_items("asphalt")}
    assert by_key["longitudinal_crack_light"].influence_width_m == 0.2
    assert by_key["rutting_heavy"].influence_width_m == 0.4
    assert by_key["alligator_medium"].weight == 0.8
    assert by_key["bleeding"].weight == 0.2
    with pytest.raises(ParameterError):
        distress_items("gravel")


def test_parameter_files_carry_provenance() -> None:
    for edition in rating.EDITIONS:
        params = load_parameters(edition)
        assert params.edition == edition and params.version and params.title
        assert "pci.asphalt" in params.provenance and "grades" in params.provenance
        assert all(p.source for p in params.provenance.values())
        unconfirmed = params.unconfirmed()
        assert "pbi" in unconfirmed or edition == "2007"
        assert "distress.concrete.crack_light" in unconfirmed
    assert load_parameters("2007").code == "JTG H20-2007"
    with pytest.raises(ParameterError):
        load_parameters("2010")


def test_overrides_are_merged_and_validated() -> None:
    params = load_parameters(
        "2018",
        {"pbi": {"light": 30.0}, "distress": {"asphalt": {"bleeding": {"weight": 0.5}}}},
    )
    assert params.overridden == ("pbi.light", "distress.asphalt.bleeding.weight")
    result = rate(
        {"road_class": ["class1"], "pavement": ["asphalt"], "pb_light": [1]}, parameters=params
    )
    assert result["pbi"][0] == 70.0
    assert load_parameters().pbi is not None and load_parameters().pbi["light"] == 25.0
    bad = [
        {"pbi": {"lite": 30.0}},
        {"pqi": {"class2_4": {"asphalt": {"pci": 0.7}}}},  # weights sum to 1.1
        {"pqi": {"class2_4": {"concrete": {"pci": 0.5, "rdi": 0.1}}}},  # RDI not on concrete
        {"rdi": {"rda_mm": 50.0}},
        {"pci": {"asphalt": {"a0": "fifteen"}}},
        {"distress": {"asphalt": {"nothing": {"weight": 1.0}}}},
        {"edition": "2007"},
    ]
    for overrides in bad:
        with pytest.raises(ParameterError):
            load_parameters("2018", overrides)
    # A PQI weight may be added to a table (e.g. SRI in 2018) if the sum stays 1.
    params = load_parameters("2018", {"pqi": {"class2_4": {"asphalt": {"pci": 0.5, "sri": 0.1}}}})
    assert params.pqi_weights["class2_4"]["asphalt"]["sri"] == 0.1


# ----------------------------------------------------------------- properties

index_input = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    iri=st.lists(st.floats(0.0, 30.0), min_size=2, max_size=20),
    rd=st.lists(st.floats(0.0, 100.0), min_size=2, max_size=20),
    sfc=st.lists(st.floats(0.0, 120.0), min_size=2, max_size=20),
    dr=st.lists(index_input, min_size=2, max_size=20),
    ssi=st.lists(st.floats(0.0, 5.0), min_size=2, max_size=20),
    edition=st.sampled_from(rating.EDITIONS),
    road_class=st.sampled_from(rating.ROAD_CLASSES),
    pavement=st.sampled_from(rating.PAVEMENTS),
)
def test_indices_bounded_and_monotone(
    iri: list[float],
    rd: list[float],
    sfc: list[float],
    dr: list[float],
    ssi: list[float],
    edition: str,
    road_class: str,
    pavement: str,
) -> None:
    n = min(map(len, (iri, rd, sfc, dr, ssi)))
    columns = {
        "road_class": [road_class] * n,
        "pavement": [pavement] * n,
        "iri": sorted(iri[:n]),
        "rd_mm": sorted(rd[:n]),
        "sfc": sorted(sfc[:n]),
        "dr": sorted(dr[:n]),
        "ssi": sorted(ssi[:n]),
    }
    out = rate(columns, edition=edition)
    for name, worse_with_more in [
        ("rqi", True),
        ("rdi", True),
        ("pci", True),
        ("sri", False),
        ("pssi", False),
    ]:
        values = out[name][np.isfinite(out[name])]
        assert np.all((values >= 0) & (values <= 100)), name
        steps = np.diff(values)
        tolerance = 1e-9
        assert np.all(steps <= tolerance if worse_with_more else steps >= -tolerance), name


@settings(max_examples=60, deadline=None)
@given(
    light=st.integers(0, 6),
    medium=st.integers(0, 6),
    heavy=st.integers(0, 3),
    mpd=st.floats(0.0, 2.0),
    mpdc=st.floats(0.05, 2.0),
)
def test_pbi_pwi_bounded_and_monotone(
    light: int, medium: int, heavy: int, mpd: float, mpdc: float
) -> None:
    base = one(pb_light=light, pb_medium=medium, pb_heavy=heavy, mpd=mpd, mpdc=mpdc)
    more = one(pb_light=light + 1, pb_medium=medium, pb_heavy=heavy, mpd=mpd + 0.1, mpdc=mpdc)
    assert 0 <= base["pbi"] <= 100 and 0 <= base["pwi"] <= 100
    assert more["pbi"] <= base["pbi"]
    assert more["pwi"] >= base["pwi"] - 1e-9  # more texture depth = less wear


@settings(max_examples=80, deadline=None)
@given(
    dr=index_input,
    iri=st.floats(0.0, 20.0),
    rd=st.floats(0.0, 60.0),
    sfc=st.floats(0.0, 100.0),
    pb=st.integers(0, 5),
    mpd=st.floats(0.0, 1.5),
    edition=st.sampled_from(rating.EDITIONS),
    road_class=st.sampled_from(rating.ROAD_CLASSES),
    pavement=st.sampled_from(rating.PAVEMENTS),
)
def test_pqi_between_its_components(
    dr: float,
    iri: float,
    rd: float,
    sfc: float,
    pb: int,
    mpd: float,
    edition: str,
    road_class: str,
    pavement: str,
) -> None:
    r = one(
        edition,
        road_class=road_class,
        pavement=pavement,
        dr=dr,
        iri=iri,
        rd_mm=rd,
        sfc=sfc,
        pb_medium=pb,
        mpd=mpd,
        mpdc=1.0,
    )
    params = load_parameters(edition)
    group = "expressway_class1" if road_class in ("expressway", "class1") else "class2_4"
    weights = params.pqi_weights[group][pavement]
    parts = [r[name] for name, w in weights.items() if w > 0]
    assert min(parts) - 1e-9 <= r["pqi"] <= max(parts) + 1e-9
    assert grade_of(r["pqi"]) == r["grade_pqi"]


def test_rate_is_vectorised_over_many_units() -> None:
    n = 50_000
    rng = np.random.default_rng(7)
    columns = {
        "road_class": rng.choice(rating.ROAD_CLASSES, n),
        "pavement": rng.choice(rating.PAVEMENTS, n),
        "length_m": np.full(n, 100.0),
        "width_m": np.full(n, 7.5),
        "iri": rng.uniform(0, 8, n),
        "rd_mm": rng.uniform(0, 30, n),
        "sfc": rng.uniform(20, 70, n),
    }
    # Each unit has one distress of its own pavement: 5 m of crack or 5 m² of alligator.
    columns["crack_light"] = np.where(columns["pavement"] == "concrete", 5.0, NAN)
    columns["alligator_light"] = np.where(columns["pavement"] == "asphalt", 5.0, NAN)
    out = rate(columns)
    assert out["pci"].shape == (n,) and np.all(np.isfinite(out["pci"]))
    assert np.all(np.isin(out["grade_pqi"], [*GRADES, ""]))


# ----------------------------------------------------------------- aggregation


def test_aggregate_and_grade_shares() -> None:
    values = [95.0, 85.0, 65.0, 50.0, NAN]
    lengths = [1000.0, 500.0, 250.0, 250.0, 1000.0]
    # (95·1000 + 85·500 + 65·250 + 50·250) / 2000 = 166250 / 2000 = 83.125 (NaN left out)
    assert aggregate(values, lengths) == pytest.approx(83.125)
    assert math.isnan(aggregate([NAN], [100.0]))
    by_count = grade_shares(values)
    assert by_count == {"优": 25.0, "良": 25.0, "中": 0.0, "次": 25.0, "差": 25.0}
    by_length = grade_shares(values, lengths)
    assert by_length == {"优": 50.0, "良": 25.0, "中": 0.0, "次": 12.5, "差": 12.5}
    assert good_rate(values, lengths) == 75.0 and poor_rate(values, lengths) == 25.0
    assert good_rate(values) == 50.0 and poor_rate(values) == 50.0
    assert all(math.isnan(v) for v in grade_shares([NAN]).values())


def test_summarise_per_route() -> None:
    result = summarise(
        {"pqi": [95.0, 75.0, 85.0], "pci": [90.0, NAN, 80.0]},
        lengths=[1000.0, 1000.0, 500.0],
        groups=["G109", "G109", "S203"],
    )
    assert list(result) == ["G109", "S203"]
    g109 = result["G109"]
    assert (g109["units"], g109["length_m"]) == (2, 2000.0)
    assert g109["indices"]["pqi"]["mean"] == pytest.approx(85.0)
    assert g109["indices"]["pqi"]["grade"] == "良"
    assert g109["indices"]["pqi"]["good_rate"] == 50.0
    assert g109["indices"]["pci"]["mean"] == 90.0  # the unit without PCI is left out
    assert result["S203"]["indices"]["pci"]["shares"]["良"] == 100.0
