"""The complete MQI: the condition rating takes SCI/BCI/TCI from the inventory, the MQI
summary by route/district/network with 优良率, the condition statistics and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from zhiyang.assets import services
from zhiyang.condition import services as condition
from zhiyang.condition.models import SurveyUnit

MEASURES = ["iri", "rd_mm", "sfc", "mpd", "mpdc", "pb_light", "pb_medium", "pb_heavy"]
W = {"pqi": 0.70, "sci": 0.08, "bci": 0.12, "tci": 0.10}


@pytest.fixture
def rated(assets_world: dict[str, Any]) -> dict[str, Any]:
    w = assets_world
    eng = w["engineer"]
    # Unit 1 (1–2 km): guardrail, 1 heavy barrier damage → TCI 92.5 (SCI not surveyed).
    services.record_inspection(
        actor=eng,
        data={"asset": w["guardrail"], "inspected_on": dt.date(2026, 5, 5)},
        damages=[{"index": "tci", "item": "guard_damage_heavy", "quantity": 1}],
    )
    # Unit 2 (2–3 km): roadside survey: heavy slope collapse + 10 m kerb → SCI 88, TCI 100.
    services.record_inspection(
        actor=eng,
        data={"route": w["g1"], "chainage_m": 2200.0, "inspected_on": dt.date(2026, 4, 1)},
        damages=[
            {"index": "sci", "item": "slope_collapse_heavy", "quantity": 1},
            {"index": "sci", "item": "curb_damage", "quantity": 10},
        ],
    )
    # Unit 3: bridge class 2 → BCI 80; unit 5: culvert class 5 → BCI 0 and MQI 0.
    services.record_inspection(
        actor=eng, data={"asset": w["bridge"], "technical_class": 2, "inspected_on": w["day"]}
    )
    services.record_inspection(
        actor=eng, data={"asset": w["culvert"], "technical_class": 5, "inspected_on": w["day"]}
    )
    # Units 0..5 surveyed for SCI and TCI by a roadside survey with nothing else found.
    for km in (0, 1, 3, 4, 5):
        services.record_inspection(
            actor=eng,
            data={"route": w["g1"], "chainage_m": km * 1000 + 500.0, "inspected_on": w["day"]},
        )
    survey = condition.create_survey(
        user=None,
        data={
            "route": w["g1"],
            "direction": "up",
            "lane": 1,
            "survey_date": w["day"],
            "vendor": "t",
            "method": "vehicle",
            "edition": "2018",
            "unit_length_m": 1000.0,
        },
    )
    rows = [
        {
            "start_m": a,
            "end_m": a + 100.0,
            "iri": 2.0,
            "rd_mm": 6.0,
            "sfc": 48.0,
            "mpd": 0.8,
            "mpdc": 1.0,
            "pb_light": 0.0,
            "pb_medium": 0.0,
            "pb_heavy": 0.0,
        }
        for a in range(0, 6000, 100)
    ]
    condition.write_intervals(user=None, survey=survey, rows=rows, fields=MEASURES, source="t")
    condition.replace_imported_distress(
        user=None,
        survey=survey,
        rows=[
            {
                "start_m": km * 1000 + 10.0,
                "end_m": km * 1000 + 12.0,
                "distress": "patching",
                "severity": "",
                "quantity": 2.0,
                "unit": "m2",
            }
            for km in range(6)
        ],
    )
    w["survey"] = survey
    return w


def test_rating_takes_parts_from_the_inventory(rated: dict[str, Any]) -> None:
    units = list(rated["survey"].units.order_by("start_m"))
    assert len(units) == 6
    got = [(u.sci, u.bci, u.tci) for u in units]
    assert got == [
        (100.0, 100.0, 100.0),
        (100.0, 100.0, pytest.approx(92.5)),
        (pytest.approx(88.0), 100.0, 100.0),
        (100.0, 80.0, 100.0),
        (100.0, 100.0, 100.0),
        (100.0, 0.0, 100.0),
    ]
    for u in units[:5]:
        expected = W["pqi"] * u.pqi + W["sci"] * u.sci + W["bci"] * u.bci + W["tci"] * u.tci
        assert u.mqi == pytest.approx(expected)
    assert units[5].mqi == 0.0 and units[5].grade_mqi == "差"


def test_network_mqi_summary(rated: dict[str, Any]) -> None:
    result = services.network_mqi(user=rated["engineer"], route="G109", on=rated["day"])
    units = result["units"]
    assert len(units) == 10  # the route's 10 km; PQI only where the survey rated
    assert units[5]["mqi"] == 0.0 and units[3]["bci"] == 80.0
    assert all(u["mqi"] is None for u in units[6:])  # no PQI, no SCI/TCI survey there
    net = result["network"]["indices"]
    stored = {u.start_m: u.mqi for u in SurveyUnit.objects.all()}
    for u in units[:6]:
        assert u["mqi"] == pytest.approx(stored[u["start_m"]], abs=0.01)
    # 优良率 by length over the 6 rated km: every unit but the class-5 one is 优/良 here.
    good = sum(1 for u in units[:6] if u["grade_mqi"] in ("优", "良"))
    assert good == 5 and net["mqi"]["good_rate"] == pytest.approx(100.0 * 5 / 6, abs=0.01)
    assert result["weights"] == W
    assert result["provenance"]["sci.weights"]["confirmed"] is False


def test_condition_statistics_and_api_carry_the_parts(
    rated: dict[str, Any], api_client_for: Any
) -> None:
    from zhiyang.condition.models import SurveyStatus

    rated["survey"].status = SurveyStatus.APPROVED
    rated["survey"].save()
    summary = condition.condition_summary(user=rated["engineer"])
    assert {"mqi", "sci", "bci", "tci"} <= set(summary["network"]["indices"])
    client = api_client_for(rated["engineer"])
    response = client.get(reverse("asset-mqi") + "?route=G109")
    assert response.status_code == 200 and response.json()["network"]["indices"]["bci"]["mean"]


def test_plan_mqi_report_hand_computed() -> None:
    """Two 1000 m units, SCI/BCI/TCI held: unit A 100/80/90, unit B 90/0 (class 5)/100.
    Year 1 PQI 90 and 70: MQI_A = .7·90 + .08·100 + .12·80 + .1·90 = 89.6 (良),
    MQI_B = 0 (class 5) → mean 44.8, 优良率 50 %. Now (PQI 80, 60): MQI_A = 82.6."""
    from zhiyang.assets.services.mqi import plan_mqi_report

    report = plan_mqi_report(
        sci=[100.0, 90.0],
        bci=[80.0, 0.0],
        tci=[90.0, 100.0],
        lengths_m=[1000.0, 1000.0],
        pqi_by_year=np.array([[90.0, 95.0], [70.0, 72.0]]),
        pqi_now=[80.0, 60.0],
    )
    assert report["mean_mqi"][0] == pytest.approx(44.8)
    assert report["good_rate_mqi_pct"][0] == pytest.approx(50.0)
    assert report["now"]["mean_mqi"] == pytest.approx(82.6 / 2)
    assert report["rated_units"] == 2
