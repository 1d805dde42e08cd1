"""``zhiyang simulate``: a simulated paving shift of a project's machines, sent as telemetry.

Transports: ``local`` hands the readings in-process to the Ingestor (lake, then the live
stage: device states, rules, alarms) and needs no server; ``http`` POSTs NDJSON batches to
``/api/v1/telemetry/ingest/`` with each device's token; ``mqtt`` publishes to each device's
topic with its credentials. For http and mqtt fresh tokens are issued at the start (the old
ones stop working; for mqtt, write the broker's password file again with
``zhiyang telemetry broker-config`` and reload the broker before the first reading).

The helpers here (``paving_train``, ``shift_config``, ``run_local``) are also what the
telemetry demo uses.
"""

from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM, Actor
from zhiyang.fleet.models import Equipment
from zhiyang.network.linref import route_coords
from zhiyang.telemetry import schema
from zhiyang.telemetry.models import Device
from zhiyang.telemetry.simulator import FAULTS, Machine, Sample, Shift, ShiftConfig
from zhiyang.works.choices import Process, WorkOrderStatus
from zhiyang.works.models import Project, WorkOrder

INGEST_PATH = "/api/v1/telemetry/ingest/"
#: Work orders whose machines form the paving train.
TRAIN_PROCESSES = (Process.TACK_COAT, Process.PAVING, Process.ROLLING)
ROLLER_ORDER = {"steel_drum_roller": 0, "vibratory_roller": 1, "pneumatic_roller": 2}


class SimulateError(CommandError):
    """Why the simulation cannot run (unknown project, no paving work order, ...)."""


@dataclass
class Train:
    """A project's paving train: its machines with their devices and the road they pave."""

    project: Project
    machines: list[tuple[Machine, Device]]
    coords: list[list[float]]
    route_start_m: float
    route_end_m: float
    from_m: float
    to_m: float
    binder: str = "70"
    design_thickness_mm: float = 40.0
    roller_gap_limit_m: float = 60.0
    created: list[str] = field(default_factory=list)  # device codes created now

    @property
    def devices(self) -> dict[str, Device]:
        return {d.code: d for _m, d in self.machines}


def find_project(code: str | None) -> Project:
    """The project by code; without a code the first project with a paving work order."""
    if code:
        project = Project.objects.select_related("route").filter(code=code).first()
        if project is None:
            raise SimulateError(_("There is no project with the code “%(code)s”.") % {"code": code})
        return project
    order = (
        WorkOrder.objects.filter(process=Process.PAVING)
        .exclude(status=WorkOrderStatus.CLOSED)
        .select_related("project__route")
        .order_by("project__code")
        .first()
    )
    if order is None:
        raise SimulateError(_("No project has a paving work order: give one with --project."))
    return order.project


def _setup(project: Project) -> Any:
    try:
        from zhiyang.telemetry.models import PavingSetup
    except ImportError:  # pragma: no cover - the rules app part not installed
        return None
    return PavingSetup.objects.filter(project=project).first()


def _binder(project: Project, orders: Iterable[WorkOrder], setup: Any) -> str:
    grade = str(setup.binder_grade or "") if setup is not None else ""
    if grade:
        return grade
    text = " ".join(
        f"{o.title} {o.description if hasattr(o, 'description') else ''}" for o in orders
    )
    text += f" {project.name} {project.description}"
    return "sbs" if ("SBS" in text.upper() or "改性" in text) else "70"


