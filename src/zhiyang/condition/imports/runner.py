"""The one entry point of condition imports, inline or in a background task."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhiyang.condition import services
from zhiyang.condition.choices import ImportKind
from zhiyang.condition.imports.distress import parse_distress
from zhiyang.condition.imports.intervals import parse_intervals
from zhiyang.condition.imports.profile import parse_profile
from zhiyang.condition.imports.tables import row_count_estimate
from zhiyang.condition.models import Survey
from zhiyang.core.actors import Actor
from zhiyang.network.importexport.common import ImportValidationError, RowError

# Files with more rows than this (and every profile) are imported by a background task.
BACKGROUND_ROWS = 2000

Progress = Callable[[int, str], None]


@dataclass
class ImportOptions:
    """Options of a profile import (ignored by the other kinds).

    ``wheel_path``: which wheel path a one-channel profile is (left/right); a two-channel
    file is left then right. ``segment_length_m``: the interval the IRI is computed over.
    ``start_m``: the chainage of the profile's first sample (default: its distance is the
    chainage); on a 下行 (down) survey chainage decreases along the profile.
    """

    wheel_path: str = "left"
    segment_length_m: float = 10.0
    start_m: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def needs_background(kind: str, data: bytes, filename: str) -> bool:
    """True for every profile and for tables of more than ``BACKGROUND_ROWS`` rows."""
    if kind == ImportKind.PROFILE:
        return True
    return row_count_estimate(data, filename) > BACKGROUND_ROWS


def run_import(
    *,
    actor: Actor,
    survey: Survey,
    kind: str,
    data: bytes,
    filename: str,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Validate and write one file into ``survey``; returns a JSON-safe summary.

    Raises ImportValidationError (nothing written) for a bad file, and Django's
    ValidationError for an approved survey.
    """
    options = options or ImportOptions()
    services.ensure_draft(survey)

    def report(percent: int, message: str) -> None:
        if progress is not None:
            progress(percent, message)

    def rows_read(done: int, total: int) -> None:
        report(
            int(60 * done / max(total, 1)),
            _("Checking row %(row)d of %(total)d")
            % {
                "row": done,
                "total": total,
            },
        )

    report(0, _("Reading the file"))
    summary: dict[str, Any] = {"kind": kind, "file": filename}
    if kind == ImportKind.INTERVALS:
        parsed = parse_intervals(data, filename, route=survey.route, progress=rows_read)
        report(70, _("Writing %(count)d intervals") % {"count": len(parsed.rows)})
        written = services.write_intervals(
            actor=actor, survey=survey, rows=parsed.rows, fields=parsed.fields, source="intervals"
        )
        summary.update(
            rows=len(parsed.rows),
            columns=parsed.fields,
            ignored_columns=parsed.ignored,
            intervals=written.as_dict(),
        )
    elif kind == ImportKind.PROFILE:
        report(10, _("Computing IRI"))
        profile = parse_profile(
            data,
            filename,
            survey=survey,
            wheel_path=options.wheel_path,
            segment_length_m=options.segment_length_m,
            start_m=options.start_m,
        )
        report(70, _("Writing %(count)d intervals") % {"count": len(profile.rows)})
        written = services.write_intervals(
            actor=actor, survey=survey, rows=profile.rows, fields=profile.fields, source="profile"
        )
        summary.update(
            rows=len(profile.rows),
            columns=profile.fields,
            samples=profile.samples,
            segment_length_m=options.segment_length_m,
            intervals=written.as_dict(),
        )
    elif kind == ImportKind.DISTRESS:
        distress = parse_distress(
            data,
            filename,
            route=survey.route,
            edition=survey.edition,
            pavement_at=services.pavement_at(survey),
        )
        report(70, _("Writing %(count)d distress records") % {"count": len(distress.rows)})
        created = services.replace_imported_distress(actor=actor, survey=survey, rows=distress.rows)
        summary.update(
            rows=len(distress.rows), distress_created=created, ignored_columns=distress.ignored
        )
    else:
        raise ImportValidationError([RowError(0, "kind", _("Unknown import kind."))])
    summary["units"] = survey.units.count()
    report(100, _("Done"))
    return summary
