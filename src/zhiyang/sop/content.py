"""The content of a work instruction: reading the packaged TOML files and validating content.

A work instruction's content (one ``sop/data/<code>.toml`` file, or what an administrator
publishes as a new version) is a mapping — the format is documented in docs/sop.md:

- ``code`` (one of the 12 process codes), ``name``, ``purpose``, ``scope`` (bilingual texts
  ``{"zh-hans": ..., "en": ...}``), ``references`` (list of text), ``context`` (the run
  context keys the measurements need), ``sign_off_role`` (who signs the whole run),
  ``prerequisites``, ``materials``, ``equipment``, ``safety`` (lists of bilingual texts);
- ``steps``: ordered, each with a unique ``code``, ``text``, optional ``hold_point`` and
  ``sign_off_role``, ``measurements`` (each: ``code``, ``label``, and either ``spec`` — a
  measurement code of :mod:`zhiyang.analytics.specs`, with an optional fixed ``context`` —
  or explicit ``min``/``max``/``unit``/``source``) and ``photos`` (``code``, ``label``,
  ``required``).

:func:`validate_content` returns the normalised content or raises :class:`ContentError`
with every problem found (path: message), so an upload is refused as a whole.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from zhiyang.analytics import specs
from zhiyang.core.choices import Role
from zhiyang.works.choices import Process

LANGUAGES = ("zh-hans", "en")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: Run context keys a work instruction may ask for (fields of ``specs.MixContext``).
CONTEXT_KEYS = tuple(specs.MixContext.__dataclass_fields__)
TEXT_LISTS = ("prerequisites", "materials", "equipment", "safety")


class ContentError(ValueError):
    """Content that is not a valid work instruction; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def packaged_codes() -> list[str]:
    """Codes of the packaged instructions (file names), sorted."""
    folder = resources.files("zhiyang.sop").joinpath("data")
    return sorted(
        e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")
    )


@cache
def _packaged(code: str) -> dict[str, Any]:
    text = resources.files("zhiyang.sop").joinpath("data", f"{code}.toml").read_text("utf-8")
    return tomllib.loads(text)


def packaged(code: str) -> dict[str, Any]:
    """The packaged instruction ``code``, validated (a bad file is a bug: it raises)."""
    return validate_content(_packaged(code))


def parse_text(text: str) -> dict[str, Any]:
    """Content typed or uploaded by an administrator: TOML, or JSON when it starts with {."""
    import json

    stripped = text.strip()
    try:
        data = json.loads(stripped) if stripped.startswith("{") else tomllib.loads(stripped)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ContentError([f"not valid TOML or JSON: {exc}"]) from exc
    if not isinstance(data, dict):
        raise ContentError(["the content must be a table (object)"])
    return data


def _text(value: Any, path: str, problems: list[str], required: bool = True) -> dict[str, str]:
    if not isinstance(value, Mapping):
        if required or value is not None:
            problems.append(f"{path}: needs a text in both languages {{zh-hans, en}}")
        return {}
    out = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{path}.{lang}: missing")
        elif any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
            problems.append(f"{path}.{lang}: control characters")
        else:
            out[lang] = text.strip()
    extra = set(value) - set(LANGUAGES)
    if extra:
        problems.append(f"{path}: unknown languages {sorted(extra)}")
    return out


