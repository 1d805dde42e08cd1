"""Device services and pages: create, token issue/rotate (shown once), deactivate, scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import PASSWORD
from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.core.models import AuditLog
from zhiyang.fleet.models import Equipment
from zhiyang.telemetry import credentials, services
from zhiyang.telemetry.models import DeadLetter, Device

pytestmark = pytest.mark.django_db


@pytest.fixture
def roller(two_districts: dict[str, Any]) -> Equipment:
    return Equipment.objects.create(
        organisation=two_districts["org_east"], code="RL-9", equipment_type="vibratory_roller"
    )


def test_create_device_picks_schema_and_audits(roller: Equipment, make_user, two_districts) -> None:
    user = make_user(role=Role.EQUIPMENT_MANAGER, organisation=two_districts["org_east"])
    device = services.create_device(actor=user, data={"code": "DV-1", "equipment": roller})
    assert device.machine_type == "roller"
    assert AuditLog.objects.filter(object_id=str(device.pk)).exists()
    sweeper = Equipment.objects.create(
        organisation=two_districts["org_east"], code="SW-1", equipment_type="sweeper"
    )
    with pytest.raises(ValidationError) as info:
        services.create_device(actor=user, data={"code": "DV-2", "equipment": sweeper})
    assert "equipment" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.create_device(actor=user, data={"code": "bad code!", "equipment": roller})
    with pytest.raises(ValidationError):
        services.create_device(actor=user, data={"code": "zhiyang-ingest", "equipment": roller})
    outsider = make_user(role=Role.EQUIPMENT_MANAGER, organisation=two_districts["org_west"])
    with pytest.raises(ValidationError):
        services.create_device(actor=outsider, data={"code": "DV-3", "equipment": roller})


def test_token_issue_and_rotate(roller: Equipment) -> None:
    device = services.create_device(actor=SYSTEM, data={"code": "DV-T", "equipment": roller})
    first = services.issue_token(actor=SYSTEM, device=device)
    device.refresh_from_db()
    assert len(first) >= 43
    assert device.token_hash == credentials.token_hash(first)
    assert len(device.token_hash) == 64
    assert device.token_hint == first[:6]
    assert credentials.check_mosquitto_hash(first, device.mqtt_password_hash)
    assert services.device_for_token(first) == device
    second = services.issue_token(actor=SYSTEM, device=device)
    assert services.device_for_token(first) is None
    assert services.device_for_token(second) == device
    log = AuditLog.objects.filter(object_id=str(device.pk)).order_by("-id").first()
    assert first not in str(log.after) and second not in str(log.after)
    services.deactivate_device(actor=SYSTEM, device=device)
    assert services.device_for_token(second) is None


def login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_pages(roller: Equipment, make_user, two_districts) -> None:
    manager = make_user(role=Role.EQUIPMENT_MANAGER, organisation=two_districts["org_east"])
    engineer = make_user(role=Role.ENGINEER, organisation=two_districts["org_east"])
    outsider = make_user(role=Role.EQUIPMENT_MANAGER, organisation=two_districts["org_west"])
    client = login(manager)
    response = client.post("/telemetry/devices/add/", {"code": "DV-P", "equipment": roller.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    device = Device.objects.get(code="DV-P")
    DeadLetter.objects.create(
        device=device,
        device_code="DV-P",
        transport="mqtt",
        code="bad_json",
        reason="not JSON",
        payload="{oops",
    )
    page = client.get("/telemetry/devices/")
    assert page.status_code == 200 and "DV-P" in page.content.decode()
    assert "DV-P" in client.get("/telemetry/devices/?q=DV").content.decode()
    assert "DV-P" not in client.get("/telemetry/devices/?q=nothing").content.decode()
    detail = client.get(f"/telemetry/devices/{device.pk}/")
    assert detail.status_code == 200
    response = client.post(f"/telemetry/devices/{device.pk}/token/")
    assert response.status_code == 200
    device.refresh_from_db()
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    match = re.search(r'<code class="token"[^>]*>([^<]+)</code>', html)
    assert match is not None
    assert credentials.token_hash(match.group(1)) == device.token_hash
    # The token is not on the page afterwards.
    again = client.get(f"/telemetry/devices/{device.pk}/").content.decode()
    assert 'class="token"' not in again
    assert match.group(1) not in again
    letters = client.get("/telemetry/dead-letters/")
    assert letters.status_code == 200 and "{oops" in letters.content.decode()
    assert (
        client.post(f"/telemetry/devices/{device.pk}/active/", {"active": "0"}).status_code == 302
    )
    assert Device.objects.get(pk=device.pk).active is False

    viewer = login(engineer)
    assert viewer.get(f"/telemetry/devices/{device.pk}/").status_code == 200
    assert viewer.post(f"/telemetry/devices/{device.pk}/token/").status_code == 403
    assert viewer.get("/telemetry/devices/add/").status_code == 403
    assert login(outsider).get(f"/telemetry/devices/{device.pk}/").status_code == 404


def test_pages_in_chinese(roller: Equipment, make_user, two_districts) -> None:
    manager = make_user(role=Role.EQUIPMENT_MANAGER, organisation=two_districts["org_east"])
    client = login(manager)
    response = client.get("/telemetry/devices/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "遥测设备" in response.content.decode()
