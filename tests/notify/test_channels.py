"""Each channel against a real local peer: the documented JSON payloads and signatures of
the WeCom, DingTalk and Feishu robots, the signed webhook, Alibaba Cloud SMS and e-mail
through a real SMTP server; settings validated by field; secrets encrypted, never shown."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.notify import delivery, services
from zhiyang.notify.channels.robots import dingtalk_sign, feishu_sign
from zhiyang.notify.channels.sms import aliyun_signature, percent_encode
from zhiyang.notify.channels.webhook import webhook_signature
from zhiyang.notify.events import raise_event
from zhiyang.notify.models import Channel, Delivery, DeliveryAttempt

pytestmark = pytest.mark.django_db


def channel(org: Any, kind: str, **values: Any) -> Channel:
    values.setdefault("name", kind)
    return services.save_channel(actor=SYSTEM, organisation=org, kind=kind, values=values)


def alarm_like(site: dict[str, Any], **kwargs: Any) -> Any:
    kwargs.setdefault("severity", "critical")
    return raise_event(
        actor=SYSTEM,
        kind="telemetry.alarm",
        obj=site["sec_east"],
        title="Paving temperature: 155 °C, below the minimum 160 °C",
        roles=["engineer"],
        url="/telemetry/alarms/",
        **kwargs,
    )


def test_dingtalk_signed_markdown(two_districts, receiver) -> None:
    secret = "SEC" + "a1b2c3" * 10
    channel(
        two_districts["org_east"],
        "dingtalk",
        url=receiver.url("/dingtalk", "access_token=TOKEN"),
        secret=secret,
        language="en",
    )
    before_ms = int(time.time() * 1000)
    alarm_like(two_districts)
    assert delivery.deliver_due()["sent"] == 1
    (got,) = receiver.at("/dingtalk")
    assert got.query["access_token"] == "TOKEN"
    timestamp = int(got.query["timestamp"])
    assert before_ms <= timestamp <= int(time.time() * 1000)
    # DingTalk's documented check: base64(HMAC-SHA256(secret, "timestamp\nsecret")).
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert got.query["sign"] == expected == dingtalk_sign(secret, timestamp)
    assert "sign=" + urllib.parse.quote_plus(expected) in got_raw_query(got)
    body = got.json
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"].startswith("Paving temperature")
    assert "[Critical]" in body["markdown"]["text"]
    assert "http://127.0.0.1:8000/telemetry/alarms/" in body["markdown"]["text"]
    assert got.headers["content-type"].startswith("application/json")


def got_raw_query(got: Any) -> str:
    return urllib.parse.urlencode(got.query)


def test_wecom_markdown_in_chinese(two_districts, receiver) -> None:
    channel(
        two_districts["org_east"],
        "wecom",
        url=receiver.url("/wecom", "key=KEY"),
        language="zh-hans",
    )
    alarm_like(two_districts)
    delivery.deliver_due()
    (got,) = receiver.at("/wecom")
    assert got.query == {"key": "KEY"}
    assert set(got.json) == {"msgtype", "markdown"}
    assert got.json["msgtype"] == "markdown"
    content = got.json["markdown"]["content"]
    assert "严重" in content and "在智养中打开" in content
    assert len(content.encode()) <= 4096


def test_feishu_signed_post_in_both_languages(two_districts, receiver) -> None:
    secret = "feishu-secret-123"
    channel(two_districts["org_east"], "feishu", url=receiver.url("/feishu"), secret=secret)
    before = int(time.time())
    alarm_like(two_districts, message="Machine PV-A")
    delivery.deliver_due()
    (got,) = receiver.at("/feishu")
    body = got.json
    timestamp = int(body["timestamp"])
    assert before <= timestamp <= int(time.time())
    # Feishu's documented check: HMAC-SHA256 keyed by "timestamp\nsecret" over nothing.
    key = f"{timestamp}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == feishu_sign(secret, timestamp)
    assert body["msg_type"] == "post"
    posts = body["content"]["post"]
    assert set(posts) == {"zh_cn", "en_us"}
    assert posts["en_us"]["title"].startswith("[Critical]")
    assert posts["zh_cn"]["title"].startswith("[严重]")
    assert posts["en_us"]["content"][1][0]["href"].endswith("/telemetry/alarms/")


def test_signed_webhook(two_districts, receiver) -> None:
    secret = "webhook-secret-0123456789"
    channel(two_districts["org_east"], "webhook", url=receiver.url("/webhook"), secret=secret)
    event = alarm_like(two_districts)
    delivery.deliver_due()
    (got,) = receiver.at("/webhook")
    timestamp = int(got.headers["x-zhiyang-timestamp"])
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + got.raw, hashlib.sha256)
    assert got.headers["x-zhiyang-signature"] == "sha256=" + mac.hexdigest()
    assert webhook_signature(secret, timestamp, got.raw) == got.headers["x-zhiyang-signature"]
    row = Delivery.objects.get(event=event)
    assert got.headers["x-zhiyang-delivery"] == str(row.pk)
    assert got.json["event"] == event.pk and got.json["kind"] == "telemetry.alarm"
    assert set(got.json["title"]) == {"zh-hans", "en"}


def test_sms_aliyun_signature(two_districts, receiver, make_user) -> None:
    make_user(role="engineer", organisation=two_districts["org_east"], phone="13800000001")
    secret = "aliyun-secret"
    channel(
        two_districts["org_east"],
        "sms",
        endpoint=receiver.url("/sms"),
        access_key_id="AKID",
        access_key_secret=secret,
        sign_name="智养",
        template_code="SMS_1",
    )
    alarm_like(two_districts)  # critical: engineers get an SMS (subscriptions.toml)
    assert delivery.deliver_due()["sent"] == 1
    (got,) = receiver.at("/sms")
    form = got.form
    assert form["Action"] == "SendSms" and form["PhoneNumbers"] == "13800000001"
    assert form["SignName"] == "智养" and form["SignatureMethod"] == "HMAC-SHA1"
    assert json.loads(form["TemplateParam"])["content"].startswith("[严重]")
    signature = form.pop("Signature")
    query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(form.items()))
    to_sign = "POST&%2F&" + percent_encode(query)
    expected = base64.b64encode(
        hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    ).decode()
    assert signature == expected == aliyun_signature(form, secret)


def test_email_through_a_real_smtp_server(two_districts, smtp_server, make_user) -> None:
    user = make_user(
        role="engineer", organisation=two_districts["org_east"], email="eng@example.org"
    )
    channel(
        two_districts["org_east"],
        "email",
        host=smtp_server.host,
        port=smtp_server.port,
        security="none",
        from_email="zhiyang@example.org",
    )
    event = alarm_like(two_districts)
    assert delivery.deliver_due()["sent"] == 1
    (mail,) = smtp_server.messages
    assert mail["To"] == "eng@example.org" and mail["From"] == "zhiyang@example.org"
    assert "Paving temperature" in str(mail.get_payload(decode=True).decode())
    row = Delivery.objects.get(event=event, recipient=user)
    assert mail["X-Zhiyang-Delivery"] == str(row.pk)
    assert DeliveryAttempt.objects.get(delivery=row).ok


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        ("dingtalk", {"url": "not a url"}, "url"),
        ("wecom", {"url": "ftp://example.org/x"}, "url"),
        ("feishu", {}, "url"),
        ("webhook", {"url": "https://example.org/hook", "secret": "short"}, "secret"),
        ("email", {"host": "smtp.example.org", "port": "99999", "from_email": "a@b.cn"}, "port"),
        ("email", {"host": "smtp.example.org", "port": "465", "from_email": "nope"}, "from_email"),
        ("email", {"host": "https://smtp", "port": "465", "from_email": "a@b.cn"}, "host"),
        ("sms", {"sign_name": "x", "template_code": "y"}, "access_key_id"),
    ],
)
def test_bad_settings_are_field_errors(two_districts, kind, values, field) -> None:
    with pytest.raises(ValidationError) as info:
        channel(two_districts["org_east"], kind, **values)
    assert field in info.value.message_dict
    assert not Channel.objects.exists()


def test_secrets_encrypted_never_in_the_audit_and_kept_when_blank(two_districts, receiver) -> None:
    ch = channel(
        two_districts["org_east"],
        "dingtalk",
        url=receiver.url("/dingtalk", "access_token=T"),
        secret="SECsecretvalue",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM notify_channel WHERE id = %s", [ch.pk])
        stored = cursor.fetchone()[0]
    assert "SECsecretvalue" not in stored and "access_token" not in stored
    services.save_channel(
        actor=SYSTEM,
        organisation=ch.organisation,
        kind=ch.kind,
        channel=ch,
        values={"name": "renamed", "url": "", "secret": ""},
    )
    ch.refresh_from_db()
    assert ch.name == "renamed"
    assert delivery.secrets_of(ch)["secret"] == "SECsecretvalue"
    for row in AuditLog.objects.filter(resource="notify.channel"):
        text = json.dumps([row.before, row.after])
        assert "SECsecretvalue" not in text and "access_token" not in text


def test_robot_errors_are_logged_with_the_reason(two_districts, receiver) -> None:
    receiver.answers["/dingtalk"] = (200, {"errcode": 310000, "errmsg": "sign not match"})
    channel(two_districts["org_east"], "dingtalk", url=receiver.url("/dingtalk"))
    event = alarm_like(two_districts)
    assert delivery.deliver_due()["failed"] == 1
    row = Delivery.objects.get(event=event)
    assert row.status == "failed"  # a refused signature is not retried
    assert "310000" in row.last_error
    assert "sign not match" in DeliveryAttempt.objects.get(delivery=row).reason


def test_test_message(two_districts, receiver) -> None:
    ch = channel(two_districts["org_east"], "wecom", url=receiver.url("/wecom", "key=K"))
    services.send_test_message(actor=SYSTEM, channel=ch)
    delivery.deliver_due()
    (got,) = receiver.at("/wecom")
    assert "wecom" in got.json["markdown"]["content"]


def test_a_2xx_without_errcode_counts_as_sent_a_404_fails_for_good(two_districts, receiver) -> None:
    receiver.answers["/wecom"] = (200, None)  # a relay answering 200 with no body
    channel(two_districts["org_east"], "wecom", url=receiver.url("/wecom", "key=K"))
    channel(two_districts["org_east"], "feishu", url=receiver.url("/nowhere"), name="gone")
    event = alarm_like(two_districts)
    assert delivery.deliver_due() == {"sent": 1, "failed": 1, "deferred": 0}
    assert Delivery.objects.get(event=event, kind="wecom").status == "sent"
    gone = Delivery.objects.get(event=event, kind="feishu")
    assert gone.status == "failed" and "404" in gone.last_error
