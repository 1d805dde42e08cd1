"""The PWA pieces: manifest, service worker and offline page reachable without a login, the
outbox and token pages behind it, the shell wiring, and the JSON answers of the two phone
forms wired for offline use (hazard report, check-in)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.network import linref
from zhiyang.web import pwa

JSON = {"HTTP_ACCEPT": "application/json", "HTTP_X_ZHIYANG_OFFLINE": "replay"}


def _client(user: Any = None, lang: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if user is not None:
        client.force_login(user)
    return client


def _body(response: Any) -> Any:
    return json.loads(response.content)


@pytest.mark.django_db
def test_public_pieces_need_no_login_and_hold_no_data() -> None:
    client = _client()
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    data = _body(manifest)
    assert data["scope"] == "/" and data["display"] == "standalone"
    assert data["start_url"] == reverse("web:home")  # the role's home page
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    zh = _body(_client(lang="zh-hans").get("/manifest.webmanifest"))
    assert zh["lang"] == "zh-hans" and zh["name"] != data["name"]

    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    assert worker["Cache-Control"] == "no-cache"
    script = worker.content.decode()
    assert pwa.cache_version() in script and '"/offline/"' in script
    assert "/static/web/offline.js" in script and "/api/" in script
    assert "{{" not in script and "{%" not in script

    page = client.get("/offline/")
    assert page.status_code == 200 and 'id="offline-page"' in page.text
    assert 'data-fallback="1"' in page.text


@pytest.mark.django_db
def test_outbox_and_token_need_a_login(make_user: Any) -> None:
    anonymous = _client()
    for url in ("/outbox/", "/offline/token/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    user = make_user(Role.WORKER, username="phone")
    client = _client(user)
    page = client.get("/outbox/")
    assert page.status_code == 200
    assert 'id="outbox"' in page.text and "data-outbox-send" in page.text
    token = client.get("/offline/token/")
    assert token["Cache-Control"].startswith("max-age=0")
    assert _body(token)["user"] == "phone" and len(_body(token)["csrfToken"]) >= 32


def test_shell_files_and_icons_exist() -> None:
    for name in pwa.SHELL_FILES:
        assert finders.find(name), name
    for name, size in (
        ("icon-192", 192),
        ("icon-512", 512),
        ("maskable-192", 192),
        ("maskable-512", 512),
    ):
        path = Path(finders.find(f"web/icons/{name}.png"))
        with Image.open(path) as image:
            assert image.size == (size, size) and image.mode == "RGBA"
            if name.startswith("maskable"):  # full bleed: no transparent corner
                assert image.getpixel((0, 0))[3] == 255


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_the_outbox(make_user: Any) -> None:
    login = _client().get("/login/").text
    assert 'rel="manifest" href="/manifest.webmanifest"' in login
    assert "data-zhiyang-offline" in login and 'data-user=""' in login
    assert "data-net-status" not in login  # no indicator before login
    user = make_user(Role.WORKER, username="phone")
    page = _client(user).get("/outbox/").text
    assert 'data-user="phone"' in page and "data-net-status" in page
    assert 'data-sw-url="/sw.js"' in page and "data-logout" in page
    assert "Saved on this phone; it will be sent when you are back online." in page
    zh = _client(user, lang="zh-hans").get("/outbox/").text
    assert "Saved on this phone" not in zh


# ------------------------------------------------------------------ the wired phone forms


@pytest.fixture
def hazard_world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    world = dict(two_districts)
    world["worker"] = make_user(Role.WORKER, two_districts["org_west"], username="worker")
    world["outsider"] = make_user(Role.WORKER, two_districts["org_east"], username="outsider")
    return world


def test_hazard_report_form_is_offline_and_answers_json(hazard_world: dict[str, Any]) -> None:
    from zhiyang.safety.models import Hazard

    client = _client(hazard_world["worker"])
    url = reverse("safety:hazard-report")
    page = client.get(url).text
    assert 'data-offline="hazard"' in page and 'name="client_uuid"' in page
    lon, lat = linref.point_at(hazard_world["g1"], 5_250)
    key = str(uuid.uuid4())
    data = {
        "lon": lon,
        "lat": lat,
        "level": "larger",
        "description": "护栏缺失",
        "client_uuid": key,
    }
    first = client.post(url, data, **JSON)
    assert first.status_code == 201
    hazard = Hazard.objects.get()
    assert _body(first) == {
        "id": hazard.pk,
        "created": True,
        "url": reverse("safety:hazard-detail", args=[hazard.pk]),
    }
    again = client.post(url, data, **JSON)
    assert again.status_code == 200 and _body(again)["created"] is False
    assert _body(again)["id"] == hazard.pk and Hazard.objects.count() == 1
    # The browser post of the same entry (no JSON) still redirects to the first report.
    assert client.post(url, data)["Location"] == _body(first)["url"]

    bad = client.post(url, {"level": "larger", "client_uuid": str(uuid.uuid4())}, **JSON)
    assert bad.status_code == 400 and Hazard.objects.count() == 1
    assert set(_body(bad)["errors"]) >= {"description"}
    # Another organisation's phone cannot claim the id: a conflict, not a second hazard.
    foreign = _client(hazard_world["outsider"]).post(url, data, **JSON)
    assert foreign.status_code in (400, 403) and Hazard.objects.count() == 1


@pytest.fixture
def checkin_world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from zhiyang.people import services
    from zhiyang.safety.models import WorkZone

    today = dt.date.today()
    zone = WorkZone.objects.create(
        name="G109 铣刨重铺",
        route=two_districts["g1"],
        district=two_districts["west"],
        direction="up",
        work_start_m=2000,
        work_end_m=3000,
        carriageway_width_m=12,
        normal_speed_kmh=80,
        speed_limit_kmh=60,
        planned_start=today - dt.timedelta(days=5),
        planned_end=today + dt.timedelta(days=20),
        status="active",
        geofence_margin_m=50,
    )
    account = make_user(Role.WORKER, two_districts["org_west"], username="phone")
    worker = services.create_worker(
        actor=SYSTEM,
        data={
            "organisation": two_districts["org_west"],
            "name": "王班长",
            "id_number": "140211198503123414",
            "trade": "labourer",
            "user": account,
        },
    )
    return {"zone": zone, "account": account, "worker": worker, "g1": two_districts["g1"]}


def test_check_in_form_is_offline_and_answers_json(checkin_world: dict[str, Any]) -> None:
    from zhiyang.people.models import CheckIn

    world = checkin_world
    client = _client(world["account"])
    url = reverse("people:checkin")
    page = client.get(url).text
    assert 'data-offline="checkin"' in page and 'name="client_uuid"' in page
    lon, lat = linref.point_at(world["g1"], 2500)
    data = {
        "worker": world["worker"].pk,
        "work_zone": world["zone"].pk,
        "lon": lon,
        "lat": lat,
        "client_uuid": str(uuid.uuid4()),
    }
    first = client.post(url, data, **JSON)
    assert first.status_code == 201 and _body(first)["url"] == url
    again = client.post(url, data, **JSON)
    assert again.status_code == 200 and _body(again)["created"] is False
    assert CheckIn.objects.count() == 1
    # A second check-in of the day (new id) is a conflict with the server's message.
    other = client.post(url, {**data, "client_uuid": str(uuid.uuid4())}, **JSON)
    assert other.status_code == 400 and "work_zone" in _body(other)["errors"]
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_service_worker_uses_the_hashed_static_urls(settings: Any, tmp_path: Path) -> None:
    """In production the static URLs carry a hash (ManifestStaticFilesStorage): the worker
    caches and imports exactly those, and its cache name changes with them."""
    from django.core.management import call_command

    plain = pwa.cache_version()
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    script = _client().get("/sw.js").content.decode()
    hashed = pwa.cache_version()
    assert hashed != plain and hashed in script
    assert "/static/web/offline.js" not in script
    assert 'importScripts("/static/web/offline.' in script
    manifest = _body(_client().get("/manifest.webmanifest"))
    for icon in manifest["icons"]:
        assert re.fullmatch(
            r"/static/web/icons/(icon|maskable)-\d+\.[0-9a-f]{12}\.png", icon["src"]
        )
