"""Forms of the device pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import restrict
from zhiyang.fleet.models import Equipment
from zhiyang.telemetry import schema
from zhiyang.telemetry.models import DEVICE_CODE_RE


class DeviceForm(forms.Form):
    code = forms.RegexField(
        label=_("device code"),
        regex=DEVICE_CODE_RE,
        max_length=64,
        help_text=_("Also the MQTT user name and part of the device's topic."),
        error_messages={"invalid": _("Letters, digits, '.', '_' and '-' only.")},
    )
    equipment = forms.ModelChoiceField(label=_("machine"), queryset=Equipment.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        machines = restrict(Equipment.objects.all(), user, "change").filter(
            equipment_type__in=list(schema.EQUIPMENT_TYPES)
        )
        self.fields["equipment"].queryset = machines.order_by("code")  # type: ignore[attr-defined]
