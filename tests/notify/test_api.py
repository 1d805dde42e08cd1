"""The inbox API: one's own items only (another's is a 404), in the request's language;
mark read, mark several, mark all, the unread count; bad input is a structured 400."""

from __future__ import annotations

from typing import Any

import pytest

from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.notify.events import raise_event
from zhiyang.notify.models import InboxItem

pytestmark = pytest.mark.django_db
BASE = "/api/v1/notify/inbox/"


@pytest.fixture
def inbox(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    org = two_districts["org_east"]
    me = make_user(role=Role.ENGINEER, organisation=org)
    other = make_user(role=Role.ENGINEER, organisation=org)
    for n in range(3):
        raise_event(
            actor=SYSTEM,
            kind="telemetry.alarm",
            obj=two_districts["sec_east"],
            title="Live alarm",
            roles=["engineer"],
            key=f"api{n}",
            severity="critical" if n == 0 else "info",
        )
    return {"me": me, "other": other}


def test_own_items_in_my_language(inbox, api_client_for) -> None:
    client = api_client_for(inbox["me"])
    body = client.get(BASE, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["count"] == 3
    assert {r["title"] for r in body["results"]} == {"实时报警"}
    assert client.get(BASE, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]["title"] == "Live alarm"
    assert client.get(BASE + "?severity=critical").json()["count"] == 1
    theirs = InboxItem.objects.filter(user=inbox["other"]).first()
    assert client.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert client.post(f"{BASE}{theirs.pk}/read/").status_code == 404


def test_mark_read_and_count(inbox, api_client_for) -> None:
    client = api_client_for(inbox["me"])
    assert client.get(BASE + "unread-count/").json() == {"unread": 3}
    first, second, third = InboxItem.objects.filter(user=inbox["me"]).order_by("pk")
    answer = client.post(f"{BASE}{first.pk}/read/").json()
    assert answer["unread"] is False and answer["read_at"]
    theirs = InboxItem.objects.filter(user=inbox["other"]).first()
    marked = client.post(BASE + "mark-read/", {"ids": [second.pk, theirs.pk]}, format="json")
    assert marked.json() == {"marked": 1}
    assert client.get(BASE + "?unread=true").json()["count"] == 1
    assert client.post(BASE + "read-all/").json() == {"marked": 1}
    assert client.get(BASE + "unread-count/").json() == {"unread": 0}
    assert InboxItem.objects.filter(user=inbox["other"], read_at__isnull=True).count() == 3
    assert third.pk


def test_bad_input_and_anonymous(inbox, api_client_for) -> None:
    client = api_client_for(inbox["me"])
    bad = client.post(BASE + "mark-read/", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400
    assert api_client_for(None).get(BASE).status_code == 401