def _roles(equipment: list[Equipment], setup: Any) -> dict[int, str]:
    """Equipment id → train role (rollers by the setup's roller roles, else by type)."""
    roles: dict[int, str] = {}
    phases = {int(k): str(v) for k, v in (getattr(setup, "roller_phases", None) or {}).items()}
    rollers = [e for e in equipment if schema.EQUIPMENT_TYPES.get(e.equipment_type) == "roller"]
    for machine in rollers:
        if phases.get(machine.pk) in ("initial", "intermediate", "final"):
            roles[machine.pk] = phases[machine.pk]
    free = [r for r in ("initial", "intermediate", "final") if r not in roles.values()]
    rest = sorted(
        (m for m in rollers if m.pk not in roles),
        key=lambda m: (ROLLER_ORDER.get(m.equipment_type, 3), m.code),
    )
    # Steel first (initial), pneumatic for the intermediate phase, a second steel last.
    pneumatic = [m for m in rest if m.equipment_type == "pneumatic_roller"]
    steel = [m for m in rest if m.equipment_type != "pneumatic_roller"]
    for role in free:
        pool = pneumatic if role == "intermediate" and pneumatic else steel or pneumatic
        if pool:
            roles[pool.pop(0).pk] = role
    for kind, role in (("paver", "paver"), ("sprayer", "sprayer"), ("truck", "truck")):
        for machine in sorted(equipment, key=lambda m: m.code):
            if schema.EQUIPMENT_TYPES.get(machine.equipment_type) == kind:
                roles[machine.pk] = role
                break  # one of each (the truck carrying a device)
    return roles


def device_code(equipment: Equipment) -> str:
    return f"DEV-{equipment.code}"[:64]


def paving_train(project: Project, *, actor: Actor, create: bool = True) -> Train:
    """The project's paving train, its devices created (through the device services) when
    missing. SimulateError when the project has no paving work order or no paver."""
    from zhiyang.telemetry import services as device_services

    orders = list(
        WorkOrder.objects.filter(project=project, process__in=TRAIN_PROCESSES)
        .exclude(status=WorkOrderStatus.CLOSED)
        .prefetch_related("equipment")
        .order_by("sequence", "pk")
    )
    paving = [o for o in orders if o.process == Process.PAVING]
    if not paving:
        raise SimulateError(
            _("Project %(code)s has no open paving work order to simulate.")
            % {"code": project.code}
        )
    equipment = list({m.pk: m for o in orders for m in o.equipment.all()}.values())
    setup = _setup(project)
    roles = _roles(equipment, setup)
    if "paver" not in roles.values():
        raise SimulateError(
            _("The paving work order of %(code)s has no paver assigned.") % {"code": project.code}
        )
    machines: list[tuple[Machine, Device]] = []
    created: list[str] = []
    order = ("sprayer", "paver", "truck", "initial", "intermediate", "final")
    by_pk = {m.pk: m for m in equipment}
    for pk, role in sorted(roles.items(), key=lambda kv: order.index(kv[1])):
        machine = by_pk[pk]
        kind = schema.EQUIPMENT_TYPES[machine.equipment_type]
        device = (
            Device.objects.filter(equipment=machine, machine_type=kind, active=True)
            .order_by("code")
            .first()
        )
        if device is None:
            if not create:
                continue
            device = device_services.create_device(
                actor=actor, equipment=machine, code=device_code(machine)
            )
            created.append(device.code)
        width = (
            float(machine.working_width_m or 0.0)
            if role in ("initial", "intermediate", "final")
            else 0.0
        )
        machines.append((Machine(device.code, kind, role, width), device))
    route = project.route
    try:
        coords = route_coords(route)
    except Exception as exc:
        raise SimulateError(
            _("The route of %(code)s has no usable geometry.") % {"code": project.code}
        ) from exc
    order_ = paving[0]
    start = order_.start_m if order_.start_m is not None else project.start_m
    end = order_.end_m if order_.end_m is not None else project.end_m
    from_m = start + 0.6 * (end - start)
    gap = float(getattr(setup, "max_gap_m", 60.0) or 60.0)
    thickness = float(getattr(setup, "design_thickness_mm", None) or 40.0)
    return Train(
        project=project,
        machines=machines,
        coords=coords,
        route_start_m=route.start_m,
        route_end_m=route.end_m,
        from_m=from_m,
        to_m=end,
        binder=_binder(project, orders, setup),
        design_thickness_mm=thickness,
        roller_gap_limit_m=gap,
        created=created,
    )


