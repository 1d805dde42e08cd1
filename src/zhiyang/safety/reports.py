"""The work-zone layout sheet (PDF): zones with chainages, signs, speed steps, provenance."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhiyang.analytics.workzone import ZONE_NAMES_ZH
from zhiyang.core.pdf import ReportPDF
from zhiyang.network.chainage import format_chainage
from zhiyang.safety.models import WorkZone

# The sheet's Chinese title, kept in every language (crews and police read it).
TITLE_ZH = "作业区布设图表"


def layout_pdf(work_zone: WorkZone) -> bytes:
    """An A4 sheet for the crew and the traffic police; ``PdfFontMissing`` without a font."""
    layout = work_zone.layout or {}
    route = work_zone.route
    translated = _("Work-zone layout sheet")
    title = translated if translated == TITLE_ZH else f"{translated} · {TITLE_ZH}"
    pdf = ReportPDF(
        title=title,
        subtitle=f"{work_zone.name} · {route.code} {route.name}",
    )
    pdf.key_values(
        [
            (_("Route"), f"{route.code} {route.name}"),
            (_("Direction"), work_zone.get_direction_display()),
            (
                _("Work area"),
                f"{format_chainage(work_zone.work_start_m)} – "
                f"{format_chainage(work_zone.work_end_m)} ({work_zone.work_length_m:g} m)",
            ),
            (_("Closed lane"), f"{work_zone.get_closed_lane_display()} × {work_zone.closed_lanes}"),
            (
                _("Speed limit"),
                f"{work_zone.normal_speed_kmh} → {work_zone.speed_limit_kmh} km/h",
            ),
            (_("Downgrade"), f"{work_zone.downgrade_pct:g} %"),
            (
                _("Planned"),
                f"{work_zone.planned_start:%Y-%m-%d} – {work_zone.planned_end:%Y-%m-%d}",
            ),
            (_("Status"), work_zone.get_status_display()),
            (_("Standard"), str(layout.get("standard", "JTG H30-2015"))),
        ]
    )
    pdf.heading(_("Zones in driving order"))
    pdf.data_table(
        [_("Zone"), _("Length (m)"), _("From"), _("To"), _("Confirmed")],
        [
            [
                f"{z['name_zh']} {z['symbol']}",
                f"{z['length_m']:g}",
                format_chainage(z["from_m"]),
                format_chainage(z["to_m"]),
                _("yes") if z.get("confirmed") else _("verify"),
            ]
            for z in layout.get("zones", [])
        ],
        widths=[45, 25, 35, 35, 25],
        align=["LEFT", "RIGHT", "LEFT", "LEFT", "CENTER"],
    )
    pdf.heading(_("Signs"))
    pdf.data_table(
        [_("Chainage"), _("Sign"), _("Zone"), _("Confirmed")],
        [
            [
                format_chainage(s["chainage_m"]),
                s["name_zh"] + (f" {s['speed_kmh']} km/h" if s.get("speed_kmh") else ""),
                ZONE_NAMES_ZH.get(s["zone"], s["zone"]),
                _("yes") if s.get("confirmed") else _("verify"),
            ]
            for s in layout.get("signs", [])
        ],
        widths=[35, 70, 40, 25],
    )
    steps = layout.get("speed_steps", [])
    pdf.heading(_("Speed-limit steps"))
    pdf.paragraph(
        f"{layout.get('approach_speed_kmh', work_zone.normal_speed_kmh)} km/h → "
        + " → ".join(f"{s['speed_kmh']} km/h ({format_chainage(s['chainage_m'])})" for s in steps)
    )
    pdf.heading(_("Provenance of the numbers"))
    pdf.data_table(
        [_("Value"), _("Number"), _("Source"), _("Confirmed")],
        [
            [
                key,
                str(p.get("value")),
                p.get("source", ""),
                _("yes") if p.get("confirmed") else _("verify"),
            ]
            for key, p in (layout.get("provenance") or {}).items()
        ],
        widths=[45, 18, 95, 20],
        size=7,
    )
    if layout.get("unconfirmed"):
        pdf.paragraph(
            _(
                "Values marked “verify” are conservative defaults not yet checked against the "
                "printed standard; check them before the layout is used on the road."
            )
        )
    return pdf.to_bytes()