def _code(value: Any, path: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not CODE_RE.match(value):
        problems.append(f"{path}: needs a code of lower-case letters, digits and _")
        return ""
    return value


def _role(value: Any, path: str, problems: list[str]) -> str:
    if value in (None, ""):
        return ""
    if value not in Role.values:
        problems.append(f"{path}: {value!r} is not a role ({', '.join(Role.values)})")
        return ""
    return str(value)


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _measurement(m: Any, path: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(m, Mapping):
        problems.append(f"{path}: needs a table")
        return {}
    out: dict[str, Any] = {
        "code": _code(m.get("code"), f"{path}.code", problems),
        "label": _text(m.get("label"), f"{path}.label", problems),
    }
    if "spec" in m:
        if m["spec"] not in specs.MEASUREMENTS:
            problems.append(f"{path}.spec: {m['spec']!r} is not a measurement code")
        out["spec"] = m["spec"]
        out["unit"] = specs.MEASUREMENTS.get(str(m["spec"]), ("",))[0]
        fixed = m.get("context", {})
        if not isinstance(fixed, Mapping) or set(fixed) - set(CONTEXT_KEYS):
            problems.append(f"{path}.context: only keys of {CONTEXT_KEYS}")
            fixed = {}
        out["context"] = {str(k): v for k, v in fixed.items()}
        for key in ("min", "max"):
            if key in m:
                problems.append(f"{path}: give either spec or min/max, not both")
    else:
        raw_lo, raw_hi = m.get("min"), m.get("max")
        lo = float(raw_lo) if isinstance(raw_lo, int | float) and _number(raw_lo) else None
        hi = float(raw_hi) if isinstance(raw_hi, int | float) and _number(raw_hi) else None
        if lo is None or hi is None:
            problems.append(f"{path}: needs spec, or min and max numbers")
        elif lo > hi:
            problems.append(f"{path}: min must not exceed max")
        unit, source = m.get("unit"), m.get("source")
        if not isinstance(unit, str) or not unit:
            problems.append(f"{path}.unit: needed with min/max")
        if not isinstance(source, str) or not source:
            problems.append(f"{path}.source: say where min/max come from")
        out.update(
            min=lo,
            max=hi,
            unit=unit or "",
            source=source or "",
        )
    return out


def _photo(p: Any, path: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(p, Mapping):
        problems.append(f"{path}: needs a table")
        return {}
    required = p.get("required", False)
    if not isinstance(required, bool):
        problems.append(f"{path}.required: true or false")
    return {
        "code": _code(p.get("code"), f"{path}.code", problems),
        "label": _text(p.get("label"), f"{path}.label", problems),
        "required": bool(required),
    }


def _unique(items: list[dict[str, Any]], path: str, problems: list[str]) -> None:
    codes = [str(i["code"]) for i in items if i.get("code")]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        problems.append(f"{path}: codes used twice: {', '.join(dupes)}")


def _step(s: Any, path: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(s, Mapping):
        problems.append(f"{path}: needs a table")
        return {}
    hold = s.get("hold_point", False)
    if not isinstance(hold, bool):
        problems.append(f"{path}.hold_point: true or false")
    raw_m, raw_p = s.get("measurements", []), s.get("photos", [])
    if not isinstance(raw_m, list) or not isinstance(raw_p, list):
        problems.append(f"{path}: measurements and photos must be lists")
        raw_m, raw_p = [], []
    measurements = [
        _measurement(m, f"{path}.measurements[{i}]", problems) for i, m in enumerate(raw_m)
    ]
    photos = [_photo(p, f"{path}.photos[{i}]", problems) for i, p in enumerate(raw_p)]
    _unique(measurements, f"{path}.measurements", problems)
    _unique(photos, f"{path}.photos", problems)
    role = _role(s.get("sign_off_role"), f"{path}.sign_off_role", problems)
    if hold is True and not role:
        problems.append(f"{path}: a hold point needs a sign_off_role")
    return {
        "code": _code(s.get("code"), f"{path}.code", problems),
        "text": _text(s.get("text"), f"{path}.text", problems),
        "hold_point": hold is True,
        "sign_off_role": role,
        "measurements": measurements,
        "photos": photos,
    }


def validate_content(data: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised content, or :class:`ContentError` listing every problem."""
    problems: list[str] = []
    code = data.get("code")
    if code not in Process.values:
        problems.append(f"code: {code!r} is not one of the 12 process codes")
    content: dict[str, Any] = {"code": code}
    for key in ("name", "purpose", "scope"):
        content[key] = _text(data.get(key), key, problems)
    for key in TEXT_LISTS:
        items = data.get(key, [])
        if not isinstance(items, list):
            problems.append(f"{key}: needs a list of texts")
            items = []
        content[key] = [_text(t, f"{key}[{i}]", problems) for i, t in enumerate(items)]
    if not content["safety"]:
        problems.append("safety: at least one safety note")
    refs = data.get("references", [])
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        problems.append("references: a list of texts")
        refs = []
    content["references"] = list(refs)
    context = data.get("context", [])
    if not isinstance(context, list) or set(context) - set(CONTEXT_KEYS):
        problems.append(f"context: only keys of {CONTEXT_KEYS}")
        context = []
    content["context"] = list(context)
    content["sign_off_role"] = _role(data.get("sign_off_role"), "sign_off_role", problems)
    if not content["sign_off_role"]:
        problems.append("sign_off_role: who signs off the whole run")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append("steps: at least one step")
        steps = []
    content["steps"] = [_step(s, f"steps[{i}]", problems) for i, s in enumerate(steps)]
    _unique(content["steps"], "steps", problems)
    if steps and not any(s.get("hold_point") for s in content["steps"]):
        problems.append("steps: at least one hold point")
    unknown = set(data) - {
        "code", "name", "purpose", "scope", "references", "context", "sign_off_role", "steps",
        *TEXT_LISTS,
    }  # fmt: skip
    if unknown:
        problems.append(f"unknown keys: {', '.join(sorted(unknown))}")
    if problems:
        raise ContentError(problems)
    return content


def summary(content: Mapping[str, Any]) -> dict[str, int]:
    """Counts shown in lists: steps, hold points, measurements, photos."""
    steps = content.get("steps", [])
    return {
        "steps": len(steps),
        "hold_points": sum(1 for s in steps if s.get("hold_point")),
        "measurements": sum(len(s.get("measurements", [])) for s in steps),
        "photos": sum(len(s.get("photos", [])) for s in steps),
    }


def text_in(value: Any, language: str) -> str:
    """A bilingual text in ``language`` (``zh-hans`` for any Chinese), falling back to the
    other language."""
    if not isinstance(value, Mapping):
        return str(value or "")
    lang = "zh-hans" if str(language).lower().startswith("zh") else "en"
    return str(value.get(lang) or value.get("en") or value.get("zh-hans") or "")
