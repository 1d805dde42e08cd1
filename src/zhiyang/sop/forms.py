"""Forms of the sop pages. The checklist itself is built from the instruction's content
(``checklist_sections``), not a Django form: its fields depend on the version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyang.core.choices import Role
from zhiyang.core.validators import validate_printable
from zhiyang.sop import content as sop_content
from zhiyang.sop.choices import BaseType, BinderGrade, MixType, Product, Season
from zhiyang.sop.models import InstructionVersion
from zhiyang.sop.services import MeasurementSpec

#: Context keys: (label, choices or None for a number, unit).
CONTEXT_FIELDS: dict[str, tuple[Any, Any, str]] = {
    "binder_grade": (_("Binder"), BinderGrade.choices, ""),
    "season": (_("Season"), Season.choices, ""),
    "mix_type": (_("Mix type"), MixType.choices, ""),
    "base_type": (_("Surface sprayed"), BaseType.choices, ""),
    "product": (_("Product"), Product.choices, ""),
    "design_thickness_mm": (_("Design thickness"), None, "mm"),
    "thickness_tolerance_minus_mm": (_("Project tolerance below design"), None, "mm"),
    "thickness_tolerance_plus_mm": (_("Project tolerance above design"), None, "mm"),
}


def role_label(role: str) -> Any:
    """The translated name of a role code (blank stays blank)."""
    return Role(role).label if role in Role.values else role


def context_fields(
    version: InstructionVersion, values: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> list[dict[str, Any]]:
    """The run context inputs the version asks for, with values and errors."""
    rows = []
    for key in version.content.get("context", []):
        label, choices, unit = CONTEXT_FIELDS.get(key, (key, None, ""))
        value = values.get(key)
        rows.append(
            {
                "key": key,
                "name": f"ctx-{key}",
                "label": label,
                "choices": choices,
                "unit": unit,
                "value": "" if value is None else str(value),
                "errors": errors.get(f"ctx-{key}", []),
            }
        )
    return rows


def context_rows(context: Mapping[str, Any]) -> list[tuple[Any, Any]]:
    """(label, display value) of a run's context, for its page."""
    rows = []
    for key, value in context.items():
        label, choices, unit = CONTEXT_FIELDS.get(key, (key, None, ""))
        shown = dict(choices or []).get(value, value)
        if unit and value not in (None, ""):
            shown = f"{value} {unit}"
        rows.append((label, shown))
    return rows


def checklist_sections(
    *,
    version: InstructionVersion,
    ranges: Mapping[str, list[MeasurementSpec]],
    language: str,
    posted: Mapping[str, Any],
    errors: Mapping[str, list[str]],
) -> list[dict[str, Any]]:
    """One section per step: text, hold point, measurement inputs with their range, photo
    inputs, the done box and a note; values and errors of a posted form kept."""
    sections = []
    for n, step in enumerate(version.steps, 1):
        code = step["code"]
        prefix = f"step-{code}-"
        measurements = []
        for m in ranges.get(code, []):
            name = f"{prefix}m-{m.code}"
            measurements.append(
                {
                    "name": name,
                    "label": sop_content.text_in(m.label, language),
                    "unit": m.unit,
                    "min": m.min_value,
                    "max": m.max_value,
                    "range": m.range_label() if not m.error else "",
                    "source": m.source,
                    "confirmed": m.confirmed,
                    "error": m.error,
                    "value": posted.get(name, ""),
                    "errors": errors.get(name, []),
                }
            )
        photos = [
            {
                "name": f"{prefix}photo-{p['code']}",
                "label": sop_content.text_in(p["label"], language),
                "required": p["required"],
                "errors": errors.get(f"{prefix}photo-{p['code']}", []),
            }
            for p in step.get("photos", [])
        ]
        sections.append(
            {
                "number": n,
                "code": code,
                "text": sop_content.text_in(step["text"], language),
                "hold_point": step.get("hold_point", False),
                "sign_off_role": role_label(step.get("sign_off_role", "")),
                "measurements": measurements,
                "photos": photos,
                "done_name": f"{prefix}done",
                "done": str(posted.get(f"{prefix}done", "")).lower() in ("1", "on", "true"),
                "note_name": f"{prefix}note",
                "note": posted.get(f"{prefix}note", ""),
            }
        )
    return sections


class PublishForm(forms.Form):
    """A new version: the content as JSON or TOML (typed or uploaded) and a change note."""

    content = forms.CharField(
        label=_("Content (JSON or TOML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "sop-code"}),
    )
    upload = forms.FileField(label=_("…or upload a file (.toml or .json)"), required=False)
    note = forms.CharField(label=_("Change note"), max_length=500, validators=[validate_printable])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = cleaned.get("content") or ""
        upload = cleaned.get("upload")
        if upload:
            if upload.size > 512 * 1024:
                raise forms.ValidationError(_("The file is larger than 512 KB."))
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        if not text.strip():
            raise forms.ValidationError(_("Type the content or upload a file."))
        try:
            cleaned["data"] = sop_content.parse_text(text)
        except sop_content.ContentError as exc:
            raise forms.ValidationError(exc.problems) from exc
        return cleaned


class SignOffForm(forms.Form):
    step_code = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, validators=[validate_printable]
    )


class RaiseNcrForm(forms.Form):
    step_code = forms.CharField(max_length=40, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Non-conformance"),
        max_length=4000,
        validators=[validate_printable],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NcrStepForm(forms.Form):
    """Rectify (corrective action), approve or reject (review note)."""

    action = forms.ChoiceField(
        choices=[("rectify", "rectify"), ("approve", "approve"), ("reject", "reject")],
        widget=forms.HiddenInput,
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=4000,
        validators=[validate_printable],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
