"""``zhiyang rate INPUT.csv [--edition 2018|2007] [--out OUT.csv]``: rate evaluation units.

The whole file is validated first; on any error nothing is written (an existing --out file
is left as it was) and the command fails listing every row and column at fault.
"""

from __future__ import annotations

import io
import os
import pathlib
import tempfile
import tomllib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhiyang.analytics import rating
from zhiyang.condition import rating_io


class Command(BaseCommand):
    help = _(
        "Rate pavement condition units from a CSV file after JTG 5210-2018 or JTG H20-2007 "
        "(PCI, RQI, RDI, SRI, PBI, PWI, PQI, SCI, BCI, TCI, MQI and grades)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=pathlib.Path, help=_("Input CSV file (UTF-8)."))
        parser.add_argument(
            "--edition",
            choices=rating.EDITIONS,
            default="2018",
            help=_(
                "Edition of the standard: 2018 (JTG 5210-2018, default) or 2007 (JTG H20-2007)."
            ),
        )
        parser.add_argument(
            "--out", type=pathlib.Path, help=_("Output CSV file (default: standard output).")
        )
        parser.add_argument(
            "--parameters",
            type=pathlib.Path,
            metavar="OVERRIDES.toml",
            help=_("TOML file of parameter overrides merged over the edition's values."),
        )
        parser.add_argument(
            "--bom",
            action="store_true",
            help=_("Start the output with a UTF-8 byte order mark (for Excel)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: pathlib.Path = options["input"]
        if not path.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        params = self._parameters(options["edition"], options["parameters"])
        try:
            table = rating_io.read_rate_csv(path.read_bytes(), params)
        except rating_io.RateFileError as exc:
            raise CommandError(exc.message(), returncode=1) from exc
        results = rating.rate(table.columns, parameters=params)
        buffer = io.StringIO()
        rating_io.write_rate_csv(buffer, table, results)
        text = ("\ufeff" if options["bom"] else "") + buffer.getvalue()
        out: pathlib.Path | None = options["out"]
        if out is None:
            self.stdout.write(text, ending="")
        else:
            _write_atomically(out, text)
        if table.ignored:
            self.stderr.write(
                _("Columns not used for rating (copied unchanged): %(columns)s")
                % {"columns": ", ".join(table.ignored)}
            )
        self.stderr.write(
            _("Rated %(count)d units after %(code)s (parameters %(version)s).")
            % {"count": len(table.rows), "code": params.code, "version": params.version}
        )
        rates = rating_io.good_rates(table, results)
        shown = ", ".join(
            f"{index.upper()} {value:.1f} %"
            for index, value in rates.items()
            if value == value  # NaN: no unit rated for this index
        )
        if shown:
            self.stderr.write(_("Good rate (优良率, by length): %(rates)s") % {"rates": shown})

    def _parameters(self, edition: str, overrides_path: pathlib.Path | None) -> Any:
        if overrides_path is None:
            return rating.load_parameters(edition)
        try:
            overrides = tomllib.loads(overrides_path.read_text(encoding="utf-8"))
            return rating.load_parameters(edition, overrides)
        except (OSError, tomllib.TOMLDecodeError, rating.ParameterError) as exc:
            raise CommandError(
                _("Cannot use the parameter file %(path)s: %(reason)s")
                % {"path": overrides_path, "reason": exc}
            ) from exc


def _write_atomically(path: pathlib.Path, text: str) -> None:
    """Write through a temporary file in the same directory, so a reader never sees half a
    file and a failure leaves the old file in place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise
