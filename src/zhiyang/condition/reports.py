"""What the condition pages, the Excel export and the PDF report show: one source of numbers.

Every function here starts from units already restricted to the user (``scoped_units``), so
the map, the statistics, the worst-units list, the workbook and the PDF can never disagree
or show more than the user may see. Aggregation (length-weighted means, shares of units by
grade, 优良率 / 次差率) is the rating engine's (``zhiyang.analytics.rating``); grades of the
indices stored without a grade column come from ``rating.grade`` as well.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from zhiyang.analytics import rating
from zhiyang.condition.choices import SurveyStatus
from zhiyang.condition.models import SurveyUnit
from zhiyang.core.access import restrict
from zhiyang.network.chainage import format_chainage

# Indices a page may colour or chart by, in the order owners read them.
INDICES: tuple[tuple[str, Any], ...] = (
    ("pqi", gettext_lazy("PQI (pavement quality)")),
    ("pci", gettext_lazy("PCI (surface damage)")),
    ("rqi", gettext_lazy("RQI (riding quality)")),
    ("rdi", gettext_lazy("RDI (rutting)")),
    ("sri", gettext_lazy("SRI (skid resistance)")),
    ("pbi", gettext_lazy("PBI (bumps)")),
    ("pwi", gettext_lazy("PWI (wear)")),
    ("pssi", gettext_lazy("PSSI (structural strength)")),
    ("mqi", gettext_lazy("MQI (maintenance quality)")),
)
INDEX_FIELDS = tuple(name for name, _label in INDICES)
DEFAULT_INDEX = "pqi"
GRADES: tuple[str, ...] = tuple(rating.GRADES)

# The colours road agencies use on condition maps: 优 green, 良 blue, 中 yellow, 次 orange,
# 差 red; the same as the --grade-* variables of zhiyang.css. Grey: no value.
GRADE_COLOURS = {
    "优": "#2e9d57",
    "良": "#2f74c0",
    "中": "#e3b505",
    "次": "#ea7d1c",
    "差": "#d0362c",
}
NO_DATA_COLOUR = "#9aa3ae"


def index_label(index: str) -> str:
    return str(dict(INDICES).get(index, index.upper()))


def grade_label(grade: str) -> str:
    """The grade as users read it: 优 in Chinese, "Excellent (优)" in English."""
    from django.utils.translation import get_language

    from zhiyang.condition.choices import Grade

    if grade not in GRADES:
        return ""
    if (get_language() or "").startswith("zh"):
        return grade
    return str(Grade(grade).label)


def grade_of(value: float | None) -> str:
    """The grade (优 … 差) of an index value, '' without a value."""
    if value is None:
        return ""
    return rating.grade_of(float(value))


def unit_grade(unit: SurveyUnit, index: str) -> str:
    """The unit's grade on ``index``: the stored one for PQI/MQI, else from the value."""
    stored = getattr(unit, f"grade_{index}", None)
    if stored:
        return str(stored)
    return grade_of(getattr(unit, index, None))


# --- Selecting units ---------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What a page shows: a survey year, an index, optionally a route, district, direction."""

    year: int | None = None
    index: str = DEFAULT_INDEX
    route: str = ""
    district: str = ""
    direction: str = ""

    def describe(self) -> str:
        parts = [_("Survey year %(year)s") % {"year": self.year or _("latest")}]
        if self.route:
            parts.append(_("route %(route)s") % {"route": self.route})
        if self.district:
            parts.append(_("district %(district)s") % {"district": self.district})
        return ", ".join(parts)


def scoped_units(user: Any) -> QuerySet[SurveyUnit]:
    """Units of approved surveys, main lane, that ``user`` may see."""
    units = SurveyUnit.objects.filter(survey__status=SurveyStatus.APPROVED, survey__lane=1)
    return restrict(units, user, "view")


def available_years(user: Any) -> list[int]:
    """Survey years with approved units in the user's scope, newest first."""
    dates = scoped_units(user).values_list("survey__survey_date__year", flat=True).distinct()
    return sorted({int(y) for y in dates}, reverse=True)