def shift_config(
    train: Train,
    *,
    duration_s: float,
    rate_hz: float = 1.0,
    speed: float = 0.0,
    faults: Iterable[str] = (),
    seed: int = 0,
    now: datetime | None = None,
) -> ShiftConfig:
    """The shift of a train. It ends now (as fast as possible) or, at ``speed`` (a time
    factor), ends when the run does: readings are never in the future. Each device's
    sequence numbers start at the run's wall-clock time in microseconds, so a later run
    (started more than its reading count in microseconds later) never repeats one and is
    never taken for an old duplicate by the lake."""
    now = now or timezone.now()
    wall = duration_s / speed if speed > 0 else 0.0
    start = (now - timedelta(seconds=duration_s - wall)).astimezone(UTC)
    first = int(now.timestamp() * 1_000_000)
    return ShiftConfig(
        coords=train.coords,
        route_start_m=train.route_start_m,
        route_end_m=train.route_end_m,
        from_m=train.from_m,
        to_m=train.to_m,
        start=start,
        duration_s=duration_s,
        rate_hz=rate_hz,
        machines=tuple(m for m, _d in train.machines),
        binder=train.binder,
        design_thickness_mm=train.design_thickness_mm,
        faults=frozenset(faults),
        seed=seed,
        roller_gap_limit_m=train.roller_gap_limit_m,
        seq_start={m.device: first for m, _d in train.machines},
    )


def batches(shift: Shift, seconds: float) -> Iterator[tuple[float, list[Sample]]]:
    """The shift's readings in slices of ``seconds`` of machine time (end offset, samples)."""
    batch: list[Sample] = []
    edge = seconds
    for sample in shift.readings():
        if sample.offset_s >= edge and batch:
            yield edge, batch
            batch = []
            edge = (math.floor(sample.offset_s / seconds) + 1) * seconds
        batch.append(sample)
    if batch:
        yield shift.config.duration_s, batch


def _pace(started: float, offset_s: float, speed: float) -> None:
    if speed > 0:
        delay = started + offset_s / speed - time.monotonic()
        if delay > 0:
            time.sleep(delay)


@dataclass
class RunResult:
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0


Progress = Callable[[float, RunResult], None]


def run_local(
    shift: Shift,
    *,
    lake: Any = None,
    speed: float = 0.0,
    batch_s: float = 10.0,
    progress: Progress | None = None,
    fsync: bool = True,
) -> RunResult:
    """Hand the readings to the Ingestor in-process; the live stage runs in this thread
    after each durable append (so a caller sees its device states and alarms at once).
    Batches are ``batch_s`` of machine time (1 s when paced), in time order, so the live
    rules see the paver and the rollers move together. ``fsync=False`` (the demo) trades
    durability for speed."""
    from zhiyang.telemetry.ingest import Ingestor, Raw, lake_root
    from zhiyang.telemetry.lake import Lake

    try:
        from zhiyang.telemetry.live import process_accepted
    except ImportError:  # pragma: no cover - the live stage not installed
        process_accepted = None  # type: ignore[assignment]

    own = lake is None
    if own:
        lake = Lake(lake_root(), fsync=fsync).open()
    ingestor = Ingestor(lake, on_accepted=None, transport="local")
    result = RunResult()
    started = time.monotonic()
    try:
        for edge, samples in batches(shift, batch_s if speed == 0 else 1.0):
            _pace(started, edge, speed)
            raws = [Raw(json.dumps(s.message).encode(), s.message["device"]) for s in samples]
            got = ingestor.ingest(raws)
            result.sent += len(raws)
            result.accepted += got.accepted
            result.duplicates += got.duplicates
            result.rejected += len(got.rejected)
            if process_accepted is not None and got.items:
                process_accepted(got.items)
            if progress is not None:
                progress(edge, result)
    finally:
        if own:
            lake.close()
    return result


def issue_tokens(train: Train, *, actor: Actor) -> dict[str, str]:
    """Fresh tokens for the train's devices (device code → token)."""
    from zhiyang.telemetry import services as device_services

    return {d.code: device_services.issue_token(actor=actor, device=d) for _m, d in train.machines}


