"""``zhiyang demo [--host H] [--port P] [--no-serve]``: the reference demo in one command.

Migrates the database, collects static files, loads the Datong reference network, two
organisations and one demo user per role, prints how to log in, then (unless ``--no-serve``)
starts the production server. Safe to run again: nothing is duplicated.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.core.management.commands.serve import (
    add_server_arguments,
    check_server_arguments,
    serve_with_options,
)
from zhiyang.demo.services import DEFAULT_DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = _("Load the reference demo (network, organisations, users) and serve it.")

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=_("Load the demo only; do not start the server."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check_server_arguments(options)
        quiet = options["verbosity"] < 2
        self.stdout.write(_("Migrating the database ..."))
        call_command("migrate", interactive=False, verbosity=0 if quiet else 1)
        self.stdout.write(_("Loading the reference network and demo users ..."))
        try:
            summary = load_demo()
        except Exception as exc:
            errors = getattr(exc, "errors", None)
            if errors:
                lines = [f"  {e.row} {e.column}: {e.message}" for e in errors]
                raise CommandError("\n".join([str(exc), *lines])) from exc
            raise
        self._report(summary, options)
        if not options["no_serve"]:
            serve_with_options(options, stdout=self.stdout)

    def _report(self, summary: Any, options: dict[str, Any]) -> None:
        from zhiyang.network.models import District, Route

        routes = Route.objects.all()
        length_km = sum(r.end_m - r.start_m for r in routes) / 1000
        host = options["host"]
        shown = f"[{host}]" if ":" in host else host
        if host in {"0.0.0.0", "::"}:  # noqa: S104 - only used to print a reachable URL
            shown = "127.0.0.1"
        url = f"http://{shown}:{options['port']}/"
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS(_("Zhiyang demo is ready.")))
        write(
            _("Network: %(routes)d routes, %(km).1f km, %(districts)d districts.")
            % {"routes": routes.count(), "km": length_km, "districts": District.objects.count()}
        )
        write(_("Organisations: %s") % ", ".join(summary.organisations))
        for line in summary.data:
            write(line)
        write("")
        write(
            _("Log in at: %s") % url
            if not options["no_serve"]
            else _("Start the server with `zhiyang serve`, then log in at: %s") % url
        )
        write(_("Password for every demo user: %s") % summary.password)
        write(_("Users (username = role):"))
        for user in summary.users:
            write(f"  {user.username:<20} {user.role:<18} {user.organisation}")
        write("")
        warning = _(
            "Demo passwords are for demonstrations only: never use these accounts on a server "
            "reachable by others."
        )
        if summary.password == DEFAULT_DEMO_PASSWORD:
            warning += " " + _("Set ZHIYANG_DEMO_PASSWORD to choose another password.")
        write(self.style.WARNING(warning))
        write("")
