"""``zhiyang createuser USERNAME --role ROLE``: create a user from the command line.

The password is checked by Django's password validators and stored hashed; the creation is
audited (by the system). Give it with ``--password-stdin`` (preferred in scripts), ``--password``
or at the prompt.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.core.models import Organisation, User
from zhiyang.core.services import create_object


class Command(BaseCommand):
    help = _("Create a user with a role and, usually, an organisation.")
    stealth_options = ("stdin",)  # tests pass a file object to read the password from

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("Login name."))
        parser.add_argument("--role", required=True, help=_("One of: %s.") % ", ".join(Role.values))
        parser.add_argument(
            "--organisation",
            default=None,
            help=_("Organisation code; the user sees only its districts and routes."),
        )
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("Read the password from the first line of standard input."),
        )
        secret.add_argument(
            "--password",
            default=None,
            help=_("The password (visible in the process list; prefer --password-stdin)."),
        )
        parser.add_argument("--email", default="", help=_("E-mail address."))
        parser.add_argument(
            "--superuser",
            action="store_true",
            help=_("Grant every permission and the whole network."),
        )

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_stdin"]:
            stdin = options.get("stdin") or sys.stdin
            return stdin.readline().rstrip("\r\n")
        if options["password"] is not None:
            return str(options["password"])
        if not sys.stdin.isatty():
            raise CommandError(_("Give the password with --password-stdin or --password."))
        first = getpass.getpass(_("Password: "))
        if first != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The two passwords differ."))
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        role: str = options["role"]
        if role not in Role.values:
            raise CommandError(
                _("Unknown role “%(role)s”; choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            )
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                known = ", ".join(Organisation.objects.values_list("code", flat=True)) or "-"
                raise CommandError(
                    _("Unknown organisation “%(code)s”; known codes: %(known)s.")
                    % {"code": options["organisation"], "known": known}
                )
        elif not options["superuser"]:
            self.stderr.write(
                _("Warning: no --organisation given; this user will see no network data.")
            )
        if User.objects.filter(username=username).exists():
            raise CommandError(_("A user named “%(name)s” already exists.") % {"name": username})

        password = self._password(options)
        if not password:
            raise CommandError(_("The password must not be empty."))
        candidate = User(username=username, email=options["email"], role=role)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError(
                _("Password rejected: %(reasons)s") % {"reasons": " ".join(exc.messages)}
            ) from exc

        try:
            user = create_object(
                actor=SYSTEM,
                model=User,
                data={
                    "username": username,
                    "email": options["email"],
                    "role": role,
                    "organisation": organisation,
                    "is_superuser": options["superuser"],
                    "password": make_password(password),
                },
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Created user %(name)s (role %(role)s, organisation %(org)s).")
            % {
                "name": user.username,
                "role": role,
                "org": organisation.code if organisation else "-",
            }
        )
