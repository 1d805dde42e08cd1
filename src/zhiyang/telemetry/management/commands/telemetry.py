"""``zhiyang telemetry <sub-command>``: subscribe, broker-config, lake."""

from __future__ import annotations

import json
import logging
import pathlib
import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.telemetry import schema


class Command(BaseCommand):
    help = _("Telemetry: run the MQTT subscriber, write the broker's files, inspect the lake.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")

        p = sub.add_parser(
            "subscribe",
            help=_(
                "Subscribe to the readings topics and ingest them into the lake "
                "(runs until SIGTERM)."
            ),
        )
        p.add_argument(
            "--host", help=_("Broker host (default from ZHIYANG_MQTT_URL, else 127.0.0.1).")
        )
        p.add_argument("--port", type=int, help=_("Broker port (default 1883)."))
        p.add_argument("--username", help=_("Broker user name (default zhiyang-ingest)."))
        p.add_argument(
            "--password-file", type=pathlib.Path, help=_("File holding the broker password.")
        )
        p.add_argument(
            "--client-id", help=_("MQTT client id (fixed: the broker keeps its session).")
        )
        p.add_argument(
            "--lake", type=pathlib.Path, help=_("Lake directory (default <data dir>/lake).")
        )
        p.add_argument(
            "--segment-age",
            type=float,
            default=30.0,
            help=_("Seconds before a WAL segment becomes Parquet."),
        )
        p.add_argument(
            "--processes",
            type=int,
            default=1,
            help=_(
                "Subscriber processes sharing the load through an MQTT 5 shared subscription "
                "(default 1: one plain subscription)."
            ),
        )
        p.add_argument(
            "--group",
            help=_(
                "Shared subscription group (default from ZHIYANG_MQTT_SHARED_GROUP; "
                "'zhiyang' with --processes above 1)."
            ),
        )

        p = sub.add_parser(
            "broker-config", help=_("Write Mosquitto's password and ACL files from the database.")
        )
        p.add_argument(
            "--out", type=pathlib.Path, required=True, help=_("Directory to write into.")
        )
        p.add_argument(
            "--ingest-password-file",
            type=pathlib.Path,
            help=_("File holding the ingest user's password (default ZHIYANG_MQTT_PASSWORD)."),
        )
        p.add_argument("--ingest-user", default="zhiyang-ingest", help=_("Ingest user name."))

        p = sub.add_parser("lake", help=_("Count the readings in the lake."))
        p.add_argument(
            "--lake", type=pathlib.Path, help=_("Lake directory (default <data dir>/lake).")
        )
        p.add_argument("--raw", action="store_true", help=_("Count without dropping duplicates."))

        sub.add_parser("schema", help=_("Print the message schema as JSON."))

        p = sub.add_parser("devices", help=_("List the devices (code, machine, schema, token)."))
        p.add_argument("--format", choices=["text", "json"], default="text")

        p = sub.add_parser("add-device", help=_("Register a device on a machine."))
        p.add_argument("code", help=_("Device code (also its MQTT user name)."))
        p.add_argument("--machine", required=True, help=_("Code of the machine it is mounted on."))

        p = sub.add_parser(
            "issue-token",
            help=_("Issue or rotate a device's token and print it (shown this once only)."),
        )
        p.add_argument("code", help=_("Device code."))
        p.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)

    def _subscribe(self, options: dict[str, Any]) -> None:
        from zhiyang.telemetry.mqtt import settings_from_env

        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
        )
        config = settings_from_env()
        if options["host"]:
            config.host = options["host"]
        if options["port"]:
            config.port = options["port"]
        if options["username"]:
            config.username = options["username"]
        if options["client_id"]:
            config.client_id = options["client_id"]
        if options["password_file"]:
            try:
                config.password = options["password_file"].read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(str(exc)) from None
        if options.get("group"):
            config.shared_group = options["group"]
        processes = int(options.get("processes") or 1)
        if processes < 1:
            raise CommandError(_("--processes must be at least 1."))
        if processes > 1:
            config.shared_group = config.shared_group or "zhiyang"
            self._run_members(config, processes, options)
            return
        self._run_one(config, options)

    def _run_members(self, config: Any, processes: int, options: dict[str, Any]) -> None:
        """Fork one subscriber per process (client id ``<id>-<n>``), all in one shared
        subscription group; SIGTERM stops them all; fails if any member failed."""
        import dataclasses
        import multiprocessing
        import os

        from django import db

        db.connections.close_all()  # each member opens its own connection
        context = multiprocessing.get_context("fork")
        members = []
        for n in range(processes):
            member = dataclasses.replace(config, client_id=f"{config.client_id}-{n}")
            process = context.Process(
                target=self._member_main, args=(member, options), name=f"subscriber-{n}"
            )
            process.start()
            members.append(process)

        def stop(signum: int, frame: Any) -> None:
            for process in members:
                if process.pid and process.is_alive():
                    os.kill(process.pid, signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(
            _("Started %(n)d subscribers in shared group %(group)s.")
            % {"n": processes, "group": config.shared_group}
        )
        self.stdout.flush()
        for process in members:
            process.join()
        if any(process.exitcode for process in members):
            raise CommandError(
                _(
                    "The ingest failed; see the log. "
                    "Unacknowledged readings will be delivered again."
                )
            )

    def _member_main(self, config: Any, options: dict[str, Any]) -> None:
        try:
            self._run_one(config, options)
        except CommandError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(1) from None

    def _run_one(self, config: Any, options: dict[str, Any]) -> None:
        from zhiyang.telemetry.ingest import Ingestor, lake_root
        from zhiyang.telemetry.lake import Lake
        from zhiyang.telemetry.mqtt import Subscriber

        lake = Lake(options["lake"] or lake_root(), segment_age_s=options["segment_age"]).open()
        ingestor = Ingestor(lake, transport="mqtt")
        subscriber = Subscriber(ingestor, config)

        def stop(signum: int, frame: Any) -> None:
            subscriber.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(
            _("Subscribed to %(host)s:%(port)d as %(user)s; lake %(lake)s")
            % {"host": config.host, "port": config.port, "user": config.username, "lake": lake.root}
        )
        self.stdout.flush()
        try:
            subscriber.run()
        finally:
            ingestor.close()
            lake.close()
        self.stdout.write(_("Stopped after %(n)d messages.") % {"n": subscriber.acked})
        if subscriber.failed:
            raise CommandError(
                _(
                    "The ingest failed; see the log. "
                    "Unacknowledged readings will be delivered again."
                )
            )

    def _broker_config(self, options: dict[str, Any]) -> None:
        import os

        from zhiyang.telemetry.broker import write_from_database

        if options["ingest_password_file"]:
            password = options["ingest_password_file"].read_text(encoding="utf-8").strip()
        else:
            password = os.environ.get("ZHIYANG_MQTT_PASSWORD", "")
        if not password:
            raise CommandError(
                _(
                    "Give the ingest user's password with --ingest-password-file "
                    "or ZHIYANG_MQTT_PASSWORD."
                )
            )
        passwords, acl = write_from_database(
            options["out"], ingest_password=password, ingest_user=options["ingest_user"]
        )
        self.stdout.write(
            _("Wrote %(passwords)s and %(acl)s; reload Mosquitto with SIGHUP.")
            % {"passwords": passwords, "acl": acl}
        )

    def _lake(self, options: dict[str, Any]) -> None:
        from zhiyang.telemetry.ingest import lake_root
        from zhiyang.telemetry.lake import Lake

        lake = Lake(options["lake"] or lake_root())
        counts = {mt: lake.count(mt, dedup=not options["raw"]) for mt in schema.MACHINE_TYPES}
        self.stdout.write(json.dumps({"root": str(lake.root), "readings": counts}))

    def _schema(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(schema.describe(), indent=2, ensure_ascii=False))

    def _devices(self, options: dict[str, Any]) -> None:
        from zhiyang.telemetry.models import Device

        rows = [
            {
                "code": device.code,
                "machine": device.equipment.code,
                "machine_type": device.machine_type,
                "active": device.active,
                "token_issued": device.token_issued_at.isoformat()
                if device.token_issued_at
                else None,
                "topic": f"zhiyang/v1/{device.code}/readings",
            }
            for device in Device.objects.select_related("equipment").order_by("code")
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['code']:<20} {row['machine']:<12} {row['machine_type']:<8} "
                + (_("active") if row["active"] else _("inactive"))
                + "  "
                + (_("token issued") if row["token_issued"] else _("no token"))
            )

    def _add_device(self, options: dict[str, Any]) -> None:
        from django.core.exceptions import ValidationError

        from zhiyang.fleet.models import Equipment
        from zhiyang.telemetry.services import create_device

        equipment = Equipment.objects.filter(code=options["machine"]).first()
        if equipment is None:
            raise CommandError(
                _("No machine with the code %(code)s.") % {"code": options["machine"]}
            )
        try:
            device = create_device(actor=SYSTEM, equipment=equipment, code=options["code"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            _("Device %(code)s registered on %(machine)s (%(type)s).")
            % {"code": device.code, "machine": equipment.code, "type": device.machine_type}
        )

    def _issue_token(self, options: dict[str, Any]) -> None:
        from zhiyang.telemetry.models import Device
        from zhiyang.telemetry.services import issue_token

        device = Device.objects.filter(code=options["code"]).first()
        if device is None:
            raise CommandError(_("No device with the code %(code)s.") % {"code": options["code"]})
        token = issue_token(actor=SYSTEM, device=device)
        topic = f"zhiyang/v1/{device.code}/readings"
        if options["format"] == "json":
            self.stdout.write(json.dumps({"device": device.code, "token": token, "topic": topic}))
            return
        self.stdout.write(token)
        self.stderr.write(
            _(
                "Token of %(code)s (shown this once). MQTT: user %(code)s, this token as the "
                "password, topic %(topic)s; run 'zhiyang telemetry broker-config' and reload "
                "the broker. HTTP: 'Authorization: Device <token>'."
            )
            % {"code": device.code, "topic": topic}
        )
