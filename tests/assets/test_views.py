"""Assets pages: every page renders for the west users, scope 404, the phone capture
(offline answers, idempotent), the map layer GeoJSON, exports."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhiyang.assets import services
from zhiyang.assets.models import Damage, Inspection


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inspected(assets_world: dict[str, Any]) -> dict[str, Any]:
    w = assets_world
    w["inspection"], _c = services.record_inspection(
        actor=w["engineer"],
        data={"asset": w["bridge"], "technical_class": 4, "kind": "periodic"},
    )
    return w


def test_pages_render(inspected: dict[str, Any]) -> None:
    w = inspected
    client = _client(w["engineer"])
    urls = [
        reverse("assets:asset-list"),
        reverse("assets:asset-list") + "?kind=structure&route=G109",
        reverse("assets:asset-create"),
        reverse("assets:asset-detail", args=[w["bridge"].pk]),
        reverse("assets:asset-edit", args=[w["bridge"].pk]),
        reverse("assets:asset-delete", args=[w["culvert"].pk]),
        reverse("assets:map"),
        reverse("assets:structure-list"),
        reverse("assets:inspection-list"),
        reverse("assets:inspection-detail", args=[w["inspection"].pk]),
        reverse("assets:capture"),
        reverse("assets:capture") + f"?asset={w['guardrail'].pk}",
        reverse("assets:mqi"),
        reverse("assets:mqi") + "?route=G109",
        reverse("assets:import"),
        reverse("assets:asset-list") + "?export=xlsx",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("assets:structure-list")).content.decode()
    assert "G109-BR-001" in page and "assets-overdue" in page


def test_other_network_is_404(inspected: dict[str, Any]) -> None:
    client = _client(inspected["outsider"])
    assert (
        client.get(reverse("assets:asset-detail", args=[inspected["bridge"].pk])).status_code == 404
    )
    assert "G109-BR-001" not in client.get(reverse("assets:asset-list")).content.decode()


def test_capture_creates_once_and_answers_offline_clients(assets_world: dict[str, Any]) -> None:
    w = assets_world
    client = _client(w["worker"])
    key = str(uuid.uuid4())
    form = {
        "client_uuid": key,
        "route": w["g1"].pk,
        "chainage_m": "K2+150",
        "kind": "patrol",
        "inspected_on": "2026-06-01",
        "damage": "sci:slope_collapse_heavy",
        "quantity": "1",
    }
    first = client.post(reverse("assets:capture"), form, HTTP_ACCEPT="application/json")
    again = client.post(reverse("assets:capture"), form, HTTP_ACCEPT="application/json")
    assert first.status_code in (200, 201) and again.status_code in (200, 201)
    assert Inspection.objects.count() == 1
    damage = Damage.objects.get()
    assert (damage.index, damage.item, damage.chainage_m) == ("sci", "slope_collapse_heavy", 2150.0)
    bad = client.post(
        reverse("assets:capture"),
        {**form, "client_uuid": str(uuid.uuid4()), "quantity": "", "route": ""},
    )
    assert bad.status_code == 200 and Inspection.objects.count() == 1


def test_viewer_cannot_capture(assets_world: dict[str, Any]) -> None:
    assert _client(assets_world["viewer"]).get(reverse("assets:capture")).status_code == 403


def test_map_layer_geojson(inspected: dict[str, Any]) -> None:
    client = _client(inspected["engineer"])
    response = client.get(reverse("asset-geojson") + "?route=G109")
    assert response.status_code == 200
    layer = response.json()
    kinds = {f["properties"]["code"]: f["geometry"]["type"] for f in layer["features"]}
    assert kinds == {
        "G109-GR-001": "LineString",
        "G109-SL-001": "LineString",
        "G109-BR-001": "LineString",
        "G109-CU-001": "Point",
    }
    bridge = next(f for f in layer["features"] if f["properties"]["code"] == "G109-BR-001")
    assert bridge["properties"]["color"] == "#ef6c00" and bridge["properties"]["title"]
    outsider = _client(inspected["outsider"]).get(reverse("asset-geojson")).json()
    assert outsider["features"] == []


def test_export_round_trip(inspected: dict[str, Any]) -> None:
    client = _client(inspected["engineer"])
    response = client.get(reverse("assets:import") + "?export=geojson")
    assert response.status_code == 200
    layer = json.loads(response.content)
    assert len(layer["features"]) == 4
    result = services.import_assets(
        actor=inspected["engineer"],
        data=response.content,
        filename="assets.geojson",
    )
    assert (result.created, result.updated) == (0, 4)
    xlsx = client.get(reverse("assets:import") + "?export=xlsx")
    result = services.import_assets(
        actor=inspected["engineer"], data=xlsx.content, filename="a.xlsx", dry_run=True
    )
    assert result.updated == 4


def test_mqi_page_shows_units(inspected: dict[str, Any]) -> None:
    page = _client(inspected["engineer"]).get(reverse("assets:mqi") + "?route=G109")
    assert "mqi-units" in page.content.decode()
    assert dt.date.today()  # the page rates "today"
