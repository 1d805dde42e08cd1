"""``zhiyang workzone --speed-limit KMH --work-length M``: a JTG H30-2015 work-zone layout.

Runs the kernel only (analytics/workzone.py): nothing is read from or written to the
database. ``--format json`` prints ``{"zones": [...], ...}`` with the six zones in driving
order first; otherwise a table for a person.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.analytics.workzone import (
    ParameterError,
    WorkZoneInputError,
    WorkZoneLayout,
    design_work_zone,
)


def _number(text: str) -> float:
    """A finite number for argparse (``nan`` and ``inf`` are refused like any bad value)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = _("Compute a work-zone layout (JTG H30-2015): zones, signs and speed-limit steps.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--speed-limit",
            type=_number,
            required=True,
            help=_("Work-zone (final) speed limit in km/h, 20–80."),
        )
        parser.add_argument(
            "--downgrade-pct",
            type=_number,
            default=0.0,
            help=_("Downhill gradient towards the work area in percent (default 0)."),
        )
        parser.add_argument(
            "--work-length", type=_number, required=True, help=_("Work-area length in metres.")
        )
        parser.add_argument(
            "--normal-speed",
            type=_number,
            default=None,
            help=_("Normal speed limit before the zone in km/h (default: the work-zone limit)."),
        )
        parser.add_argument(
            "--lane-width", type=_number, default=3.75, help=_("Lane width in metres.")
        )
        parser.add_argument(
            "--closed-lanes", type=int, default=1, help=_("Number of closed lanes.")
        )
        parser.add_argument(
            "--format", choices=["table", "json"], default="table", help=_("Output format.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            layout = design_work_zone(
                speed_limit_kmh=options["speed_limit"],
                downgrade_pct=options["downgrade_pct"],
                work_length_m=options["work_length"],
                lane_width_m=options["lane_width"],
                closed_lanes=options["closed_lanes"],
                design_speed_kmh=options["normal_speed"],
            )
        except (WorkZoneInputError, ParameterError) as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(layout.to_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._table(layout))

    def _table(self, layout: WorkZoneLayout) -> str:
        lines = [
            f"{layout.standard}  {_('speed limit')} {layout.approach_speed_kmh} → "
            f"{layout.speed_limit_kmh} km/h, {_('downgrade')} {layout.downgrade_pct:g} %",
            "",
            f"{_('Zone'):<22}{_('Length (m)'):>12}{_('From (m)'):>12}{_('To (m)'):>12}  "
            f"{_('Confirmed')}",
        ]
        for zone in layout.zones:
            label = f"{zone.name_zh} {zone.symbol} ({zone.zone})"
            lines.append(
                f"{label:<22}{zone.length_m:>12.0f}{zone.start_offset_m:>12.0f}"
                f"{zone.end_offset_m:>12.0f}  {_('yes') if zone.confirmed else _('verify')}"
            )
        lines += ["", _("Signs (metres from the start of the warning zone):")]
        for sign in layout.signs:
            speed = f" {sign.speed_kmh} km/h" if sign.speed_kmh else ""
            lines.append(f"  {sign.offset_m:>8.0f}  {sign.name_zh}{speed} ({sign.name_en})")
        steps = " → ".join(f"{s.speed_kmh}" for s in layout.speed_steps)
        lines += ["", f"{_('Speed-limit steps (km/h)')}: {layout.approach_speed_kmh} → {steps}"]
        if layout.unconfirmed:
            lines += [
                "",
                _("To verify against the printed standard: %s") % ", ".join(layout.unconfirmed),
            ]
        return "\n".join(lines)