def select_units(
    user: Any, selection: Selection, *, all_years: bool = False
) -> QuerySet[SurveyUnit]:
    """The user's units matching the selection (every year with ``all_years``)."""
    units = scoped_units(user)
    if selection.year and not all_years:
        units = units.filter(survey__survey_date__year=selection.year)
    if selection.route:
        units = units.filter(route__code=selection.route)
    if selection.district:
        units = units.filter(district__code=selection.district)
    if selection.direction:
        units = units.filter(survey__direction=selection.direction)
    # The route's centre line is never needed with a unit here (the map cuts it apart).
    return units.select_related("route", "district", "survey").defer("route__geometry")


# --- Aggregation -------------------------------------------------------------------------


@dataclass
class GroupSummary:
    """Length-weighted index and grade shares of a group of units (a route, a district)."""

    key: str
    label: str
    units: int = 0
    length_m: float = 0.0
    mean: float | None = None
    shares: dict[str, float] = field(default_factory=dict)  # grade -> share 0..1
    good_rate: float | None = None  # 优良率, 0..1
    poor_rate: float | None = None  # 次差率, 0..1

    @property
    def length_km(self) -> float:
        return self.length_m / 1000.0

    def percent(self, grade: str) -> float:
        return 100.0 * self.shares.get(grade, 0.0)

    @property
    def grade_percents(self) -> list[tuple[str, float | None]]:
        """(grade, percent) in grade order; None when nothing is rated (for tables)."""
        return [(g, self.percent(g) if self.shares else None) for g in GRADES]

    @property
    def good_percent(self) -> float | None:
        return None if self.good_rate is None else 100.0 * self.good_rate

    @property
    def poor_percent(self) -> float | None:
        return None if self.poor_rate is None else 100.0 * self.poor_rate

    @property
    def grade(self) -> str:
        return grade_of(self.mean)


def _as_fraction(percent: Any) -> float | None:
    """The engine's percent as a share 0..1 (None for NaN: nothing rated)."""
    if percent is None or math.isnan(float(percent)):
        return None
    return float(percent) / 100.0


def summarise(key: str, label: str, units: Sequence[SurveyUnit], index: str) -> GroupSummary:
    """One group's summary on ``index``; units without the index count for length only."""
    rated = [u for u in units if getattr(u, index) is not None]
    summary = GroupSummary(
        key=key, label=label, units=len(units), length_m=sum(u.length_m for u in units)
    )
    if not rated:
        return summary
    values = [float(getattr(u, index)) for u in rated]
    lengths = [float(u.length_m) for u in rated]
    mean = float(rating.aggregate(values, lengths))
    summary.mean = None if math.isnan(mean) else mean
    shares = rating.grade_shares(values, lengths)
    summary.shares = {g: _as_fraction(shares.get(g, 0.0)) or 0.0 for g in GRADES}
    summary.good_rate = _as_fraction(rating.good_rate(values, lengths))
    summary.poor_rate = _as_fraction(rating.poor_rate(values, lengths))
    return summary


def summary_by(units: Iterable[SurveyUnit], index: str, by: str) -> list[GroupSummary]:
    """Summaries per route (``by="route"``) or district (``by="district"``), by code."""
    groups: dict[str, list[SurveyUnit]] = defaultdict(list)
    labels: dict[str, str] = {}
    for unit in units:
        if by == "route":
            key, label = unit.route.code, f"{unit.route.code} {unit.route.name}"
        else:
            key, label = unit.district.code, unit.district.display_name
        groups[key].append(unit)
        labels[key] = label
    return [summarise(k, labels[k], groups[k], index) for k in sorted(groups)]


def yearly_trend(units: Iterable[SurveyUnit], index: str) -> dict[str, dict[int, float | None]]:
    """Length-weighted ``index`` per survey year: {"": network, route code: ...}."""
    by_key: dict[str, dict[int, list[SurveyUnit]]] = defaultdict(lambda: defaultdict(list))
    for unit in units:
        year = unit.survey.survey_date.year
        by_key[""][year].append(unit)
        by_key[unit.route.code][year].append(unit)
    return {
        key: {year: summarise(key, key, rows, index).mean for year, rows in sorted(years.items())}
        for key, years in by_key.items()
    }


def worst_units(units: QuerySet[SurveyUnit], index: str) -> QuerySet[SurveyUnit]:
    """Units with a value of ``index``, lowest first (ties by route and chainage)."""
    return units.filter(**{f"{index}__isnull": False}).order_by(
        index, "route__code", "start_m", "pk"
    )


# --- Rows shared by the tables, the workbook and the PDF ---------------------------------

