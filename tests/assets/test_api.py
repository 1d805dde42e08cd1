"""Assets API and the ``zhiyang assets`` command: writes through the services, scope,
the patrol finding endpoint (idempotent), structures and MQI endpoints; bad imports exit
non-zero and write nothing."""

from __future__ import annotations

import io
import json
import pathlib
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhiyang.assets.models import Asset, Inspection


def test_asset_and_inspection_through_the_api(
    assets_world: dict[str, Any], api_client_for: Any
) -> None:
    w = assets_world
    client = api_client_for(w["engineer"])
    response = client.post(
        reverse("asset-list"),
        {
            "code": "API-1",
            "asset_type": "sign",
            "route": "G109",
            "start_m": "K4+200",
            "attributes": {"sign_code": "W-3"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["district"] == w["west"].code and response.json()["place"] == "K4+200"
    bad = client.post(
        reverse("asset-list"),
        {
            "code": "API-2",
            "asset_type": "sign",
            "route": "G109",
            "start_m": 100,
            "attributes": {"colour": "red"},
        },
        format="json",
    )
    assert bad.status_code == 400 and "attributes" in bad.json()["error"]["fields"]
    body = {
        "asset": w["guardrail"].pk,
        "inspected_on": "2026-05-01",
        "damages": [{"index": "tci", "item": "guard_damage_light", "quantity": 2}],
        "client_uuid": "5b9f9a0e-2c8b-4d7e-9a57-3e2a7a8f1c11",
    }
    first = client.post(reverse("inspection-list"), body, format="json")
    again = client.post(reverse("inspection-list"), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["damages"][0]["chainage_m"] == 1200.0
    assert Inspection.objects.count() == 1


def test_finding_endpoint(assets_world: dict[str, Any], api_client_for: Any) -> None:
    w = assets_world
    client = api_client_for(w["worker"])
    body = {
        "route": "G109",
        "chainage_m": "K2+180",
        "category": "ditch",
        "damage_type": "drainage_blocked",
        "severity": "heavy",
        "quantity": 1,
        "source_ref": "patrol-42",
    }
    first = client.post(reverse("inspection-finding"), body, format="json")
    again = client.post(reverse("inspection-finding"), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["damages"] == [
        {
            "index": "sci",
            "item": "drainage_blocked_heavy",
            "quantity": 1.0,
            "chainage_m": 2180.0,
            "note": "",
        }
    ]
    wrong = client.post(
        reverse("inspection-finding"),
        {**body, "damage_type": "x", "source_ref": "p-43"},
        format="json",
    )
    assert wrong.status_code == 400
    outsider = api_client_for(w["outsider"])
    assert (
        outsider.post(
            reverse("inspection-finding"), {**body, "source_ref": "p-44"}, format="json"
        ).status_code
        == 400
    )  # G109 is not theirs
    assert (
        api_client_for(w["viewer"])
        .post(reverse("inspection-finding"), body, format="json")
        .status_code
        == 403
    )


def test_structures_and_mqi_endpoints(assets_world: dict[str, Any], api_client_for: Any) -> None:
    client = api_client_for(assets_world["engineer"])
    rows = client.get(reverse("asset-structures")).json()
    assert {r["code"] for r in rows} == {"G109-BR-001", "G109-CU-001"}
    assert all(d["overdue"] for r in rows for d in r["due"])  # never inspected: due now
    other = api_client_for(assets_world["outsider"])
    assert other.get(reverse("asset-structures")).json() == []
    assert other.get(reverse("asset-detail", args=[assets_world["bridge"].pk])).status_code == 404
    mqi = client.get(reverse("asset-mqi") + "?route=G109").json()
    assert mqi["weights"]["pqi"] == 0.70 and len(mqi["units"]) == 10


def test_command(assets_world: dict[str, Any], tmp_path: pathlib.Path) -> None:
    out = io.StringIO()
    call_command("assets", "types", stdout=out)
    assert "bridge" in out.getvalue()
    target = tmp_path / "all.geojson"
    call_command("assets", "export", str(target), stdout=out)
    assert len(json.loads(target.read_text())["features"]) == 4
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "code": "N-1",
                            "type": "nope",
                            "route": "G109",
                            "start": "K1+000",
                        },
                        "geometry": None,
                    }
                ],
            }
        )
    )
    before = Asset.objects.count()
    with pytest.raises(CommandError) as info:
        call_command("assets", "import", str(bad), stdout=out)
    assert "row 2, type" in str(info.value)
    assert Asset.objects.count() == before
    out = io.StringIO()
    call_command("assets", "mqi", "--format", "json", stdout=out)
    assert "network" in json.loads(out.getvalue())
    call_command("assets", "due", "--today", "2026-07-01", stdout=out, stderr=io.StringIO())
