"""Evaluation units: derived from intervals and distress, rated by the engine, audited."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.condition.conftest import interval_rows
from zhiyang.analytics import rating
from zhiyang.condition import services
from zhiyang.condition.models import Distress, SurveyUnit
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog

pytestmark = pytest.mark.django_db

MEASURES = ["iri", "rd_mm", "sfc", "mpd", "mpdc", "pb_light", "pb_medium", "pb_heavy"]


def _load(survey, rows, distress=()):
    services.write_intervals(actor=SYSTEM, survey=survey, rows=rows, fields=MEASURES, source="test")
    if distress:
        services.replace_imported_distress(actor=SYSTEM, survey=survey, rows=list(distress))


def test_units_match_the_rating_engine_on_the_same_inputs(survey):
    rows = interval_rows(
        0,
        1000,
        iri=2.0,
        rd_mm=6.0,
        sfc=48.0,
        mpd=0.8,
        mpdc=1.0,
        pb_light=0.0,
        pb_medium=0.0,
        pb_heavy=0.0,
    )
    rows += interval_rows(
        1000,
        2000,
        iri=4.0,
        rd_mm=14.0,
        sfc=40.0,
        mpd=0.6,
        mpdc=1.0,
        pb_light=0.0,
        pb_medium=0.0,
        pb_heavy=0.0,
    )
    # the second kilometre has one rough 100 m interval
    rows[15]["iri"] = 9.0
    _load(
        survey,
        rows,
        [
            {
                "start_m": 100,
                "end_m": 130,
                "distress": "alligator",
                "severity": "light",
                "quantity": 30.0,
                "unit": "m2",
            },
            # 40 m of crack across the K1+000 boundary: 10 m in the first unit, 30 in the next
            {
                "start_m": 990,
                "end_m": 1030,
                "distress": "longitudinal_crack",
                "severity": "heavy",
                "quantity": 40.0,
                "unit": "m",
            },
        ],
    )
    units = list(survey.units.order_by("start_m"))
    assert [(u.start_m, u.end_m) for u in units] == [(0, 1000), (1000, 2000)]
    expected_iri = (9 * 4.0 + 9.0) / 10
    assert units[1].iri == pytest.approx(expected_iri)
    columns = {
        "road_class": ["class1", "class1"],
        "pavement": ["asphalt", "asphalt"],
        "length_m": [1000.0, 1000.0],
        "width_m": [12.0, 12.0],
        "iri": [2.0, expected_iri],
        "rd_mm": [6.0, 14.0],
        "sfc": [48.0, 40.0],
        "mpd": [0.8, 0.6],
        "mpdc": [1.0, 1.0],
        "pb_light": [0.0, 0.0],
        "pb_medium": [0.0, 0.0],
        "pb_heavy": [0.0, 0.0],
        "alligator_light": [30.0, 0.0],
        "longitudinal_crack_heavy": [10.0, 30.0],
    }
    expected = rating.rate(columns, edition="2018")
    for name in ("dr", "pci", "rqi", "rdi", "sri", "pbi", "pwi", "pqi"):
        got = [getattr(u, name) for u in units]
        assert got == pytest.approx(list(expected[name])), name
    assert [u.grade_pqi for u in units] == list(expected["grade_pqi"])
    assert all(u.district == survey.route.sections.get().district for u in units)
    assert units[0].dr > 0 and units[1].dr > 0 and units[1].rqi < units[0].rqi


def test_no_distress_survey_leaves_pci_blank_but_a_distress_survey_rates_clean_units_100(survey):
    _load(survey, interval_rows(0, 2000, iri=2.0, rd_mm=5.0, sfc=50.0))
    assert set(survey.units.values_list("pci", flat=True)) == {None}
    services.replace_imported_distress(
        actor=SYSTEM,
        survey=survey,
        rows=[
            {
                "start_m": 200,
                "end_m": None,
                "distress": "pothole",
                "severity": "heavy",
                "quantity": 2.0,
                "unit": "m2",
            }
        ],
    )
    pci = list(survey.units.order_by("start_m").values_list("pci", flat=True))
    assert pci[0] < 100 and pci[1] == 100


def test_rate_survey_writes_one_audit_row_and_replaces_units(survey):
    before = AuditLog.objects.count()
    _load(survey, interval_rows(0, 3500, iri=2.0))
    assert AuditLog.objects.count() == before + 1  # the import's row, units included
    entry = AuditLog.objects.first()
    assert entry.resource == "condition.survey" and entry.after["bulk_intervals"]["created"] == 35
    assert survey.units.count() == 4  # 1000, 1000, 1000, 500
    services.rate_survey(actor=SYSTEM, survey=survey)
    assert survey.units.count() == 4 and AuditLog.objects.count() == before + 2
    assert SurveyUnit.objects.filter(survey=survey, end_m=3500, length_m=500).exists()


def test_reimport_of_the_same_range_updates_rows_and_keeps_other_columns(survey):
    rows = interval_rows(0, 500, iri_left=2.0)
    services.write_intervals(
        actor=SYSTEM, survey=survey, rows=rows, fields=["iri_left"], source="t"
    )
    rows = interval_rows(0, 500, iri_right=3.0)
    outcome = services.write_intervals(
        actor=SYSTEM, survey=survey, rows=rows, fields=["iri_right"], source="t"
    )
    assert outcome.updated == 5 and outcome.created == 0
    assert set(survey.intervals.values_list("iri_left", "iri_right", "iri")) == {(2.0, 3.0, 2.5)}


def test_approve_needs_units_and_freezes_imports(survey, make_user, two_districts):
    engineer = make_user("engineer", organisation=two_districts["org_all"])
    with pytest.raises(ValidationError):
        services.approve_survey(actor=engineer, survey=survey)
    _load(survey, interval_rows(0, 1000, iri=2.0))
    survey = services.approve_survey(actor=engineer, survey=survey)
    assert survey.status == "approved" and survey.approved_by == engineer
    assert AuditLog.objects.filter(resource="condition.survey", user=engineer).count() == 1
    with pytest.raises(ValidationError):
        _load(survey, interval_rows(0, 1000, iri=3.0))
    services.reopen_survey(actor=engineer, survey=survey)
    _load(survey, interval_rows(0, 1000, iri=3.0))
    assert survey.units.get().iri == 3.0


def test_unit_bounds_follow_whole_kilometres():
    assert services.unit_bounds(318_400, 320_600, 1000) == [
        (318_400, 319_000),
        (319_000, 320_000),
        (320_000, 320_600),
    ]
    # a remainder under a metre joins its neighbour
    assert services.unit_bounds(0, 2000.5, 1000) == [(0, 1000), (1000, 2000.5)]
    assert services.unit_bounds(5, 5, 1000) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.5, 12.0), min_size=1, max_size=40),
    st.floats(5.0, 120.0),
    st.floats(50.0, 1000.0),
)
def test_weighted_means_equal_a_dense_average(values, step, unit):
    """Property: the piecewise-linear integral equals averaging a dense resampling."""
    starts = np.arange(len(values)) * step
    ends = starts + step
    v = np.array(values)
    bounds = services.unit_bounds(0.0, float(ends[-1]), unit)
    us = np.array([b[0] for b in bounds])
    ue = np.array([b[1] for b in bounds])
    got = services.weighted_means(starts, ends, v, us, ue)
    fine = np.linspace(0, ends[-1], 20_001)
    mids = (fine[1:] + fine[:-1]) / 2
    dense = v[np.minimum((mids // step).astype(int), len(v) - 1)]
    for i, (a, b) in enumerate(bounds):
        inside = (mids >= a) & (mids < b)
        if inside.sum() > 50:
            assert got[i] == pytest.approx(dense[inside].mean(), rel=0.02)


def test_counts_are_shared_pro_rata():
    starts = np.array([0.0, 100.0])
    ends = np.array([100.0, 200.0])
    counts = np.array([2.0, np.nan])
    got = services.pro_rata_sums(
        starts, ends, counts, np.array([0.0, 50.0, 150.0]), np.array([50.0, 150.0, 200.0])
    )
    assert got[0] == pytest.approx(1.0) and got[1] == pytest.approx(1.0) and np.isnan(got[2])


def test_phone_report_locates_the_route_and_refuses_far_points(make_user, two_districts):
    worker = make_user("worker", organisation=two_districts["org_all"])
    record, created = services.report_distress(
        actor=worker,
        data={
            "lon": 112.755,
            "lat": 40.015,
            "distress": "pothole",
            "severity": "heavy",
            "quantity": 0.5,
        },
    )
    assert created and record.route == two_districts["g1"] and record.source == "phone"
    assert record.district == two_districts["west"] and 4000 < record.start_m < 6000
    assert record.unit == "m2" and record.reported_by == worker
    with pytest.raises(ValidationError) as exc:
        services.report_distress(
            actor=worker,
            data={
                "lon": 113.2,
                "lat": 40.5,
                "distress": "pothole",
                "severity": "heavy",
                "quantity": 0.5,
            },
        )
    assert "lon" in exc.value.message_dict
    assert Distress.objects.count() == 1


def test_distress_of_the_wrong_pavement_is_refused(two_districts):
    with pytest.raises(ValidationError):
        services.create_distress(
            actor=SYSTEM,
            data={
                "route": two_districts["g1"],
                "start_m": 100.0,
                "distress": "faulting",
                "severity": "heavy",
                "quantity": 3.0,
            },
        )


def test_rating_uses_the_owners_standards_overrides(survey, make_user, two_districts):
    """An override of the RQI parameters (zhiyang.standards) changes the units' RQI for
    surveys owned by that organisation only; without one, the data file's values apply."""
    from zhiyang.standards.services import create_override

    org = two_districts["org_all"]
    owner = make_user(role="engineer", organisation=org)
    survey.created_by = owner
    survey.save(update_fields=["created_by"])
    _load(survey, interval_rows(0, 1000, iri=2.0, rd_mm=6.0, sfc=48.0))
    services.rate_survey(actor=SYSTEM, survey=survey)
    default_rqi = SurveyUnit.objects.get(survey=survey).rqi
    assert default_rqi == pytest.approx(100 / (1 + 0.026 * np.exp(0.65 * 2.0)), abs=0.01)

    create_override(
        actor=make_user(role="admin", organisation=org),
        standard="jtg5210_2018",
        organisation=org,
        overrides={"rqi": {"expressway_class1": {"a0": 0.03}}},
        reason="provincial guideline (test)",
    )
    services.rate_survey(actor=SYSTEM, survey=survey)
    assert SurveyUnit.objects.get(survey=survey).rqi == pytest.approx(
        100 / (1 + 0.03 * np.exp(0.65 * 2.0)), abs=0.01
    )
