"""Alarm services and pages: acknowledge and resolve (audited, valid transitions only),
translated messages, the alarm list and the paving setup page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.telemetry import test_live as base
from zhiyang.core.choices import Role
from zhiyang.core.models import AuditLog
from zhiyang.telemetry import live
from zhiyang.telemetry.alarms import acknowledge_alarm, resolve_alarm, save_setup
from zhiyang.telemetry.models import Alarm, PavingSetup

pytestmark = pytest.mark.django_db
site = base.site
_fresh_engine = base._fresh_engine
accepted = base.accepted
paving = base.paving


@pytest.fixture
def alarm(site: dict[str, Any]) -> Alarm:
    PavingSetup.objects.create(project=site["project"], binder_grade="sbs", debounce_s=0)
    live.process_accepted([paving(site, 0, 0, 155.0)])
    return Alarm.objects.get()


def test_acknowledge_then_resolve_audited(alarm, make_user, site) -> None:
    user = make_user(role=Role.QC_INSPECTOR, organisation=site["a"])
    done = acknowledge_alarm(actor=user, alarm=alarm)
    assert done.status == "acknowledged" and done.acknowledged_by == user
    with pytest.raises(ValidationError):
        acknowledge_alarm(actor=user, alarm=done)
    done = resolve_alarm(actor=user, alarm=done)
    assert done.status == "resolved" and done.resolved_by == user and not done.auto_resolved
    with pytest.raises(ValidationError):
        resolve_alarm(actor=user, alarm=done)
    rows = AuditLog.objects.filter(resource="telemetry.alarm", user=user)
    assert [r.after["status"] for r in rows.order_by("id")] == ["acknowledged", "resolved"]


def test_message_is_translated(alarm) -> None:
    with translation.override("en"):
        assert alarm.message() == "Paving temperature: 155 °C, below the minimum 160 °C"
    with translation.override("zh-hans"):
        assert "摊铺温度" in alarm.message()


def test_setup_validation_and_audit(site, make_user) -> None:
    engineer = make_user(role=Role.ENGINEER, organisation=site["a"])
    with pytest.raises(ValidationError):
        save_setup(actor=engineer, data={"project": site["project"], "overrides": {"x": 1}})
    setup = save_setup(
        actor=engineer, data={"project": site["project"], "binder_grade": "sbs", "mix_type": "sma"}
    )
    assert setup.modified
    assert AuditLog.objects.filter(resource="telemetry.pavingsetup").count() == 1


def test_alarm_list_and_actions_page(alarm, make_user, site, client) -> None:
    client.force_login(make_user(role=Role.ENGINEER, organisation=site["a"]))
    page = client.get("/telemetry/alarms/?severity=warning")
    assert page.status_code == 200 and b"PV-A" in page.content
    response = client.post(
        f"/telemetry/alarms/{alarm.pk}/acknowledge/", {"next": "/telemetry/alarms/"}
    )
    assert response.status_code == 302
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged"
    response = client.post(f"/telemetry/alarms/{alarm.pk}/resolve/", HTTP_ACCEPT="application/json")
    assert response.json()["status"] == "resolved"
    assert client.get("/telemetry/alarms/?status=resolved").status_code == 200
    client.force_login(make_user(role=Role.ENGINEER, organisation=site["b"]))
    assert client.post(f"/telemetry/alarms/{alarm.pk}/resolve/").status_code == 404
    client.force_login(make_user(role=Role.VIEWER, organisation=site["a"]))
    assert client.post(f"/telemetry/alarms/{alarm.pk}/resolve/").status_code == 403


def test_setup_page(site, make_user, client) -> None:
    client.force_login(make_user(role=Role.ENGINEER, organisation=site["a"]))
    url = f"/telemetry/setup/{site['project'].pk}/"
    page = client.get(url)
    assert page.status_code == 200 and b"135" in page.content  # 70# paving minimum
    data = {
        "binder_grade": "sbs",
        "season": "normal",
        "mix_type": "dense",
        "max_gap_m": 60,
        "max_gap_s": 300,
        "paver_stop_s": 120,
        "spray_base": "",
        "spray_product": "emulsion",
        "debounce_s": 5,
        "roller_phases": f'{{"{site["roller"].pk}": "initial"}}',
        "overrides": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    setup = PavingSetup.objects.get(project=site["project"])
    assert setup.binder_grade == "sbs" and setup.roller_phases == {
        str(site["roller"].pk): "initial"
    }
    assert b"160" in client.get(url).content


def test_alarm_page_and_api_share_one_filterset(alarm, make_user, site, client) -> None:
    """The page lists open alarms unless asked; the API lists all unless asked; both take
    the same ``status`` values (``open``, ``all`` or a state)."""
    from rest_framework.test import APIClient

    engineer = make_user(role=Role.ENGINEER, organisation=site["a"])
    resolve_alarm(actor=engineer, alarm=alarm)
    client.force_login(engineer)
    assert b"alarm-row" not in client.get("/telemetry/alarms/").content
    assert b"alarm-row" in client.get("/telemetry/alarms/?status=all").content
    assert b"alarm-row" in client.get("/telemetry/alarms/?status=resolved").content
    api = APIClient()
    api.force_authenticate(engineer)

    def listed(query: str) -> int:
        return len(api.get(f"/api/v1/telemetry/alarms/{query}").json()["results"])

    assert listed("") == 1 and listed("?status=all") == 1 and listed("?status=open") == 0
    assert api.get("/api/v1/telemetry/alarms/?status=nonsense").status_code == 400


def test_alarm_page_buttons_only_for_who_may_and_excel_export(alarm, make_user, site, client):
    client.force_login(make_user(role=Role.MANAGER, organisation=site["a"]))  # view, not change
    page = client.get("/telemetry/alarms/")
    assert b"alarm-row" in page.content and b"/acknowledge/" not in page.content
    client.force_login(make_user(role=Role.ENGINEER, organisation=site["a"]))
    page = client.get("/telemetry/alarms/")
    assert b"/acknowledge/" in page.content and b"csrfmiddlewaretoken" in page.content
    export = client.get("/telemetry/alarms/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
