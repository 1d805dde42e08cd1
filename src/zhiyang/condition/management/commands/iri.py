"""``zhiyang iri PATH``: IRI per segment of a profile file (ERD or two-column text/CSV).

CSV output (default) starts with the columns ``start_m,end_m,iri_m_per_km``. For a file with
several wheel paths (ERD channels, or extra text columns) ``iri_m_per_km`` is the lane mean
(the mean of the paths' IRI, ASTM E1926's MRI) and one column ``iri_<path>_m_per_km`` per path
follows. JSON output: ``{"segments": [{"start_m", "end_m", "iri_m_per_km", ("paths")}, ...],
"sample_spacing_m", "regular", "method", ...}``.
"""

from __future__ import annotations

import csv
import json
import math
import pathlib
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.analytics.roughness import iri, load_parameters
from zhiyang.condition.profiles import read_profile


def format_m(value: float) -> str:
    """Metres with up to 4 decimals and no trailing zeros (``478.0``, ``578.25``)."""
    text = f"{value:.4f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def format_iri(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.4f}"


def _json_iri(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)


def _column(name: str, used: set[str]) -> str:
    """A CSV-safe column name ``iri_<slug>_m_per_km`` for a path, unique within the file."""
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower() or "path"
    column, n = f"iri_{slug}_m_per_km", 2
    while column in used:
        column, n = f"iri_{slug}_{n}_m_per_km", n + 1
    used.add(column)
    return column


class Command(BaseCommand):
    help = _(
        "International Roughness Index (ASTM E1926) per segment of a profile file "
        "(ERD, or text/CSV with distance and elevation in metres)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=pathlib.Path, help=_("Profile file (.erd, .csv, .txt)."))
        parser.add_argument(
            "--segment-length",
            type=float,
            default=100.0,
            metavar="M",
            help=_("Segment length in metres (default 100)."),
        )
        parser.add_argument(
            "--format", choices=["csv", "json"], default="csv", help=_("Output format.")
        )
        parser.add_argument(
            "--include-partial",
            action="store_true",
            help=_("Also report the partial segment at the end of the profile."),
        )
        parser.add_argument(
            "--irregular",
            choices=["exact", "resample"],
            default="exact",
            help=_(
                "Irregularly sampled profiles: simulate the piecewise-linear profile exactly "
                "(default) or resample it onto a regular grid."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: pathlib.Path = options["path"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            profile = read_profile(path)
        except ValueError as exc:  # ProfileFormatError, with the line number
            raise CommandError(f"{path}: {exc}") from exc
        segment_length = options["segment_length"]
        try:
            result = iri(
                profile.distance_m,
                profile.elevation_m,
                segment_length,
                include_partial=options["include_partial"],
                irregular=options["irregular"],
            )
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        values = result.iri_m_per_km  # (segments, paths)
        lane = values.mean(axis=1) if values.shape[1] > 1 else values[:, 0]
        if result.start_m.size == 0:
            length = float(profile.distance_m[-1] - profile.distance_m[0])
            self.stderr.write(
                _(
                    "No full segment of %(segment).4g m in a profile of %(length).3f m; "
                    "use --include-partial or a shorter --segment-length."
                )
                % {"segment": segment_length, "length": length}
            )
        names = profile.channel_names
        if options["format"] == "json":
            self._write_json(result, lane, values, names, profile.source_format, segment_length)
        else:
            self._write_csv(result, lane, values, names)

    def _write_csv(self, result: Any, lane: Any, values: Any, names: tuple[str, ...]) -> None:
        header = ["start_m", "end_m", "iri_m_per_km"]
        multi = values.shape[1] > 1
        if multi:
            used: set[str] = set(header)
            header += [_column(name, used) for name in names]
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(header)
        for j in range(result.start_m.size):
            row = [format_m(result.start_m[j]), format_m(result.end_m[j]), format_iri(lane[j])]
            if multi:
                row += [format_iri(v) for v in values[j]]
            writer.writerow(row)

    def _write_json(
        self,
        result: Any,
        lane: Any,
        values: Any,
        names: tuple[str, ...],
        source_format: str,
        segment_length: float,
    ) -> None:
        multi = values.shape[1] > 1
        segments = []
        for j in range(result.start_m.size):
            seg: dict[str, Any] = {
                "start_m": float(result.start_m[j]),
                "end_m": float(result.end_m[j]),
                "iri_m_per_km": _json_iri(lane[j]),
            }
            if multi:
                seg["paths"] = {
                    name: _json_iri(v) for name, v in zip(names, values[j], strict=True)
                }
            segments.append(seg)
        car = load_parameters()
        document = {
            "segments": segments,
            "segment_length_m": segment_length,
            "sample_spacing_m": result.sample_spacing_m,
            "regular": result.regular,
            "method": result.method,
            "paths": list(names),
            "lane_mean": "mean of the paths' IRI per segment (MRI)" if multi else None,
            "source_format": source_format,
            "standard": car.source,
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
