"""``zhiyang qc <sub-command>``: construction QC analytics from files (see docs/qc.md).

- ``compaction TRACKS [--cell-size 0.5] --target-passes N [--veta] [--icmv-target X]
  [--format json|text] [--heatmap OUT.png]``: intelligent-compaction pass counts (AASHTO PP 81);
- ``thermal SCANS.csv [--sublot-length 45.72] [--edge-trim 0.6096] [--tsi] [--format json|text]
  [--heatmap OUT.png]``: paver thermal profile (AASHTO PP 80, Tex-244-F).

Bad files end with a CommandError naming the line and column, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.analytics import compaction, thermal
from zhiyang.qc import render
from zhiyang.qc.formats import FormatError, read_scans_csv, read_tracks_csv, read_veta


def _format_option(parser: CommandParser) -> None:
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help=_("Output format.")
    )


def _positive(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise CommandError(_("%(value)s is not a number.") % {"value": value}) from None
    if not x > 0:
        raise CommandError(_("%(value)s must be positive.") % {"value": value})
    return x


class Command(BaseCommand):
    help = _("Construction QC: intelligent-compaction pass counts and paver thermal profiles.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUB-COMMAND")
        p = sub.add_parser("compaction", help=_("Pass counts and coverage from roller tracks."))
        p.add_argument(
            "tracks", type=Path, help=_("Roller tracks (CSV, or Veta tagged data with --veta).")
        )
        p.add_argument(
            "--cell-size", type=str, default="0.5", help=_("Cell size in metres (default 0.5).")
        )
        p.add_argument(
            "--target-passes",
            type=int,
            default=None,
            help=_("Target pass count (default: the standards data, 7)."),
        )
        p.add_argument("--icmv-target", type=float, default=None, help=_("ICMV target value."))
        p.add_argument(
            "--max-gap",
            type=str,
            default=str(compaction.DEFAULTS.max_gap_s),
            help=_("Largest time gap within a pass, seconds."),
        )
        p.add_argument(
            "--reversal-hysteresis",
            type=str,
            default=str(compaction.DEFAULTS.reversal_hysteresis_m),
            help=_("Travel back (m) that makes a reversal a new pass."),
        )
        p.add_argument(
            "--noise-radius",
            type=str,
            default=str(compaction.DEFAULTS.noise_radius_m),
            help=_("Radius (m) of GNSS jitter of a standing roller that draws nothing."),
        )
        p.add_argument("--veta", action="store_true", help=_("Read a Veta tagged data file."))
        p.add_argument(
            "--heatmap", type=Path, default=None, help=_("Write a pass-count heat map (PNG).")
        )
        _format_option(p)
        p = sub.add_parser("thermal", help=_("Thermal differential per sublot from paver scans."))
        p.add_argument("scans", type=Path, help=_("Thermal scans (CSV)."))
        p.add_argument(
            "--sublot-length",
            type=str,
            default=str(thermal.SUBLOT_M),
            help=_("Sublot length in metres (default 45.72)."),
        )
        p.add_argument(
            "--edge-trim",
            type=float,
            default=thermal.EDGE_TRIM_M,
            help=_("Edge trim in metres (default 0.6096)."),
        )
        p.add_argument(
            "--tsi", action="store_true", help=_("Add the provisional thermal segregation index.")
        )
        p.add_argument(
            "--heatmap", type=Path, default=None, help=_("Write a temperature heat map (PNG).")
        )
        _format_option(p)

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "_" + options["subcommand"])
        try:
            handler(options)
        except FormatError as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _emit(self, options: dict[str, Any], data: Any, lines: list[str]) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for line in lines:
                self.stdout.write(line)

    def _write_png(self, path: Path, data: bytes) -> None:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from None

    def _compaction(self, options: dict[str, Any]) -> None:
        cell = _positive(options["cell_size"])
        max_gap = _positive(options["max_gap"])
        if options["target_passes"] is None:
            options["target_passes"] = compaction.DEFAULTS.target_passes
        if options["target_passes"] < 1:
            raise CommandError(_("The target pass count must be at least 1."))
        params = compaction.DEFAULTS.with_(
            cell_size_m=cell,
            max_gap_s=max_gap,
            reversal_hysteresis_m=_positive(options["reversal_hysteresis"]),
            noise_radius_m=_positive(options["noise_radius"]),
        )
        tracks = (
            read_veta(options["tracks"]) if options["veta"] else read_tracks_csv(options["tracks"])
        )
        grid = compaction.pass_grid(
            tracks.machine_id,
            tracks.time_s,
            tracks.easting_m,
            tracks.northing_m,
            tracks.drum_width_m,
            direction=tracks.direction,
            heading_deg=tracks.heading_deg,
            speed_m_s=tracks.speed_m_s,
            surface_temp_c=tracks.surface_temp_c,
            icmv=tracks.icmv,
            params=params,
        )
        summary = compaction.summarize(
            grid,
            target_passes=options["target_passes"],
            icmv_target=options["icmv_target"],
            vibration=tracks.vibration,
        )
        summary["samples"] = len(tracks)
        summary["machines"] = sorted({str(m) for m in tracks.machine_id})
        if tracks.header:
            summary["header"] = tracks.header
        if options["heatmap"]:
            png = render.pass_count_png(
                grid.counts,
                cell,
                target_passes=options["target_passes"],
                title=_("Pass count"),
                labels={"none": _("not covered"), "passes": _("passes"), "target": _("target")},
            )
            self._write_png(options["heatmap"], png)
        lines = [
            _("%(samples)d samples, %(cells)d cells covered (%(area).1f m²).")
            % {
                "samples": len(tracks),
                "cells": summary["cells_covered"],
                "area": summary["area_covered_m2"],
            },
            _("%(pct).1f %% of the covered area at %(target)d passes or more.")
            % {"pct": summary["pct_area_at_target"], "target": options["target_passes"]},
            _("Passes  Cells"),
        ]
        lines += [f"{k:>6}  {v}" for k, v in summary["pass_histogram"].items()]
        self._emit(options, summary, lines)

    def _thermal(self, options: dict[str, Any]) -> None:
        sublot = _positive(options["sublot_length"])
        if options["edge_trim"] < 0:
            raise CommandError(_("The edge trim must not be negative."))
        scans = read_scans_csv(options["scans"])
        result = thermal.thermal_profile(
            scans.distance_m,
            scans.offset_m,
            scans.temp_c,
            scans.time_s,
            sublot_length_m=sublot,
            edge_trim_m=options["edge_trim"],
            tsi=options["tsi"],
        )
        if options["heatmap"]:
            grid = thermal.thermal_grid(scans.distance_m, scans.offset_m, scans.temp_c)
            png = render.temperature_png(
                grid.temp_c.T,
                grid.cell_m,
                title=_("Mat temperature (°C)"),
                labels={"none": _("no data")},
            )
            self._write_png(options["heatmap"], png)
        names = {"none": _("none"), "moderate": _("moderate"), "severe": _("severe"), None: "–"}
        lines = [_("Start m    End m  Differential °C  Class")]
        for s in result["sublots"]:
            diff = "–" if s["differential_c"] is None else f"{s['differential_c']:.1f}"
            partial = _(" (partial)") if s["partial"] else ""
            lines.append(
                f"{s['start_m']:>7.1f} {s['end_m']:>8.1f} {diff:>16}  {names[s['class']]}{partial}"
            )
        pct = result["pct_by_class"]
        lines.append(
            _("Sublots: %(none).1f %% none, %(moderate).1f %% moderate, %(severe).1f %% severe.")
            % {"none": pct["none"], "moderate": pct["moderate"], "severe": pct["severe"]}
        )
        self._emit(options, result, lines)