def run_http(
    shift: Shift,
    tokens: dict[str, str],
    *,
    url: str,
    speed: float = 0.0,
    batch_s: float = 10.0,
    progress: Progress | None = None,
    timeout: float = 15.0,
) -> RunResult:
    """POST the readings as NDJSON, one request per device and batch, with its token."""
    endpoint = url.rstrip("/") + INGEST_PATH
    result = RunResult()
    started = time.monotonic()
    for edge, samples in batches(shift, batch_s if speed == 0 else 1.0):
        _pace(started, edge, speed)
        by_device: dict[str, list[str]] = {}
        for s in samples:
            by_device.setdefault(s.message["device"], []).append(json.dumps(s.message))
        for code, lines in by_device.items():
            body = ("\n".join(lines) + "\n").encode()
            request = urllib.request.Request(  # noqa: S310 - the URL is the operator's
                endpoint,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/x-ndjson",
                    "Authorization": f"Device {tokens[code]}",
                },
            )
            answer = _post(request, timeout)
            result.sent += len(lines)
            result.accepted += int(answer.get("accepted", 0))
            result.duplicates += int(answer.get("duplicates", 0))
            result.rejected += len(answer.get("rejected", []) or [])
        if progress is not None:
            progress(edge, result)
    return result


def _post(request: urllib.request.Request, timeout: float) -> dict[str, Any]:
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                data = response.read()
                return json.loads(data) if data else {}
        except urllib.error.HTTPError as exc:
            if exc.code == 503 and attempt < 4:
                time.sleep(float(exc.headers.get("Retry-After") or 1))
                continue
            detail = exc.read()[:300].decode(errors="replace")
            raise SimulateError(
                _("The server refused the readings (HTTP %(status)s): %(detail)s")
                % {"status": exc.code, "detail": detail}
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SimulateError(
                _("Cannot reach the server at %(url)s: %(error)s")
                % {"url": request.full_url, "error": getattr(exc, "reason", exc)}
            ) from exc
    raise SimulateError(_("The server stayed busy; try again later."))


def run_mqtt(
    shift: Shift,
    tokens: dict[str, str],
    *,
    host: str,
    port: int,
    speed: float = 0.0,
    tls: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Publish each reading (QoS 1) to its device's topic, one client per device."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from zhiyang.telemetry.broker import topic_for

    clients: dict[str, Any] = {}
    result = RunResult()
    try:
        for code, token in tokens.items():
            client = mqtt.Client(
                CallbackAPIVersion.VERSION2,
                client_id=f"sim-{code}",
                protocol=mqtt.MQTTv5,
            )
            client.username_pw_set(code, token)
            if tls:
                client.tls_set()
            try:
                client.connect(host, port, keepalive=30)
            except OSError as exc:
                raise SimulateError(
                    _("Cannot reach the MQTT broker at %(host)s:%(port)s: %(error)s")
                    % {"host": host, "port": port, "error": exc}
                ) from exc
            client.loop_start()
            clients[code] = client
        started = time.monotonic()
        pending: list[Any] = []
        for edge, samples in batches(shift, 1.0):
            _pace(started, edge, speed)
            for s in samples:
                code = s.message["device"]
                info = clients[code].publish(topic_for(code), json.dumps(s.message), qos=1)
                pending.append(info)
                result.sent += 1
            if len(pending) > 500 or speed > 0:
                for info in pending:
                    info.wait_for_publish(timeout=30)
                    if info.rc != mqtt.MQTT_ERR_SUCCESS or not info.is_published():
                        raise SimulateError(
                            _("The broker refused a reading (check the device credentials).")
                        )
                pending = []
            if progress is not None:
                progress(edge, result)
        for info in pending:
            info.wait_for_publish(timeout=30)
    finally:
        for client in clients.values():
            client.loop_stop()
            client.disconnect()
    return result


class Command(BaseCommand):
    help = _(
        "Simulate a paving shift of a project's machines (paver, rollers, sprayer, truck) and "
        "send the readings through a telemetry transport."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--project", help=_("Project code (default: the first project with paving).")
        )
        parser.add_argument(
            "--duration-min", type=float, default=60.0, help=_("Machine time to simulate.")
        )
        parser.add_argument(
            "--rate-hz", type=float, default=1.0, help=_("Readings per second per machine.")
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=0.0,
            help=_("Time factor: 1 = real time, 10 = ten times faster, 0 = as fast as possible."),
        )
        parser.add_argument("--transport", choices=("local", "http", "mqtt"), default="local")
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help=_("Server address (http).")
        )
        parser.add_argument("--mqtt-host", default="127.0.0.1", help=_("Broker host (mqtt)."))
        parser.add_argument("--mqtt-port", type=int, default=1883, help=_("Broker port (mqtt)."))
        parser.add_argument("--mqtt-tls", action="store_true", help=_("Connect with TLS (mqtt)."))
        parser.add_argument(
            "--faults",
            default="",
            help=_("Faults to inject, comma-separated: %(faults)s, or all.")
            % {"faults": ", ".join(FAULTS)},
        )
        parser.add_argument("--seed", type=int, default=0, help=_("Random seed."))

    def handle(self, *args: Any, **options: Any) -> None:
        faults = [f.strip() for f in (options["faults"] or "").split(",") if f.strip()]
        if faults == ["all"]:
            faults = list(FAULTS)
        unknown = sorted(set(faults) - set(FAULTS))
        if unknown:
            raise SimulateError(
                _("Unknown fault: %(faults)s (choose from %(known)s).")
                % {"faults": ", ".join(unknown), "known": ", ".join(FAULTS)}
            )
        duration = float(options["duration_min"]) * 60.0
        rate = float(options["rate_hz"])
        speed = float(options["speed"])
        if duration <= 0 or rate <= 0 or speed < 0:
            raise SimulateError(_("Duration and rate must be positive and speed not negative."))
        project = find_project(options["project"])
        train = paving_train(project, actor=SYSTEM)
        for code in train.created:
            self.stdout.write(_("Created device %(code)s.") % {"code": code})
        config = shift_config(
            train,
            duration_s=duration,
            rate_hz=rate,
            speed=speed,
            faults=faults,
            seed=options["seed"],
        )
        shift = Shift(config)
        self.stdout.write(
            _(
                "Simulating %(minutes)g min of %(code)s (%(binder)s) at K%(km)s: %(machines)s; "
                "%(count)d readings; faults: %(faults)s."
            )
            % {
                "minutes": duration / 60,
                "code": project.code,
                "binder": config.binder,
                "km": f"{config.from_m / 1000:.3f}".replace(".", "+"),
                "machines": ", ".join(f"{m.device} ({m.role})" for m in config.machines),
                "count": shift.count,
                "faults": ", ".join(faults) or _("none"),
            }
        )
        last = [0.0]

        def progress(edge: float, result: RunResult) -> None:
            if edge - last[0] >= 60.0 or edge >= duration:
                last[0] = edge
                self.stdout.write(
                    _("%(min)5.1f min: %(sent)d sent, %(accepted)d accepted")
                    % {"min": edge / 60, "sent": result.sent, "accepted": result.accepted}
                )

        transport = options["transport"]
        if transport == "local":
            result = run_local(shift, speed=speed, progress=progress)
        else:
            tokens = issue_tokens(train, actor=SYSTEM)
            self.stdout.write(_("Issued fresh tokens for %(n)d devices.") % {"n": len(tokens)})
            if transport == "http":
                result = run_http(shift, tokens, url=options["url"], speed=speed, progress=progress)
            else:
                self.stdout.write(
                    _(
                        "Write the broker's password file again (zhiyang telemetry "
                        "broker-config) and reload the broker, or the devices are refused."
                    )
                )
                result = run_mqtt(
                    shift,
                    tokens,
                    host=options["mqtt_host"],
                    port=options["mqtt_port"],
                    speed=speed,
                    tls=options["mqtt_tls"],
                    progress=progress,
                )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Done: %(sent)d readings sent, %(accepted)d accepted, "
                    "%(duplicates)d duplicates, %(rejected)d rejected."
                )
                % {
                    "sent": result.sent,
                    "accepted": result.accepted,
                    "duplicates": result.duplicates,
                    "rejected": result.rejected,
                }
            )
        )


__all__ = [
    "Command",
    "SimulateError",
    "Train",
    "batches",
    "find_project",
    "paving_train",
    "run_http",
    "run_local",
    "run_mqtt",
    "shift_config",
]
