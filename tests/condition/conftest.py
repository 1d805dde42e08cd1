"""Fixtures of the condition tests: a survey on the two-district network."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiyang.condition import services
from zhiyang.condition.models import Survey
from zhiyang.core.actors import SYSTEM


@pytest.fixture
def survey(two_districts: dict[str, Any]) -> Survey:
    """A draft 2025 survey of G109 (class 1 asphalt, 0–10 km, 12 m wide, district west)."""
    return services.create_survey(
        actor=SYSTEM,
        data={
            "route": two_districts["g1"],
            "direction": "up",
            "lane": 1,
            "survey_date": dt.date(2025, 6, 1),
            "vendor": "Test vendor",
            "method": "vehicle",
            "edition": "2018",
            "unit_length_m": 1000.0,
        },
    )


def interval_rows(
    start_m: float, end_m: float, step_m: float = 100.0, **values: float
) -> list[dict[str, Any]]:
    """Interval rows from ``start_m`` to ``end_m`` with constant values."""
    rows = []
    position = start_m
    while position < end_m - 1e-9:
        rows.append({"start_m": position, "end_m": min(position + step_m, end_m), **values})
        position += step_m
    return rows


@pytest.fixture(autouse=True)
def _forget_queued_uploads() -> Any:
    """Jobs a test queues but never runs keep their upload: remove what the test left."""
    from django.core.files.storage import default_storage

    from zhiyang.condition.tasks import UPLOAD_DIR

    def listing() -> set[str]:
        try:
            return set(default_storage.listdir(UPLOAD_DIR)[1])
        except FileNotFoundError:
            return set()

    before = listing()
    yield
    for name in listing() - before:
        default_storage.delete(f"{UPLOAD_DIR}/{name}")
