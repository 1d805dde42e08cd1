"""``zhiyang assets <sub-command>``: the asset catalogue, import/export, overdue structure
inspections and the complete MQI. (SCI/TCI/BCI/MQI of a CSV of units: ``zhiyang rate``.)"""

from __future__ import annotations

import json
import pathlib
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.assets import services
from zhiyang.assets.models import Asset, AssetType
from zhiyang.core.actors import SYSTEM
from zhiyang.network.importexport.common import ImportValidationError


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}) from None


class Command(BaseCommand):
    help = _(
        "Road assets: the type catalogue, import and export, overdue structure inspections, "
        "the complete MQI by route, district and network."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")
        p = sub.add_parser("types", help=_("List the asset types (--sync: update from the file)."))
        p.add_argument(
            "--sync", action="store_true", help=_("Update the types from the catalogue.")
        )
        p = sub.add_parser(
            "import", help=_("Import assets (.xlsx, .geojson, .zip Shapefile, .gpkg).")
        )
        p.add_argument("file", type=pathlib.Path)
        p.add_argument("--dry-run", action="store_true", help=_("Only check the file."))
        p = sub.add_parser("export", help=_("Export assets as Excel or GeoJSON."))
        p.add_argument("out", type=pathlib.Path, help=_("Output file (.xlsx or .geojson)."))
        p.add_argument("--route", default="", help=_("Only this route."))
        p = sub.add_parser("due", help=_("Notify overdue structure inspections and list them."))
        p.add_argument("--today", default=None, help=_("As of this date (YYYY-MM-DD)."))
        p = sub.add_parser("mqi", help=_("MQI and its parts by route, district and network."))
        p.add_argument("--route", default="")
        p.add_argument("--district", default="")
        p.add_argument("--on", default=None, help=_("Rate as of this date (YYYY-MM-DD)."))
        p.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _types(self, options: dict[str, Any]) -> None:
        if options["sync"]:
            counts = services.sync_asset_types(actor=SYSTEM)
            self.stdout.write(json.dumps(counts))
        for t in AssetType.objects.all():
            self.stdout.write(f"{t.code}\t{t.kind}\t{t.geometry}\t{t.version}\t{t.name}")

    def _import(self, options: dict[str, Any]) -> None:
        path: pathlib.Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        try:
            result = services.import_assets(
                actor=SYSTEM, data=path.read_bytes(), filename=path.name, dry_run=options["dry_run"]
            )
        except ImportValidationError as exc:
            lines = [exc.message(), *(str(e) for e in exc.errors)]
            raise CommandError("\n".join(lines), returncode=1) from exc
        self.stdout.write(json.dumps(result.as_dict()))

    def _export(self, options: dict[str, Any]) -> None:
        out: pathlib.Path = options["out"]
        rows = Asset.objects.select_related("asset_type", "route")
        if options["route"]:
            rows = rows.filter(route__code__iexact=options["route"])
        if out.suffix.lower() == ".xlsx":
            out.write_bytes(services.export_xlsx(rows))
        elif out.suffix.lower() in (".geojson", ".json"):
            text = json.dumps(services.export_geojson(rows), ensure_ascii=False)
            out.write_text(text, encoding="utf-8")
        else:
            raise CommandError(_("Write to a .xlsx or .geojson file."))
        self.stdout.write(_("%(count)d assets written.") % {"count": rows.count()})

    def _due(self, options: dict[str, Any]) -> None:
        today = _date(options["today"])
        raised = services.raise_overdue(actor=SYSTEM, today=today)
        for asset in services.structures():
            for due in services.due_dates(asset, today):
                if due.overdue:
                    self.stdout.write(
                        f"{asset.code}\t{asset.route.code}\t{due.kind}\t{due.due or '-'}"
                        f"\tclass {asset.condition_class or '-'}"
                    )
        self.stderr.write(_("%(count)d notification(s) raised.") % {"count": raised})

    def _mqi(self, options: dict[str, Any]) -> None:
        result = services.network_mqi(
            user=SYSTEM,
            route=options["route"],
            district=options["district"],
            on=_date(options["on"]),
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
            return
        indices = ("mqi", "pqi", "sci", "bci", "tci")
        self.stdout.write("\t".join(["group", "km", *(f"{i}\t{i}_good%" for i in indices)]))
        rows = [("network", result["network"])] if result["network"] else []
        rows += [(r["route"], r) for r in result["routes"]]
        rows += [(r["district"], r) for r in result["districts"]]
        for label, row in rows:
            cells = [label, f"{row['length_m'] / 1000:.1f}"]
            for i in indices:
                v = row["indices"][i]
                cells += [_fmt(v["mean"]), _fmt(v["good_rate"])]
            self.stdout.write("\t".join(cells))


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.1f}"
