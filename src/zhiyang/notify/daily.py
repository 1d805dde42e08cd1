"""The daily checks other apps add to the notify app's daily task (``tasks.daily_checks``).

An app registers its check in ``AppConfig.ready``; notify never imports the app (the
direction is app → notify)::

    from zhiyang.notify.daily import register_daily_check
    register_daily_check(lambda: raise_overdue(actor=SYSTEM))

A check raises its events and returns how many it raised.
"""

from __future__ import annotations

from collections.abc import Callable

_CHECKS: list[Callable[[], int]] = []


def register_daily_check(check: Callable[[], int]) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def run_daily_checks() -> int:
    """Run every registered check; the number of events they raised."""
    return sum(check() for check in _CHECKS)
