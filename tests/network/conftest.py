"""Network test data: a small exchange-format FeatureCollection near Datong."""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

import pytest

DOC: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": None,
            "properties": {
                "kind": "district",
                "code": "140213",
                "name": "平城区",
                "name_en": "Pingcheng",
            },
        },
        {
            "type": "Feature",
            "geometry": None,
            "properties": {
                "kind": "district",
                "code": "140214",
                "name": "云冈区",
                "name_en": "Yungang",
            },
        },
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[113.25, 40.05], [113.30, 40.08], [113.36, 40.09]],
            },
            "properties": {
                "kind": "route",
                "code": "G208",
                "name": "二广线",
                "name_en": "G208",
                "admin_level": "national",
                "tech_class": "class1",
                "pavement": "asphalt",
                "start_m": 0,
                "end_m": 10000,
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[113.10, 40.10], [113.20, 40.12]]},
            "properties": {
                "kind": "route",
                "code": "S203",
                "name": "大浑线",
                "name_en": "S203",
                "admin_level": "provincial",
                "tech_class": "class2",
                "pavement": "concrete",
                "start_m": 2000,
                "end_m": 11000,
            },
        },
        {
            "type": "Feature",
            "geometry": None,
            "properties": {
                "kind": "section",
                "route": "G208",
                "direction": "both",
                "start_m": "K0+000",
                "end_m": "K4+500",
                "lanes": 4,
                "width_m": 15,
                "pavement": "asphalt",
                "district": "140213",
            },
        },
        {
            "type": "Feature",
            "geometry": None,
            "properties": {
                "kind": "section",
                "route": "G208",
                "direction": "both",
                "start_m": 4500,
                "end_m": 10000,
                "lanes": 2,
                "width_m": 9.5,
                "pavement": "asphalt",
                "district": "140214",
            },
        },
        {
            "type": "Feature",
            "geometry": None,
            "properties": {
                "kind": "section",
                "route": "S203",
                "direction": "up",
                "start_m": 2000,
                "end_m": 11000,
                "lanes": 1,
                "width_m": 4.5,
                "pavement": "concrete",
                "district": "140214",
            },
        },
    ],
}


@pytest.fixture
def network_doc() -> dict[str, Any]:
    """A fresh copy of the sample FeatureCollection (2 districts, 2 routes, 3 sections)."""
    return copy.deepcopy(DOC)


@pytest.fixture
def write_doc(tmp_path: pathlib.Path) -> Any:
    """Factory: write a GeoJSON dict to a temporary file and return its path."""

    def write(doc: dict[str, Any], name: str = "network.geojson") -> pathlib.Path:
        path = tmp_path / name
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return path

    return write
