"""``zhiyang worker``: run background tasks (django-tasks, database backend).

A thin wrapper around django-tasks-db's ``db_worker`` with production defaults: every queue,
poll once a second when idle, no auto-reload. Run one or more next to ``zhiyang serve``
(docs/deployment.md); each worker gets a unique id automatically.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.core.signals import worker_started


def worker_arguments(options: dict[str, Any]) -> list[str]:
    """The ``db_worker`` command line for our options."""
    args = ["--queue-name", options["queues"], "--interval", str(options["interval"])]
    if options["exclude_queues"]:
        args += ["--exclude-queues", options["exclude_queues"]]
    if options["batch"]:
        args.append("--batch")
    if options["max_tasks"] is not None:
        args += ["--max-tasks", str(options["max_tasks"])]
    if options["worker_id"]:
        args += ["--worker-id", options["worker_id"]]
    args.append("--reload" if options["reload"] else "--no-reload")
    return args


class Command(BaseCommand):
    help = _("Run background tasks from the database queue until stopped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues",
            default="*",
            help=_("Queues to process, comma-separated; '*' means all (default)."),
        )
        parser.add_argument(
            "--exclude-queues", default="", help=_("Queues to skip, comma-separated.")
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("Seconds to wait between polls when the queue is empty."),
        )
        parser.add_argument(
            "--batch", action="store_true", help=_("Run the outstanding tasks, then exit.")
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help=_("Exit after this many tasks.")
        )
        parser.add_argument("--worker-id", default="", help=_("Unique id of this worker."))
        parser.add_argument(
            "--reload",
            action="store_true",
            help=_("Restart on code changes (development only)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] <= 0:
            raise CommandError(_("--interval must be positive."))
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise CommandError(_("--max-tasks must be at least 1."))
        # Apps recover what a killed worker left (notify: its outbox) before tasks run.
        worker_started.send(sender=self.__class__)
        call_command("db_worker", *worker_arguments(options), verbosity=options["verbosity"])
