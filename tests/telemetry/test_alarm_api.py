"""The alarm API: scope (another organisation's alarm is a 404), acknowledge/resolve actions
with structured errors, paving setups CRUD per the matrix, live states."""

from __future__ import annotations

from typing import Any

import pytest

from tests.telemetry import test_live as base
from zhiyang.core.choices import Role
from zhiyang.telemetry import live
from zhiyang.telemetry.models import Alarm, PavingSetup

pytestmark = pytest.mark.django_db
site = base.site
_fresh_engine = base._fresh_engine
accepted = base.accepted
paving = base.paving
API = "/api/v1/telemetry"


@pytest.fixture
def alarm(site: dict[str, Any]) -> Alarm:
    PavingSetup.objects.create(project=site["project"], binder_grade="sbs", debounce_s=0)
    live.process_accepted(
        [paving(site, 0, 0, 155.0), accepted(site["truck_dev"], 0, 0, None, mix_temp_c=100.0)]
    )
    return Alarm.objects.get(device=site["paver_dev"])


@pytest.mark.parametrize(
    ("role", "org", "status"),
    [
        (Role.ENGINEER, "a", 200),
        (Role.QC_INSPECTOR, "a", 200),
        (Role.VIEWER, "a", 403),  # viewers see machines, not alarms
        (Role.ENGINEER, "b", 404),
        (Role.QC_INSPECTOR, "b", 404),
    ],
)
def test_alarm_scope_matrix(alarm, site, make_user, api_client_for, role, org, status) -> None:
    client = api_client_for(make_user(role=role, organisation=site[org]))
    assert client.get(f"{API}/alarms/{alarm.pk}/").status_code == status

    if status != 403:
        listed = [a["id"] for a in client.get(f"{API}/alarms/").json()["results"]]
        assert (alarm.pk in listed) == (status == 200)


def test_acknowledge_and_resolve(alarm, site, make_user, api_client_for) -> None:
    client = api_client_for(make_user(role=Role.QC_INSPECTOR, organisation=site["a"]))
    body = client.post(f"{API}/alarms/{alarm.pk}/acknowledge/").json()
    # The site default language (no Accept-Language).
    assert body["status"] == "acknowledged" and body["rule_label"] == "摊铺温度"
    again = client.post(f"{API}/alarms/{alarm.pk}/acknowledge/")
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid"
    assert client.post(f"{API}/alarms/{alarm.pk}/resolve/").json()["status"] == "resolved"
    filtered = client.get(f"{API}/alarms/?status=resolved").json()
    assert [a["id"] for a in filtered["results"]] == [alarm.pk]
    viewer = api_client_for(make_user(role=Role.VIEWER, organisation=site["a"]))
    denied = viewer.post(f"{API}/alarms/{alarm.pk}/resolve/")
    assert denied.status_code == 403 and "error" in denied.json()
    other = api_client_for(make_user(role=Role.ENGINEER, organisation=site["b"]))
    assert other.post(f"{API}/alarms/{alarm.pk}/resolve/").status_code == 404


def test_paving_setups(site, make_user, api_client_for) -> None:
    engineer = api_client_for(make_user(role=Role.ENGINEER, organisation=site["a"]))
    created = engineer.post(
        f"{API}/paving-setups/",
        {"project": site["project"].pk, "binder_grade": "sbs", "roller_phases": {"1": "initial"}},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["modified"] is True
    pk = created.json()["id"]
    bad = engineer.patch(
        f"{API}/paving-setups/{pk}/", {"overrides": {"nope": {"min": 1}}}, format="json"
    )
    assert bad.status_code == 400 and "overrides" in bad.json()["error"]["fields"]
    ok = engineer.patch(f"{API}/paving-setups/{pk}/", {"season": "low_temperature"}, format="json")
    assert ok.status_code == 200 and ok.json()["season"] == "low_temperature"
    other = api_client_for(make_user(role=Role.ENGINEER, organisation=site["b"]))
    assert other.get(f"{API}/paving-setups/{pk}/").status_code == 404
    foreign = other.post(f"{API}/paving-setups/", {"project": site["project"].pk}, format="json")
    assert foreign.status_code == 400 and "project" in foreign.json()["error"]["fields"]
    qc = api_client_for(make_user(role=Role.QC_INSPECTOR, organisation=site["a"]))
    assert qc.patch(f"{API}/paving-setups/{pk}/", {"season": "normal"}).status_code == 403


def test_live_states_are_scoped(alarm, site, make_user, api_client_for) -> None:
    mine = api_client_for(make_user(role=Role.ENGINEER, organisation=site["a"]))
    codes = [s["device_code"] for s in mine.get(f"{API}/live-states/").json()["results"]]
    assert codes == ["DEV-PV-A"]
    theirs = api_client_for(make_user(role=Role.ENGINEER, organisation=site["b"]))
    codes = [s["device_code"] for s in theirs.get(f"{API}/live-states/").json()["results"]]
    assert codes == ["DEV-TR-B"]
