"""The MQTT subscriber: broker → Ingestor → lake, acknowledging only after the durable write.

paho-mqtt 2.x, MQTT v5, a fixed client id with ``clean_start=False`` and a session expiry,
so the broker keeps the subscription and every unacknowledged QoS 1 message while the
subscriber is down. Acknowledgements are manual (``Client(manual_ack=True)``): the network
thread puts each message on a bounded queue (when it is full the thread blocks, the socket is
not read and TCP pushes back on the broker); the ingest thread takes batches, appends them in
one fsync and only then sends the PUBACKs. A message received on a connection that has
since dropped is not acknowledged (its packet id may be reused): the broker sends it again
and the lake drops it as a duplicate.

Scaling out: with ``shared_group`` set (``ZHIYANG_MQTT_SHARED_GROUP``, or ``zhiyang telemetry
subscribe --processes N``) the subscriber joins the MQTT 5 shared subscription
``$share/<group>/zhiyang/v1/+/readings``: the broker hands each message to one member of the
group, so several subscriber processes (each with its own client id, session and lake
writer) share the load on several cores. Each member still acknowledges only after its own
durable write; a message left unacknowledged by a member that went away is delivered again
(to a member of the group), and the lake's readers drop any (device, seq) copy that two
members both wrote (see lake.py), so counts stay exact.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from zhiyang.telemetry.broker import INGEST_USER, READINGS_FILTER, device_of_topic
from zhiyang.telemetry.ingest import Ingestor, Raw

log = logging.getLogger(__name__)

SESSION_EXPIRY_S = 7 * 24 * 3600


@dataclass
class MqttSettings:
    host: str = "127.0.0.1"
    port: int = 1883
    username: str = INGEST_USER
    password: str = ""
    client_id: str = "zhiyang-ingest"
    keepalive: int = 30
    shared_group: str = ""  # MQTT 5 shared subscription group ("" = a plain subscription)

    @property
    def topic_filter(self) -> str:
        """What the subscriber subscribes to: the readings, shared in the group if any."""
        if self.shared_group:
            return f"$share/{self.shared_group}/{READINGS_FILTER}"
        return READINGS_FILTER


def settings_from_env(environ: Any = None) -> MqttSettings:
    """ZHIYANG_MQTT_URL (``mqtt://user:password@host:port``), then the single variables
    ZHIYANG_MQTT_USERNAME, ZHIYANG_MQTT_PASSWORD, ZHIYANG_MQTT_PASSWORD_FILE,
    ZHIYANG_MQTT_CLIENT_ID, ZHIYANG_MQTT_SHARED_GROUP."""
    env = os.environ if environ is None else environ
    out = MqttSettings()
    url = env.get("ZHIYANG_MQTT_URL")
    if url:
        parsed = urlparse(url)
        out.host = parsed.hostname or out.host
        out.port = parsed.port or out.port
        if parsed.username:
            out.username = unquote(parsed.username)
        if parsed.password:
            out.password = unquote(parsed.password)
    out.username = env.get("ZHIYANG_MQTT_USERNAME", out.username)
    out.password = env.get("ZHIYANG_MQTT_PASSWORD", out.password)
    if env.get("ZHIYANG_MQTT_PASSWORD_FILE"):
        with open(env["ZHIYANG_MQTT_PASSWORD_FILE"], encoding="utf-8") as handle:
            out.password = handle.read().strip()
    out.client_id = env.get("ZHIYANG_MQTT_CLIENT_ID", out.client_id)
    out.shared_group = env.get("ZHIYANG_MQTT_SHARED_GROUP", out.shared_group)
    return out


@dataclass
class _Message:
    generation: int
    mid: int
    qos: int
    topic: str
    payload: bytes


class Subscriber:
    """Runs until :meth:`stop`; see the module docstring."""

    def __init__(
        self,
        ingestor: Ingestor,
        config: MqttSettings,
        *,
        queue_size: int = 20_000,
        batch_size: int = 2_000,
        batch_wait_s: float = 0.005,
    ) -> None:
        self.ingestor = ingestor
        self.config = config
        self.batch_size = batch_size
        self.batch_wait_s = batch_wait_s
        self.queue: queue.Queue[_Message] = queue.Queue(queue_size)
        self.receive_maximum = max(1, min(queue_size, 65_535))
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.generation = 0
        self.acked = 0
        self.received = 0
        self.failed = False
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=config.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if config.username:
            self.client.username_pw_set(config.username, config.password or None)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    # ------------------------------------------------------------ callbacks (network thread)

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused: %s", reason)
            return
        self.generation += 1
        self.connected.set()
        client.subscribe(self.config.topic_filter, qos=1)
        log.info("MQTT connected (session present: %s)", flags.session_present)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        self.connected.clear()
        self.generation += 1
        if not self.stopping.is_set():
            log.warning("MQTT disconnected (%s); reconnecting", reason)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.received += 1
        item = _Message(self.generation, message.mid, message.qos, message.topic, message.payload)
        while True:  # blocks while full (TCP backpressure), but wakes up to stop
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                if self.stopping.is_set():
                    return

    # ------------------------------------------------------------ the ingest loop

    def _take_batch(self) -> list[_Message]:
        try:
            first = self.queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.batch_wait_s
        while len(batch) < self.batch_size:
            try:
                batch.append(self.queue.get_nowait())
            except queue.Empty:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self.queue.get(timeout=remaining))
                except queue.Empty:
                    break
        return batch

    def _process(self, batch: list[_Message]) -> None:
        raws = [Raw(m.payload, device_of_topic(m.topic) or "") for m in batch]
        self.ingestor.ingest(raws)
        generation = self.generation
        for m in batch:
            if m.qos > 0 and m.generation == generation:
                self.client.ack(m.mid, m.qos)
        self.acked += len(batch)

    def _ingest_loop(self) -> None:
        while True:
            batch = self._take_batch()
            if batch:
                try:
                    self._process(batch)
                except Exception:
                    # Not acknowledged: the broker delivers them again to the next run (the
                    # service manager restarts the subscriber; the lake drops any copy).
                    log.exception("ingest of %d MQTT messages failed; stopping", len(batch))
                    self.failed = True
                    self.stop()
                    return
            elif self.stopping.is_set():
                return

    # ------------------------------------------------------------ run / stop

    def connect(self) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        properties.ReceiveMaximum = self.receive_maximum
        delay = 1.0
        while not self.stopping.is_set():
            try:
                self.client.connect(
                    self.config.host,
                    self.config.port,
                    keepalive=self.config.keepalive,
                    clean_start=False,
                    properties=properties,
                )
                return
            except OSError as exc:
                log.warning(
                    "MQTT broker %s:%s unreachable (%s)", self.config.host, self.config.port, exc
                )
                self.stopping.wait(delay)
                delay = min(delay * 2, 30.0)

    def run(self) -> None:
        """Connect, ingest until :meth:`stop`, then drain, acknowledge and disconnect."""
        self.connect()
        if self.stopping.is_set():
            return
        worker = threading.Thread(target=self._ingest_loop, name="mqtt-ingest", daemon=True)
        worker.start()
        self.client.loop_start()
        try:
            while not self.stopping.wait(0.5):
                pass
        finally:
            worker.join(timeout=60)
            self.client.disconnect()
            self.client.loop_stop()

    def stop(self) -> None:
        self.stopping.set()
