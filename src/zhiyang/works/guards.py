"""Close guards: other apps say why a work order may not be closed yet.

An app registers ``func(work_order) -> list[str]`` (translated reasons, empty when nothing
blocks) in its ``AppConfig.ready``; ``services.close_work_order`` refuses to close while any
guard returns a reason, and the work order page shows them next to the close button. The sop
app registers one: failed hold points without an approved NCR.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhiyang.works.models import WorkOrder

CloseGuard = Callable[["WorkOrder"], list[str]]

_GUARDS: list[CloseGuard] = []


def register_close_guard(func: CloseGuard) -> CloseGuard:
    """Register ``func`` (idempotent: registering the same function twice keeps one). Usable
    as a decorator."""
    if func not in _GUARDS:
        _GUARDS.append(func)
    return func


def unregister_close_guard(func: CloseGuard) -> None:
    """Remove ``func`` (for tests)."""
    if func in _GUARDS:
        _GUARDS.remove(func)


def close_guards() -> tuple[CloseGuard, ...]:
    return tuple(_GUARDS)


def close_blockers(work_order: WorkOrder) -> list[str]:
    """Every reason, from every registered guard, that blocks closing ``work_order``."""
    reasons: list[str] = []
    for guard in _GUARDS:
        reasons.extend(str(r) for r in guard(work_order) or [])
    return reasons
