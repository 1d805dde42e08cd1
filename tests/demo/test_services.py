"""The reference demo: network totals, organisations, users per role, idempotence."""

from __future__ import annotations

import itertools
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from zhiyang.core.choices import Role
from zhiyang.core.models import AuditLog, Organisation, User
from zhiyang.demo import services
from zhiyang.demo.services import DemoSummary, load_demo
from zhiyang.network.models import District, Route, Section

DISTRICT_CODES = {"140212", "140213", "140214", "140215", "140221", "140222", "140225", "140226"}


def network_totals() -> tuple[int, float, int, int]:
    routes = list(Route.objects.all())
    length_km = sum(r.end_m - r.start_m for r in routes) / 1000
    return len(routes), length_km, District.objects.count(), Section.objects.count()


def test_reference_file_is_well_formed() -> None:
    data = json.loads(services.network_file().read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    kinds: dict[str, list[dict[str, Any]]] = {}
    for feature in data["features"]:
        kinds.setdefault(feature["properties"]["kind"], []).append(feature)
    assert {d["properties"]["code"] for d in kinds["district"]} == DISTRICT_CODES
    routes = {r["properties"]["code"]: r for r in kinds["route"]}
    assert len(routes) == 6
    total_m = sum(r["properties"]["end_m"] - r["properties"]["start_m"] for r in routes.values())
    assert total_m == pytest.approx(109_700)
    # Sections tile each route exactly, and every district is crossed.
    for code, route in routes.items():
        props = route["properties"]
        sections = sorted(
            (s["properties"] for s in kinds["section"] if s["properties"]["route"] == code),
            key=lambda s: s["start_m"],
        )
        assert 2 <= len(sections) <= 5
        assert sections[0]["start_m"] == props["start_m"]
        assert sections[-1]["end_m"] == props["end_m"]
        for before, after in itertools.pairwise(sections):
            assert before["end_m"] == after["start_m"]
        assert 10 <= len(route["geometry"]["coordinates"]) <= 40
    assert {s["properties"]["district"] for s in kinds["section"]} == DISTRICT_CODES


def test_geometry_length_matches_chainage() -> None:
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    data = json.loads(services.network_file().read_text(encoding="utf-8"))
    for feature in data["features"]:
        props = feature["properties"]
        if props["kind"] != "route":
            continue
        lons, lats = zip(*feature["geometry"]["coordinates"], strict=True)
        length_m = geod.line_length(lons, lats)
        chainage_m = props["end_m"] - props["start_m"]
        assert abs(length_m - chainage_m) / chainage_m < 0.02, props["code"]


def test_demo_network_totals(demo: DemoSummary) -> None:
    routes, length_km, districts, _sections = network_totals()
    assert routes == 6
    assert length_km == pytest.approx(109.7, abs=0.05)
    assert districts == 8
    assert set(District.objects.values_list("code", flat=True)) == DISTRICT_CODES
    # Every district is crossed by at least one section.
    assert District.objects.annotate(n=Count("sections")).filter(n=0).count() == 0


def test_demo_users_and_organisations(demo: DemoSummary) -> None:
    branch = Organisation.objects.get(code=services.BRANCH_CODE)
    works = Organisation.objects.get(code=services.WORKS_AREA_CODE)
    assert branch.name == "大同公路养护分部"
    assert works.name == "阳高天镇工区"
    assert set(branch.districts.values_list("code", flat=True)) == DISTRICT_CODES
    assert set(works.districts.values_list("code", flat=True)) == {"140221", "140222"}
    for role in Role.values:
        user = User.objects.get(username=role)
        assert user.role == role
        assert user.organisation == branch
        assert user.check_password(services.DEFAULT_DEMO_PASSWORD)
    scoped = User.objects.get(username=services.SCOPED_VIEWER)
    assert scoped.role == Role.VIEWER
    assert scoped.organisation == works
    assert User.objects.get(username="admin").is_staff
    assert len(demo.users) == len(Role.values) + 1


def test_scoped_viewer_sees_only_yanggao_tianzhen(demo: DemoSummary) -> None:
    from zhiyang.core.access import restrict

    viewer = User.objects.get(username=services.SCOPED_VIEWER)
    codes = set(restrict(Route.objects.all(), viewer, "view").values_list("code", flat=True))
    assert codes == {"G110"}


def test_demo_is_idempotent(demo: DemoSummary) -> None:
    first = network_totals()
    users = User.objects.count()
    orgs = Organisation.objects.count()
    people_audit = AuditLog.objects.filter(resource__in=["core.user", "core.organisation"]).count()

    load_demo()

    assert network_totals() == first
    assert User.objects.count() == users == len(Role.values) + 1
    assert Organisation.objects.count() == orgs == 2
    # Nothing changed, so nothing new was audited for users and organisations.
    assert (
        AuditLog.objects.filter(resource__in=["core.user", "core.organisation"]).count()
        == people_audit
    )


def test_second_load_resets_demo_passwords(demo: DemoSummary) -> None:
    engineer = User.objects.get(username="engineer")
    engineer.set_password("something-else-entirely-77")
    engineer.role = Role.WORKER
    engineer.save()
    load_demo()
    engineer.refresh_from_db()
    assert engineer.check_password(services.DEFAULT_DEMO_PASSWORD)
    assert engineer.role == Role.ENGINEER


def test_demo_password_from_environment(
    db: Any, monkeypatch: pytest.MonkeyPatch, fast_hasher: None
) -> None:
    monkeypatch.setenv("ZHIYANG_DEMO_PASSWORD", "another-demo-pass-42")
    summary = load_demo()
    assert summary.password == "another-demo-pass-42"
    assert User.objects.get(username="viewer").check_password("another-demo-pass-42")


def test_demo_command_no_serve(db: Any, fast_hasher: None) -> None:
    out = StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert Route.objects.count() == 6
    assert "http://127.0.0.1:8123/" in text
    assert services.DEFAULT_DEMO_PASSWORD in text
    for role in Role.values:
        assert role in text
    assert services.SCOPED_VIEWER in text
    # And once more: still six routes, still nine users.
    call_command("demo", "--no-serve", stdout=StringIO())
    assert Route.objects.count() == 6
    assert User.objects.count() == len(Role.values) + 1
