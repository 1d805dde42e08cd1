"""``zhiyang condition <sub-command>``: create-survey, import-intervals, import-profile,
import-distress, rate-survey, approve, template.

Imports run inline here (the operator waits), validated whole: a bad file prints every
error by row and column and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from zhiyang.condition import services
from zhiyang.condition.choices import (
    Edition,
    ImportKind,
    SurveyDirection,
    SurveyMethod,
    WheelPath,
)
from zhiyang.condition.imports import (
    ImportOptions,
    ImportValidationError,
    excel_template,
    run_import,
)
from zhiyang.condition.models import Survey
from zhiyang.core.access import access_object
from zhiyang.core.actors import SYSTEM, Actor
from zhiyang.network.chainage import ChainageError
from zhiyang.network.filters import parse_chainage_param
from zhiyang.network.models import Route

IMPORTS = {
    "import-intervals": ImportKind.INTERVALS,
    "import-profile": ImportKind.PROFILE,
    "import-distress": ImportKind.DISTRESS,
}


class Command(BaseCommand):
    help = _(
        "Condition surveys: create a survey, import intervals, profiles and distress, "
        "recompute and approve, write the distress template."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")

        p = sub.add_parser("create-survey", help=_("Create a draft survey; prints its id."))
        p.add_argument("route", help=_("Route code, e.g. G208."))
        p.add_argument("date", help=_("Survey date, YYYY-MM-DD."))
        p.add_argument("--direction", choices=SurveyDirection.values, default="up")
        p.add_argument("--lane", type=int, default=1, help=_("1 is the main lane."))
        p.add_argument("--method", choices=SurveyMethod.values, default="vehicle")
        p.add_argument("--vendor", default="")
        p.add_argument("--edition", choices=Edition.values, default="2018")
        p.add_argument(
            "--unit-length", type=float, default=1000.0, help=_("Evaluation unit length (m).")
        )
        p.add_argument("--as-user", metavar="USERNAME", help=_("Act as this user (scope)."))

        for name, kind in IMPORTS.items():
            p = sub.add_parser(name, help=str(ImportKind(kind).label))
            p.add_argument("survey", type=int, help=_("Survey id."))
            p.add_argument("path", type=pathlib.Path)
            p.add_argument("--as-user", metavar="USERNAME", help=_("Act as this user (scope)."))
            if kind == ImportKind.PROFILE:
                p.add_argument(
                    "--wheel-path",
                    choices=[WheelPath.LEFT, WheelPath.RIGHT],
                    default=WheelPath.LEFT,
                    help=_("Wheel path of a one-channel profile."),
                )
                p.add_argument(
                    "--segment-length",
                    type=float,
                    default=10.0,
                    help=_("IRI interval in metres (default 10)."),
                )
                p.add_argument(
                    "--start", help=_("Chainage of the first profile point (K12+345 or metres).")
                )

        p = sub.add_parser("rate-survey", help=_("Recompute a survey's evaluation units."))
        p.add_argument("survey", type=int)
        p.add_argument("--as-user", metavar="USERNAME")

        p = sub.add_parser("approve", help=_("Approve a survey."))
        p.add_argument("survey", type=int)
        p.add_argument("--as-user", metavar="USERNAME")

        p = sub.add_parser("template", help=_("Write the distress import template (.xlsx)."))
        p.add_argument("path", type=pathlib.Path, nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        try:
            if name in IMPORTS:
                self.do_import(options, IMPORTS[name])
            else:
                getattr(self, "do_" + name.replace("-", "_"))(options)
        except ValidationError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from exc

    def _actor(self, options: dict[str, Any]) -> Actor:
        """The user named by ``--as-user`` (their scope and role apply), else the system."""
        username = options.get("as_user")
        if not username:
            return SYSTEM
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(_("No user %(name)s.") % {"name": username}) from exc

    def _survey(self, options: dict[str, Any], actor: Actor, action: str = "change") -> Survey:
        queryset = Survey.objects.select_related("route")
        try:
            survey = access_object(queryset, actor, action, pk=options["survey"])
        except Http404:  # the same message as a missing survey
            survey = None
        if survey is None:
            raise CommandError(_("No survey %(id)s.") % {"id": options["survey"]})
        return survey

    def do_create_survey(self, options: dict[str, Any]) -> None:
        actor = self._actor(options)
        route = Route.objects.filter(code__iexact=options["route"]).first()
        if route is None:
            raise CommandError(_("No route %(code)s.") % {"code": options["route"]})
        try:
            date = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(_("Write the date as YYYY-MM-DD.")) from exc
        survey = services.create_survey(
            actor=actor,
            data={
                "route": route,
                "survey_date": date,
                "direction": options["direction"],
                "lane": options["lane"],
                "method": options["method"],
                "vendor": options["vendor"],
                "edition": options["edition"],
                "unit_length_m": options["unit_length"],
            },
        )
        self.stdout.write(str(survey.pk))

    def do_import(self, options: dict[str, Any], kind: str) -> None:
        actor = self._actor(options)
        survey = self._survey(options, actor)
        path: pathlib.Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        start_m = None
        if options.get("start"):
            try:
                start_m = parse_chainage_param(options["start"])
            except ChainageError as exc:
                raise CommandError(str(exc)) from exc
        opts = ImportOptions(
            wheel_path=options.get("wheel_path") or WheelPath.LEFT,
            segment_length_m=options.get("segment_length") or 10.0,
            start_m=start_m,
        )
        try:
            summary = run_import(
                actor=actor, survey=survey, kind=kind, data=data, filename=path.name, options=opts
            )
        except ImportValidationError as exc:
            lines = [exc.message(), *(f"  {e}" for e in exc.errors[:200])]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def do_rate_survey(self, options: dict[str, Any]) -> None:
        actor = self._actor(options)
        survey = self._survey(options, actor)
        count = services.rate_survey(actor=actor, survey=survey)
        self.stdout.write(_("%(count)d evaluation units computed.") % {"count": count})

    def do_approve(self, options: dict[str, Any]) -> None:
        actor = self._actor(options)
        survey = services.approve_survey(actor=actor, survey=self._survey(options, actor))
        self.stdout.write(_("Survey %(id)s approved.") % {"id": survey.pk})

    def do_template(self, options: dict[str, Any]) -> None:
        path = options.get("path") or pathlib.Path("zhiyang-distress-template.xlsx")
        try:
            path.write_bytes(excel_template())
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        self.stdout.write(str(path))
