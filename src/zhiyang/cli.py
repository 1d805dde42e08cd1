"""The ``zhiyang`` console command: Django management with Zhiyang's settings.

Every sub-command (``demo``, ``serve``, ``worker``, ``network``, ...) is a management command
in the app that owns it, so ``zhiyang help`` lists them all and each has ``--help``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a sub-command, e.g. ``zhiyang network summary --format json``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhiyang", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