UNIT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("route", gettext_lazy("Route")),
    ("district", gettext_lazy("District")),
    ("year", gettext_lazy("Year")),
    ("direction", gettext_lazy("Direction")),
    ("start", pgettext_lazy("chainage", "From")),
    ("end", pgettext_lazy("chainage", "To")),
    ("length_m", gettext_lazy("Length (m)")),
    ("iri", gettext_lazy("IRI (m/km)")),
    ("rd_mm", gettext_lazy("Rut depth (mm)")),
    ("sfc", gettext_lazy("SFC")),
    ("dr", gettext_lazy("DR (%)")),
    ("pci", "PCI"),
    ("rqi", "RQI"),
    ("rdi", "RDI"),
    ("sri", "SRI"),
    ("pbi", "PBI"),
    ("pwi", "PWI"),
    ("pqi", "PQI"),
    ("grade_pqi", gettext_lazy("PQI grade")),
    ("mqi", "MQI"),
    ("grade_mqi", gettext_lazy("MQI grade")),
)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def unit_row(unit: SurveyUnit) -> dict[str, Any]:
    """One unit as the export columns (numbers rounded as owners print them)."""
    return {
        "route": unit.route.code,
        "district": unit.district.display_name,
        "year": unit.survey.survey_date.year,
        "direction": str(unit.survey.get_direction_display()),
        "start": format_chainage(unit.start_m),
        "end": format_chainage(unit.end_m),
        "length_m": round(unit.length_m),
        "iri": _round(unit.iri, 2),
        "rd_mm": _round(unit.rd_mm),
        "sfc": _round(unit.sfc),
        "dr": _round(unit.dr, 2),
        "pci": _round(unit.pci),
        "rqi": _round(unit.rqi),
        "rdi": _round(unit.rdi),
        "sri": _round(unit.sri),
        "pbi": _round(unit.pbi),
        "pwi": _round(unit.pwi),
        "pqi": _round(unit.pqi),
        "grade_pqi": unit.grade_pqi or grade_of(unit.pqi),
        "mqi": _round(unit.mqi),
        "grade_mqi": unit.grade_mqi or grade_of(unit.mqi),
    }


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100.0 * value, 1)


def summary_headers(index: str) -> list[str]:
    return [
        _("Name"),
        _("Units"),
        _("Length (km)"),
        _("%(index)s (length-weighted)") % {"index": index.upper()},
        *[f"{g} (%)" for g in GRADES],
        _("Excellent or good (%)"),
        _("Poor or bad (%)"),
    ]


def summary_cells(summary: GroupSummary) -> list[Any]:
    return [
        summary.label,
        summary.units,
        round(summary.length_km, 3),
        _round(summary.mean, 1),
        *[None if pct is None else round(pct, 1) for _g, pct in summary.grade_percents],
        _pct(summary.good_rate),
        _pct(summary.poor_rate),
    ]


# --- Excel -------------------------------------------------------------------------------


