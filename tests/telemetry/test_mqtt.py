"""Credentials, ACL and the subscriber against a real (throwaway) Mosquitto."""

from __future__ import annotations

import json
import threading
import time
from io import StringIO
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.core.management import call_command
from paho.mqtt.enums import CallbackAPIVersion

from tests.telemetry.conftest import INGEST_PASSWORD, INGEST_USER, default_acl, roller_reading
from zhiyang.core.actors import SYSTEM
from zhiyang.telemetry import credentials, services
from zhiyang.telemetry.broker import device_of_topic, topic_for
from zhiyang.telemetry.ingest import Ingestor
from zhiyang.telemetry.lake import Lake
from zhiyang.telemetry.models import DeadLetter
from zhiyang.telemetry.mqtt import MqttSettings, Subscriber, settings_from_env


def connect(broker: Any, user: str, password: str, client_id: str = "") -> tuple[mqtt.Client, Any]:
    """Connect and return (client, reason code of the CONNACK)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
    client.username_pw_set(user, password)
    result: dict[str, Any] = {}
    done = threading.Event()

    def on_connect(c: Any, u: Any, flags: Any, reason: Any, props: Any) -> None:
        result["reason"] = reason
        done.set()

    client.on_connect = on_connect
    client.connect(broker.host, broker.port)
    client.loop_start()
    assert done.wait(5), "no CONNACK"
    return client, result["reason"]


def test_mosquitto_hash_format() -> None:
    hashed = credentials.mosquitto_hash("secret", salt=b"0123456789ab")
    kind, iterations, salt, _digest = hashed.split("$")[1:]
    assert (kind, iterations, salt) == ("7", "101", "MDEyMzQ1Njc4OWFi")
    assert credentials.check_mosquitto_hash("secret", hashed)
    assert not credentials.check_mosquitto_hash("Secret", hashed)


def test_broker_accepts_our_hash_and_refuses_a_wrong_password(mosquitto: Any) -> None:
    token = credentials.new_token()
    mosquitto.configure(
        passwords={INGEST_USER: INGEST_PASSWORD, "DEV-H": token}, acl=default_acl(["DEV-H"])
    )
    client, reason = connect(mosquitto, "DEV-H", token)
    assert not reason.is_failure
    client.disconnect()
    client.loop_stop()
    client, reason = connect(mosquitto, "DEV-H", token + "x")
    assert reason.is_failure
    client.loop_stop()


def test_acl_device_cannot_publish_to_another_topic(mosquitto: Any) -> None:
    mosquitto.configure(
        passwords={INGEST_USER: INGEST_PASSWORD, "DEV-A": "pa", "DEV-B": "pb"},
        acl=default_acl(["DEV-A", "DEV-B"]),
    )
    got: list[tuple[str, bytes]] = []
    subscribed = threading.Event()
    sub, _reason = connect(mosquitto, INGEST_USER, INGEST_PASSWORD)
    sub.on_message = lambda c, u, m: got.append((m.topic, m.payload))
    sub.on_subscribe = lambda *a: subscribed.set()
    sub.subscribe("zhiyang/v1/+/readings", qos=1)
    assert subscribed.wait(5)
    # Mosquitto refuses the forged publishes (2.0 also drops the connection of the forger).
    for topic in (topic_for("DEV-A"), "zhiyang/v1/other/readings"):
        forger, _ = connect(mosquitto, "DEV-B", "pb")
        forger.publish(topic, b"forged", qos=1)
        time.sleep(0.3)
        forger.disconnect()
        forger.loop_stop()
    a, _ = connect(mosquitto, "DEV-A", "pa")
    b, _ = connect(mosquitto, "DEV-B", "pb")
    a.publish(topic_for("DEV-A"), b"real", qos=1).wait_for_publish(5)
    b.publish(topic_for("DEV-B"), b"real-b", qos=1).wait_for_publish(5)
    deadline = time.monotonic() + 5
    while len(got) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert sorted(got) == [(topic_for("DEV-A"), b"real"), (topic_for("DEV-B"), b"real-b")]
    for client in (sub, a, b):
        client.disconnect()
        client.loop_stop()


def test_topic_parsing() -> None:
    assert device_of_topic("zhiyang/v1/R-1/readings") == "R-1"
    assert device_of_topic("zhiyang/v1//readings") is None
    assert device_of_topic("zhiyang/v2/R-1/readings") is None


def test_settings_from_env(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    config = settings_from_env(
        {
            "ZHIYANG_MQTT_URL": "mqtt://ing:pw@broker.local:8883",
            "ZHIYANG_MQTT_PASSWORD_FILE": str(secret),
        }
    )
    assert (config.host, config.port, config.username, config.password) == (
        "broker.local",
        8883,
        "ing",
        "s3cret",
    )


@pytest.mark.django_db(transaction=True)
def test_broker_config_files_work_with_the_broker(
    tmp_path: Path, device_factory: Any, mosquitto_factory: Any
) -> None:
    device = device_factory(code="DEV-CFG")
    token = services.issue_token(actor=SYSTEM, device=device)
    inactive = device_factory(code="DEV-OFF")
    services.issue_token(actor=SYSTEM, device=inactive)
    services.deactivate_device(actor=SYSTEM, device=inactive)
    (tmp_path / "ingest-pw").write_text(INGEST_PASSWORD)
    out = StringIO()
    call_command(
        "telemetry",
        "broker-config",
        "--out",
        str(tmp_path / "broker"),
        "--ingest-password-file",
        str(tmp_path / "ingest-pw"),
        stdout=out,
    )
    acl = (tmp_path / "broker" / "acl").read_text()
    assert "topic write zhiyang/v1/DEV-CFG/readings" in acl
    assert "DEV-OFF" not in acl
    broker = mosquitto_factory(
        password_file=tmp_path / "broker" / "passwords", acl_file=tmp_path / "broker" / "acl"
    )
    client, reason = connect(broker, "DEV-CFG", token)
    assert not reason.is_failure
    client.disconnect()
    client.loop_stop()
    client, reason = connect(broker, INGEST_USER, INGEST_PASSWORD)
    assert not reason.is_failure
    client.disconnect()
    client.loop_stop()
    client, reason = connect(broker, "DEV-OFF", "anything")
    assert reason.is_failure
    client.loop_stop()


@pytest.mark.django_db(transaction=True)
def test_subscriber_ingests_and_acknowledges(
    tmp_path: Path, device_factory: Any, mosquitto_factory: Any
) -> None:
    device_factory(code="DEV-S1")
    broker = mosquitto_factory(
        passwords={INGEST_USER: INGEST_PASSWORD, "DEV-S1": "p1"}, acl=default_acl(["DEV-S1"])
    )
    lake = Lake(tmp_path / "lake").open()
    ingestor = Ingestor(lake, on_accepted=None)
    config = MqttSettings(
        host=broker.host,
        port=broker.port,
        username=INGEST_USER,
        password=INGEST_PASSWORD,
        client_id="test-sub",
    )
    subscriber = Subscriber(ingestor, config)
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    assert subscriber.connected.wait(5)
    time.sleep(0.3)
    pub, _ = connect(broker, "DEV-S1", "p1")
    infos = [
        pub.publish(topic_for("DEV-S1"), json.dumps(roller_reading("DEV-S1", i)), qos=1)
        for i in range(300)
    ]
    infos.append(pub.publish(topic_for("DEV-S1"), json.dumps(roller_reading("DEV-S1", 5)), qos=1))
    infos.append(pub.publish(topic_for("DEV-S1"), b"garbage", qos=1))
    for info in infos:
        info.wait_for_publish(5)
    deadline = time.monotonic() + 10
    while subscriber.acked < 302 and time.monotonic() < deadline:
        time.sleep(0.05)
    subscriber.stop()
    thread.join(10)
    ingestor.close()
    lake.close()
    pub.disconnect()
    pub.loop_stop()
    assert subscriber.acked == 302
    assert Lake(tmp_path / "lake").count("roller", dedup=False) == 300
    assert DeadLetter.objects.get().code == "bad_json"


def _run_member(ingestor: Any, config: MqttSettings) -> tuple[Subscriber, threading.Thread]:
    subscriber = Subscriber(ingestor, config)
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    assert subscriber.connected.wait(5)
    return subscriber, thread


@pytest.mark.django_db(transaction=True)
def test_shared_subscription_members_split_the_load_without_loss_or_duplicates(
    tmp_path: Path, device_factory: Any, mosquitto_factory: Any
) -> None:
    """Two subscribers in one MQTT 5 shared group (as ``--processes 2`` runs them), each with
    its own lake writer on the same lake: every reading arrives once, both take a share."""
    device_factory(code="DEV-SH")
    broker = mosquitto_factory(
        passwords={INGEST_USER: INGEST_PASSWORD, "DEV-SH": "p1"}, acl=default_acl(["DEV-SH"])
    )
    members = []
    for n in range(2):
        lake = Lake(tmp_path / "lake").open()
        ingestor = Ingestor(lake, on_accepted=None)
        config = MqttSettings(
            host=broker.host,
            port=broker.port,
            username=INGEST_USER,
            password=INGEST_PASSWORD,
            client_id=f"test-shared-{n}",
            shared_group="zhiyang",
        )
        assert config.topic_filter == "$share/zhiyang/zhiyang/v1/+/readings"
        members.append((lake, ingestor, *_run_member(ingestor, config)))
    time.sleep(0.3)
    pub, _ = connect(broker, "DEV-SH", "p1")
    total = 1000
    infos = [
        pub.publish(topic_for("DEV-SH"), json.dumps(roller_reading("DEV-SH", i)), qos=1)
        for i in range(total)
    ]
    for info in infos:
        info.wait_for_publish(5)
    deadline = time.monotonic() + 20
    while sum(m[2].acked for m in members) < total and time.monotonic() < deadline:
        time.sleep(0.05)
    for lake, ingestor, subscriber, thread in members:
        subscriber.stop()
        thread.join(10)
        ingestor.close()
        lake.close()
    pub.disconnect()
    pub.loop_stop()
    shares = [m[2].acked for m in members]
    assert sum(shares) == total, shares
    assert all(share > 0 for share in shares), shares  # the broker spread the messages
    reader = Lake(tmp_path / "lake")
    assert reader.count("roller", dedup=False) == total  # nothing written twice
    assert reader.count("roller") == total  # nothing lost


@pytest.mark.django_db(transaction=True)
def test_shared_member_that_dies_unacknowledged_is_redelivered(
    tmp_path: Path, device_factory: Any, mosquitto_factory: Any
) -> None:
    """A member that stops without acknowledging (its durable write failed) leaves its
    messages to the broker: after it comes back, the lake has each reading exactly once."""
    device_factory(code="DEV-SF")
    broker = mosquitto_factory(
        passwords={INGEST_USER: INGEST_PASSWORD, "DEV-SF": "p1"}, acl=default_acl(["DEV-SF"])
    )
    lake = Lake(tmp_path / "lake").open()
    failing = Ingestor(lake, on_accepted=None)

    def broken(raws: Any) -> Any:
        raise OSError("disk full")

    failing.ingest = broken  # type: ignore[method-assign]
    config = MqttSettings(
        host=broker.host,
        port=broker.port,
        username=INGEST_USER,
        password=INGEST_PASSWORD,
        client_id="test-shared-fail",
        shared_group="zhiyang",
    )
    subscriber, thread = _run_member(failing, config)
    time.sleep(0.3)
    pub, _ = connect(broker, "DEV-SF", "p1")
    total = 200
    for info in [
        pub.publish(topic_for("DEV-SF"), json.dumps(roller_reading("DEV-SF", i)), qos=1)
        for i in range(total)
    ]:
        info.wait_for_publish(5)
    thread.join(10)
    assert subscriber.failed and subscriber.acked == 0
    # The same member (same client id, session kept by the broker) comes back healthy.
    ingestor = Ingestor(lake, on_accepted=None)
    subscriber, thread = _run_member(ingestor, config)
    deadline = time.monotonic() + 20
    while subscriber.acked < total and time.monotonic() < deadline:
        time.sleep(0.05)
    subscriber.stop()
    thread.join(10)
    ingestor.close()
    lake.close()
    pub.disconnect()
    pub.loop_stop()
    assert Lake(tmp_path / "lake").count("roller") == total
