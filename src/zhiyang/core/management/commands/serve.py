"""``zhiyang serve``: the production web server (gunicorn, threaded workers, whitenoise).

Not Django's runserver: gunicorn with ``gthread`` workers serves ``zhiyang.wsgi:application``,
whitenoise serves the collected static files, access log on stdout. Put a TLS-terminating
proxy in front of it in production (docs/deployment.md).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def default_workers() -> int:
    """Two processes per core, at least 2 and at most 8 (threads add concurrency)."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def ensure_static(stdout: Any = None) -> None:
    """Run ``collectstatic --noinput`` before serving.

    Always, not only when nothing was collected yet: after an upgrade the collected copies
    would otherwise be stale. It only copies what changed (about two seconds).
    """
    if stdout is not None:
        stdout.write(
            _("Collecting static files into %(root)s ...") % {"root": settings.STATIC_ROOT}
        )
    call_command("collectstatic", interactive=False, verbosity=0)


def unapplied_migrations() -> int:
    """How many migrations the database still lacks."""
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def gunicorn_options(
    *, host: str, port: int, workers: int, threads: int, timeout: int
) -> dict[str, Any]:
    """The gunicorn settings ``serve`` uses (kept separate so they can be tested)."""
    bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,  # a silent worker is restarted after this many seconds
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,  # recycle workers now and then (bounded memory growth)
        "max_requests_jitter": 200,
        "accesslog": "-",  # stdout
        "errorlog": "-",  # stderr
        "loglevel": "info",
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "proc_name": "zhiyang",
        "limit_request_line": 8190,
        # gunicorn >= 24 opens a control socket in $HOME by default; two servers run by one
        # user would fight over it, and nothing of ours uses it.
        "control_socket_disable": True,
    }


def serve_with_options(options: dict[str, Any], *, stdout: Any = None) -> None:
    """``run_server`` with the options ``add_server_arguments`` defines."""
    run_server(
        host=options["host"],
        port=options["port"],
        workers=options["workers"],
        threads=options["threads"],
        timeout=options["timeout"],
        stdout=stdout,
    )


def run_server(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int | None = None,
    threads: int = 4,
    timeout: int = 60,
    stdout: Any = None,
) -> None:
    """Serve Zhiyang with gunicorn until interrupted (``demo`` reuses this)."""
    from gunicorn.app.base import BaseApplication

    ensure_static(stdout)
    pending = unapplied_migrations()
    if pending and stdout is not None:
        stdout.write(
            ngettext(
                "Warning: %(n)d migration is not applied; run `zhiyang migrate` first.",
                "Warning: %(n)d migrations are not applied; run `zhiyang migrate` first.",
                pending,
            )
            % {"n": pending}
        )
    options = gunicorn_options(
        host=host, port=port, workers=workers or default_workers(), threads=threads, timeout=timeout
    )
    # Workers are forked: no database connection may be shared with them.
    connections.close_all()

    class ZhiyangApplication(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorn lacks some settings
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from zhiyang.wsgi import application

            return application

    if stdout is not None:
        shown = f"[{host}]" if ":" in host else host
        stdout.write(
            _("Zhiyang is serving at http://%(host)s:%(port)d/ (Ctrl+C stops it)")
            % {"host": shown, "port": port}
        )
    ZhiyangApplication().run()


def add_server_arguments(parser: CommandParser) -> None:
    """--host/--port/--workers/--threads/--timeout, shared by ``serve`` and ``demo``."""
    parser.add_argument("--host", default=DEFAULT_HOST, help=_("Address to listen on."))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=_("Port to listen on."))
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help=_("Worker processes (default: two per core, 2 to 8)."),
    )
    parser.add_argument("--threads", type=int, default=4, help=_("Threads per worker."))
    parser.add_argument(
        "--timeout", type=int, default=60, help=_("Seconds before a stuck worker is restarted.")
    )


def check_server_arguments(options: dict[str, Any]) -> None:
    if not 0 < options["port"] < 65536:
        raise CommandError(_("--port must be between 1 and 65535."))
    if options["workers"] is not None and options["workers"] < 1:
        raise CommandError(_("--workers must be at least 1."))
    if options["threads"] < 1:
        raise CommandError(_("--threads must be at least 1."))


class Command(BaseCommand):
    help = _("Serve Zhiyang with gunicorn (production server; static files via whitenoise).")

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        check_server_arguments(options)
        serve_with_options(options, stdout=self.stdout)
