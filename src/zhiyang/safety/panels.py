"""Slots on the safety dashboard that other apps fill (the direction is app → safety).

An app that depends on safety registers a provider in its ``AppConfig.ready``::

    from zhiyang.safety import panels
    panels.register("certificates", certificate_panel)

A provider takes the user and returns the panel's context (or ``None``: not shown). Safety
never imports the provider's app; a slot nobody fills is simply left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], "dict[str, Any] | None"]

_PROVIDERS: dict[str, Provider] = {}


def register(slot: str, provider: Provider) -> None:
    """Fill ``slot`` (``"certificates"``) with ``provider(user) -> context | None``."""
    _PROVIDERS[slot] = provider


def panel(slot: str, user: Any) -> dict[str, Any] | None:
    """The slot's context for ``user``, or ``None`` when no app fills it."""
    provider = _PROVIDERS.get(slot)
    return provider(user) if provider is not None else None
