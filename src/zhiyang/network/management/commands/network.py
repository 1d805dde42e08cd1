"""``zhiyang network <sub-command>``: summary, import, export, template, chainage, locate."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from zhiyang.core.access import restrict, restrict_for_totals
from zhiyang.network import importexport, linref
from zhiyang.network.chainage import ChainageError, format_chainage
from zhiyang.network.filters import parse_chainage_param
from zhiyang.network.models import District, Route


def summary_data(user: Any = None) -> dict[str, Any]:
    """``{"routes": N, "length_km": X, "districts": M}`` of what ``user`` sees (all for None)."""
    routes = Route.objects.all()
    districts = District.objects.all()
    if user is not None:
        routes = restrict_for_totals(routes, user)
        districts = restrict(districts, user, "view")
    total_m = routes.aggregate(total=Sum(F("end_m") - F("start_m")))["total"] or 0.0
    return {
        "routes": routes.count(),
        "length_km": round(total_m / 1000.0, 3),
        "districts": districts.count(),
    }


class Command(BaseCommand):
    help = _("Road network tools: summary, import, export, template, chainage, locate.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")

        p = sub.add_parser("summary", help=_("Routes, length and districts."))
        p.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("Output format.")
        )
        p.add_argument("--as-user", metavar="USERNAME", help=_("Count only what this user sees."))

        p = sub.add_parser("import", help=_("Import a .geojson/.json or .xlsx network file."))
        p.add_argument("path", type=pathlib.Path)
        p.add_argument("--as-user", metavar="USERNAME", help=_("Import as this user (scope)."))

        p = sub.add_parser(
            "export", help=_("Export the network to PATH (.geojson, .json or .xlsx).")
        )
        p.add_argument("path", type=pathlib.Path)
        p.add_argument("--as-user", metavar="USERNAME", help=_("Export only what this user sees."))

        p = sub.add_parser("template", help=_("Write the Excel import template to PATH."))
        p.add_argument("path", type=pathlib.Path)

        p = sub.add_parser("chainage", help=_("Map point of a chainage on a route."))
        p.add_argument("route", help=_("Route code, e.g. G208."))
        p.add_argument("chainage", help=_("Chainage, e.g. K12+345 or 12345."))

        p = sub.add_parser("locate", help=_("Nearest route, chainage and offset of a point."))
        p.add_argument("lon", type=float)
        p.add_argument("lat", type=float)

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"do_{options['subcommand']}")
        handler(options)

    def _user(self, options: dict[str, Any]) -> Any:
        username = options.get("as_user")
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(_("No user %(name)s.") % {"name": username}) from exc

    def do_summary(self, options: dict[str, Any]) -> None:
        data = summary_data(self._user(options))
        if options["format"] == "json":
            self.stdout.write(json.dumps(data))
            return
        rows = [
            (_("Routes"), data["routes"]),
            (_("Length (km)"), f"{data['length_km']:.3f}"),
            (_("Districts"), data["districts"]),
        ]
        for label, value in rows:
            self.stdout.write(f"{label:<12} {value:>10}")

    def do_import(self, options: dict[str, Any]) -> None:
        path: pathlib.Path = options["path"]
        if not path.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        try:
            summary = importexport.import_network_file(path, actor=self._user(options))
        except importexport.ImportValidationError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.message(), returncode=1) from exc
        for label, value in summary.labelled():
            self.stdout.write(f"{label:<20} {value:>6}")

    def do_export(self, options: dict[str, Any]) -> None:
        path: pathlib.Path = options["path"]
        districts, routes, sections = importexport.export_querysets(self._user(options))
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            path.write_bytes(
                importexport.export_xlsx(districts=districts, routes=routes, sections=sections)
            )
        elif suffix in (".geojson", ".json"):
            doc = importexport.export_geojson(districts=districts, routes=routes, sections=sections)
            path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            raise CommandError(_("The export path must end in .geojson, .json or .xlsx."))
        self.stdout.write(_("Wrote %(path)s") % {"path": path})

    def do_template(self, options: dict[str, Any]) -> None:
        path: pathlib.Path = options["path"]
        path.write_bytes(importexport.excel_template())
        self.stdout.write(_("Wrote %(path)s") % {"path": path})

    def do_chainage(self, options: dict[str, Any]) -> None:
        route = Route.objects.filter(code__iexact=options["route"]).first()
        if route is None:
            raise CommandError(_("No route %(code)s.") % {"code": options["route"]})
        try:
            chainage_m = parse_chainage_param(options["chainage"])
        except ChainageError as exc:
            raise CommandError(str(exc)) from exc
        if not route.covers(chainage_m):
            raise CommandError(
                _("%(chainage)s is outside %(route)s (%(start)s–%(end)s).")
                % {
                    "chainage": format_chainage(chainage_m),
                    "route": route.code,
                    "start": format_chainage(route.start_m),
                    "end": format_chainage(route.end_m),
                }
            )
        try:
            lon, lat = linref.point_at(route, chainage_m)
        except linref.GeometryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps(
                {
                    "route": route.code,
                    "chainage_m": chainage_m,
                    "chainage": format_chainage(chainage_m, 1),
                    "lon": round(lon, linref.COORD_DECIMALS),
                    "lat": round(lat, linref.COORD_DECIMALS),
                }
            )
        )

    def do_locate(self, options: dict[str, Any]) -> None:
        found = linref.locate(
            options["lon"], options["lat"], Route.objects.filter(geometry__isnull=False)
        )
        if found is None:
            raise CommandError(_("No route found near this point."))
        self.stdout.write(
            json.dumps(
                {
                    "route": found.route.code,
                    "chainage_m": round(found.chainage_m, 2),
                    "chainage": format_chainage(found.chainage_m, 1),
                    "offset_m": round(found.offset_m, 2),
                    "distance_m": round(found.distance_m, 2),
                }
            )
        )
