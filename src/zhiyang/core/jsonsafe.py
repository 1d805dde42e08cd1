"""JSON (and TOML) text read without recursion limits being reachable.

Python's ``json`` and ``tomllib`` recurse once per nesting level, so a text of 20,000 ``[``
ends in a ``RecursionError`` (a 500 wherever it is caught as ``ValueError``), and so does
``copy.deepcopy`` of a value nested a few hundred levels deep. ``nesting_depth`` measures the
text in one iterative pass (brackets outside strings) before anything recursive sees it;
``value_depth`` measures a parsed value iteratively. Every refusal is a ``ValueError``.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from django.utils.translation import gettext as _

#: What any JSON the platform reads may nest (the deepest parameter file is far below).
MAX_DEPTH = 64

_OPEN_BYTES = frozenset(b"[{")
_CLOSE_BYTES = frozenset(b"]}")
_QUOTES = frozenset(b"\"'")
_BACKSLASH = 0x5C


class TooDeep(ValueError):
    """A document nested deeper than allowed."""


def too_deep_message(limit: int) -> str:
    return _("The document is nested too deeply (at most %(limit)d levels).") % {"limit": limit}


def nesting_depth(raw: bytes | str, *, toml: bool = False) -> int:
    """The deepest ``[``/``{`` nesting of a JSON (or TOML) text, ignoring brackets inside
    strings (and TOML comments). One pass, no recursion, O(n); unbalanced text gives the
    depth it reached."""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    quote_set = _QUOTES if toml else frozenset(b'"')
    depth = deepest = 0
    quote = 0
    escaped = comment = False
    for byte in data:
        if comment:
            comment = byte != 0x0A
        elif quote:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH and quote == 0x22:
                escaped = True
            elif byte == quote:
                quote = 0
        elif byte in quote_set:
            quote = byte
        elif toml and byte == 0x23:
            comment = True
        elif byte in _OPEN_BYTES:
            depth += 1
            if depth > deepest:
                deepest = depth
        elif byte in _CLOSE_BYTES:
            depth -= 1
    return deepest


def value_depth(value: Any) -> int:
    """How deep dicts and lists nest in a parsed value (a scalar: 0), measured iteratively."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def check_text(text: bytes | str, *, max_depth: int = MAX_DEPTH, toml: bool = False) -> None:
    """Raise ``TooDeep`` if the text nests deeper than ``max_depth``."""
    if nesting_depth(text, toml=toml) > max_depth:
        raise TooDeep(too_deep_message(max_depth))


def loads(text: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` refusing texts nested deeper than ``max_depth`` (``ValueError``)."""
    check_text(text, max_depth=max_depth)
    try:
        return json.loads(text)
    except RecursionError:  # pragma: no cover - the scan above comes first
        raise TooDeep(too_deep_message(max_depth)) from None


def toml_loads(text: str, *, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """``tomllib.loads`` refusing texts nested deeper than ``max_depth`` (``ValueError``)."""
    check_text(text, max_depth=max_depth, toml=True)
    try:
        return tomllib.loads(text)
    except RecursionError:  # pragma: no cover
        raise TooDeep(too_deep_message(max_depth)) from None
