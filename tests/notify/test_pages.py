"""The notify pages: the inbox (own items only, opening marks read, mark all read, the
header's unread count), channel settings (clear field errors, never a 500, secrets never
shown back, test message), one's own settings, and who may open what."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.core.models import AuditLog
from zhiyang.notify.events import raise_event
from zhiyang.notify.models import Channel, Delivery, InboxItem, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    org = two_districts["org_east"]
    return {
        **two_districts,
        "engineer": make_user(role=Role.ENGINEER, organisation=org),
        "other": make_user(role=Role.ENGINEER, organisation=org),
        "admin": make_user(role=Role.ADMIN, organisation=org),
    }


def notify(people: dict[str, Any], title: str, **kwargs: Any) -> None:
    raise_event(
        actor=SYSTEM,
        kind="safety.hazard_new",
        obj=people["sec_east"],
        title=title,
        roles=["engineer"],
        url="/safety/hazards/",
        **kwargs,
    )


def test_inbox_badge_open_and_read_all(people, client) -> None:
    notify(people, "Cones knocked over at K3+200")
    notify(people, "Sign missing", key="2")
    client.force_login(people["engineer"])
    page = client.get(reverse("notify:inbox-list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cones knocked over" in html and 'data-unread="2"' in html
    item = InboxItem.objects.filter(user=people["engineer"]).first()
    opened = client.get(reverse("notify:inbox-open", args=[item.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/safety/hazards/"
    item.refresh_from_db()
    assert item.read_at is not None
    # Another person's item is a 404, like a missing one.
    theirs = InboxItem.objects.filter(user=people["other"]).first()
    assert client.get(reverse("notify:inbox-open", args=[theirs.pk])).status_code == 404
    client.post(reverse("notify:inbox-read-all"))
    assert not InboxItem.objects.filter(user=people["engineer"], read_at__isnull=True).exists()
    assert InboxItem.objects.filter(user=people["other"], read_at__isnull=True).count() == 2
    html = client.get(reverse("web:dashboard")).content.decode()
    assert 'id="inbox-badge"' in html and 'data-unread="0"' in html


@pytest.mark.parametrize(
    ("kind", "post", "error"),
    [
        ("dingtalk", {"url": "oapi.dingtalk.com/robot"}, "https://"),
        ("webhook", {"url": "https://h.example.org/x", "secret": "short"}, "16"),
        ("email", {"host": "smtp.example.org", "port": "abc", "from_email": "x@y.cn"}, "65535"),
        ("email", {"host": "smtp.example.org", "port": "25", "from_email": "nobody"}, "e-mail"),
        ("sms", {"sign_name": "智养"}, "required"),
        ("feishu", {"url": "https://open.feishu.cn/x", "rate_per_minute": "0"}, "1"),
    ],
)
def test_bad_settings_are_clear_errors_not_500(people, client, kind, post, error) -> None:
    client.force_login(people["admin"])
    url = reverse("notify:channel-create") + f"?kind={kind}"
    data = {
        "name": "robot",
        "enabled": "on",
        "min_severity": "info",
        "rate_per_minute": "20",
        "organisation": people["org_east"].pk,
        **post,
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errors"' in html and error in html
    assert not Channel.objects.exists()


def test_create_channel_secret_never_shown_and_test_message(people, client, receiver) -> None:
    client.force_login(people["admin"])
    assert "kind-dingtalk" in client.get(reverse("notify:channel-create")).content.decode()
    token_url = receiver.url("/dingtalk", "access_token=VERYSECRETTOKEN")
    response = client.post(
        reverse("notify:channel-create") + "?kind=dingtalk",
        {
            "name": "Site group",
            "enabled": "on",
            "min_severity": "warning",
            "rate_per_minute": "20",
            "organisation": people["org_east"].pk,
            "url": token_url,
            "secret": "SECmysigningsecret",
            "language": "en",
        },
    )
    channel = Channel.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("notify:channel-detail", args=[channel.pk])).content.decode()
    edit = client.get(reverse("notify:channel-edit", args=[channel.pk])).content.decode()
    for html in (detail, edit):
        assert "VERYSECRETTOKEN" not in html and "SECmysigningsecret" not in html
    assert AuditLog.objects.filter(resource="notify.channel", action="create").exists()
    client.post(reverse("notify:channel-test", args=[channel.pk]))
    from zhiyang.notify.delivery import deliver_due

    assert deliver_due()["sent"] == 1
    assert receiver.at("/dingtalk")[0].query["access_token"] == "VERYSECRETTOKEN"
    assert "ok" in client.get(reverse("notify:channel-detail", args=[channel.pk])).content.decode()
    assert Delivery.objects.get().status == "sent"


def test_channels_are_for_administrators(people, client) -> None:
    client.force_login(people["engineer"])
    assert client.get(reverse("notify:channel-list")).status_code == 403
    assert client.get(reverse("notify:channel-create") + "?kind=wecom").status_code == 403
    assert client.get(reverse("notify:delivery-list")).status_code == 403


def test_own_settings(people, client) -> None:
    client.force_login(people["engineer"])
    page = client.get(reverse("notify:preferences"))
    assert page.status_code == 200
    data = {"digest_hour": "7", "quiet_start": "22:00", "quiet_end": "07:00", "language": "en"}
    for kind in ("telemetry.alarm", "safety.hazard_new"):
        data[f"default__{kind}"] = "on"
    data.pop("default__safety.hazard_new")
    data["channels__safety.hazard_new"] = ["inbox", "email"]
    data["digest__safety.hazard_new"] = "on"
    response = client.post(reverse("notify:preferences"), data)
    assert response.status_code == 302
    own = Subscription.objects.get(user=people["engineer"], kind="safety.hazard_new")
    assert own.channels == ["inbox", "email"] and own.digest
    bad = client.post(reverse("notify:preferences"), {**data, "digest_hour": "25"})
    assert bad.status_code == 200 and 'class="errors"' in bad.content.decode()
