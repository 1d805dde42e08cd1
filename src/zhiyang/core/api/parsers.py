"""The API's JSON parser: bounded in body size, nesting depth, keys, items and string length.

Python's ``json`` recurses once per level, so a body of 20,000 ``[`` used to end in a
``RecursionError`` (a 500). The depth is measured first by one iterative pass over the raw
bytes (``core.jsonsafe``), so nothing recursive ever sees a deep document; the other
limits are checked by one iterative walk of the parsed value. ``NaN``, ``Infinity`` and
numbers that overflow to infinity are refused: no stored value may be one a page cannot show.
Every refusal is a ``ParseError`` (400) or ``RequestTooLarge`` (413) in the one error shape.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from zhiyang.core import jsonsafe


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


@dataclass(frozen=True)
class JSONLimits:
    """What one JSON document may hold (settings ``ZHIYANG_API_JSON_*``)."""

    body_bytes: int = 2_621_440
    depth: int = 64
    keys: int = 1_000
    items: int = 10_000
    string_chars: int = 100_000

    @classmethod
    def from_settings(cls) -> JSONLimits:
        configured = getattr(settings, "API_JSON_LIMITS", {}) or {}
        return cls(**{k: int(v) for k, v in configured.items()})


def _too_deep(limit: int) -> str:
    return jsonsafe.too_deep_message(limit)


def _refuse_constant(name: str) -> float:
    raise exceptions.ParseError(
        _("“%(value)s” is not a number the API accepts: use a finite number.") % {"value": name}
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _refuse_constant(text[:40])
    return value


def _bounded_int(text: str) -> int:
    # A longer integer cannot even become a float (OverflowError in every float field).
    if len(text.lstrip("-")) > 308:
        _refuse_constant(text[:40] + "…")
    return int(text)


def check_sizes(value: Any, limits: JSONLimits) -> None:
    """Raise ``ParseError`` for an object, array or string over its limit (iterative walk)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) > limits.keys:
                raise exceptions.ParseError(
                    _("A JSON object has more than %(limit)d keys.") % {"limit": limits.keys}
                )
            for key, child in item.items():
                if len(key) > limits.string_chars:
                    raise exceptions.ParseError(_too_long(limits.string_chars))
                stack.append(child)
        elif isinstance(item, list):
            if len(item) > limits.items:
                raise exceptions.ParseError(
                    _("A JSON array has more than %(limit)d items.") % {"limit": limits.items}
                )
            stack.extend(item)
        elif isinstance(item, str) and len(item) > limits.string_chars:
            raise exceptions.ParseError(_too_long(limits.string_chars))


def _too_long(limit: int) -> str:
    return _("A JSON string is longer than %(limit)d characters.") % {"limit": limit}


def too_large_message(limit_bytes: int) -> str:
    return _("The request body is too large (at most %(mb).1f MB).") % {
        "mb": limit_bytes / (1024 * 1024)
    }


def loads_limited(raw: bytes, limits: JSONLimits | None = None) -> Any:
    """Parse a JSON body within ``limits``; every refusal is an ``APIException``."""
    limits = limits or JSONLimits.from_settings()
    if len(raw) > limits.body_bytes:
        raise RequestTooLarge(too_large_message(limits.body_bytes))
    if jsonsafe.nesting_depth(raw) > limits.depth:
        raise exceptions.ParseError(_too_deep(limits.depth))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise exceptions.ParseError(_("The JSON body is not valid UTF-8.")) from None
    try:
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except ValueError as exc:
        raise exceptions.ParseError(
            _("The body is not valid JSON: %(error)s") % {"error": exc}
        ) from None
    except RecursionError:  # pragma: no cover - the depth scan above comes first
        raise exceptions.ParseError(_too_deep(limits.depth)) from None
    check_sizes(value, limits)
    return value


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with the limits of ``JSONLimits`` (the default for every API view)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limits = JSONLimits.from_settings()
        if stream is None:
            return None
        raw = stream.read(limits.body_bytes + 1)
        return loads_limited(raw, limits)


#: For views that take JSON or a form with files (a photo): the limited JSON parser first.
JSON_AND_FORM_PARSERS = [LimitedJSONParser, MultiPartParser, FormParser]