def build_workbook(user: Any, selection: Selection) -> bytes:
    """The unit table with indices and grades, and a summary sheet by route and district.

    Sheet "Summary" (汇总): scope, year, edition, then one table per route and per district
    with the length-weighted index, the shares of 优/良/中/次/差 and 优良率/次差率. Sheet
    "Units" (评定单元): one row per unit, the columns of ``UNIT_COLUMNS``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    units = list(
        select_units(user, selection).order_by("route__code", "survey__direction", "start_m")
    )
    index = selection.index
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E2E8F0")

    workbook = Workbook()
    summary_sheet = workbook.active
    summary_sheet.title = _("Summary")[:31]
    summary_sheet.append([report_title()])
    summary_sheet["A1"].font = Font(bold=True, size=14)
    for label, value in scope_facts(user, selection, units):
        summary_sheet.append([label, value])
    network = summarise("", _("Whole scope"), units, index)
    for title, rows in (
        (_("By route"), summary_by(units, index, "route")),
        (_("By district"), summary_by(units, index, "district")),
    ):
        summary_sheet.append([])
        summary_sheet.append([title])
        summary_sheet.cell(summary_sheet.max_row, 1).font = bold
        summary_sheet.append(summary_headers(index))
        for cell in summary_sheet[summary_sheet.max_row]:
            cell.font = bold
            cell.fill = head_fill
        for row in [*rows, network]:
            summary_sheet.append(summary_cells(row))
        summary_sheet.cell(summary_sheet.max_row, 1).font = bold
    summary_sheet.column_dimensions["A"].width = 28
    for col in range(2, 12):
        summary_sheet.column_dimensions[get_column_letter(col)].width = 12

    unit_sheet = workbook.create_sheet(_("Units")[:31])
    unit_sheet.append([str(label) for _key, label in UNIT_COLUMNS])
    for cell in unit_sheet[1]:
        cell.font = bold
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for unit in units:
        values = unit_row(unit)
        unit_sheet.append([values[key] for key, _label in UNIT_COLUMNS])
    unit_sheet.freeze_panes = "A2"
    for col in range(1, len(UNIT_COLUMNS) + 1):
        unit_sheet.column_dimensions[get_column_letter(col)].width = 11
    unit_sheet.column_dimensions["B"].width = 16

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF ---------------------------------------------------------------------------------


def report_title() -> str:
    return _("Pavement condition report (路面技术状况)")


def scope_facts(
    user: Any, selection: Selection, units: Sequence[SurveyUnit]
) -> list[tuple[str, str]]:
    """Title-block facts: whose scope, which year, which edition, how much road."""
    organisation = getattr(user, "organisation", None)
    editions = sorted({str(u.survey.get_edition_display()) for u in units})
    return [
        (_("Scope"), str(organisation) if organisation else _("Whole network")),
        (_("Survey year"), str(selection.year or "")),
        (_("Standard edition"), ", ".join(editions) or "–"),
        (_("Index"), index_label(selection.index)),
        (_("Route"), selection.route or _("All routes")),
        (_("District"), selection.district or _("All districts")),
        (_("Units"), str(len(units))),
        (_("Length (km)"), f"{sum(u.length_m for u in units) / 1000.0:.3f}"),
    ]


PDF_UNIT_COLUMNS = (
    "route",
    "district",
    "direction",
    "start",
    "end",
    "iri",
    "rd_mm",
    "pci",
    "rqi",
    "rdi",
    "sri",
    "pqi",
    "grade_pqi",
)


PDF_DECIMALS = {"iri": 2, "rd_mm": 1, "pci": 1, "rqi": 1, "rdi": 1, "sri": 1, "pqi": 1}


def _pdf_cell(key: str, value: Any) -> Any:
    """Numbers printed with fixed decimals (2.10, not 2.1), so the columns line up."""
    if key in PDF_DECIMALS and isinstance(value, float | int):
        return f"{value:.{PDF_DECIMALS[key]}f}"
    return value


def build_pdf(user: Any, selection: Selection) -> bytes:
    """The printable report: title, scope, year and edition; summary by route and district
    with 优良率/次差率; then the unit table. Raises ``PdfFontMissing`` without a CJK font."""
    from zhiyang.core.pdf import ReportPDF

    units = list(
        select_units(user, selection).order_by("route__code", "survey__direction", "start_m")
    )
    index = selection.index
    pdf = ReportPDF(title=report_title(), subtitle=selection.describe(), landscape=True)
    pdf.key_values(scope_facts(user, selection, units))
    network = summarise("", _("Whole scope"), units, index)
    widths = (52, 16, 22, 30, 18, 18, 18, 18, 18, 22, 22)
    for title, rows in (
        (_("Summary by route"), summary_by(units, index, "route")),
        (_("Summary by district"), summary_by(units, index, "district")),
    ):
        pdf.heading(title, level=2)
        pdf.data_table(
            summary_headers(index),
            [summary_cells(row) for row in [*rows, network]],
            widths=widths,
            align=("LEFT", *["RIGHT"] * 10),
        )
    pdf.add_page()  # the unit table starts on its own page, as owners file it
    pdf.heading(_("Evaluation units"), level=2)
    labels = dict(UNIT_COLUMNS)
    if units:
        pdf.data_table(
            [str(labels[key]) for key in PDF_UNIT_COLUMNS],
            ([_pdf_cell(key, unit_row(u)[key]) for key in PDF_UNIT_COLUMNS] for u in units),
            align=[
                "RIGHT" if key in PDF_DECIMALS else "CENTER" if key == "grade_pqi" else "LEFT"
                for key in PDF_UNIT_COLUMNS
            ],
            size=7,
        )
    else:
        pdf.paragraph(_("No evaluation units in your scope for this selection."))
    return pdf.to_bytes()
