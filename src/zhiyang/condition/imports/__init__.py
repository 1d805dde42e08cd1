"""Condition imports: interval tables, profile files and distress records.

Each import reads and validates the whole file first and collects every error with its row
and column (``RowError``, shared with the network import); only a clean file is written, in
one transaction with one audit row on the survey, after which the survey's evaluation units
are recomputed (``services.rate_survey``). A bad file changes nothing.

``run_import`` is the one entry point (used inline by the API and the command, and by the
background task of ``condition/tasks.py`` for large files and every profile).
"""

from zhiyang.condition.imports.distress import excel_template, parse_distress
from zhiyang.condition.imports.intervals import parse_intervals
from zhiyang.condition.imports.runner import (
    BACKGROUND_ROWS,
    ImportOptions,
    needs_background,
    run_import,
)
from zhiyang.network.importexport.common import ImportValidationError, RowError

__all__ = [
    "BACKGROUND_ROWS",
    "ImportOptions",
    "ImportValidationError",
    "RowError",
    "excel_template",
    "needs_background",
    "parse_distress",
    "parse_intervals",
    "run_import",
]
