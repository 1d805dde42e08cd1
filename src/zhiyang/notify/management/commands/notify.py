"""``zhiyang notify <sub-command>``: the outbox from the command line.

- ``deliver``: send what is due now, in the foreground (the worker does this by itself);
- ``daily``: the daily checks that raise notifications (machine services due); run it once a
  day from cron, like ``zhiyang people cert-alerts --record`` (both are idempotent per day);
- ``status``: the outbox by status, as text or JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _

from zhiyang.notify import delivery, hooks
from zhiyang.notify.models import Delivery


class Command(BaseCommand):
    help = _("Notifications: send the outbox, run the daily checks, show the outbox.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("deliver", help=_("Send every message that is due now."))
        sub.add_parser("daily", help=_("Raise the daily notifications (services due)."))
        status = sub.add_parser("status", help=_("Messages in the outbox by status."))
        status.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "deliver":
            counts = delivery.deliver_due()
            self.stdout.write(
                _("%(sent)d sent, %(failed)d failed, %(deferred)d deferred.") % counts
            )
        elif action == "daily":
            count = hooks.services_due()
            self.stdout.write(_("%(n)d services due or overdue.") % {"n": count})
        else:
            rows = dict(Delivery.objects.values_list("status").annotate(n=Count("id")).order_by())
            if options["format"] == "json":
                self.stdout.write(json.dumps(rows))
                return
            for status, n in sorted(rows.items()):
                self.stdout.write(f"{status:<10} {n}")
