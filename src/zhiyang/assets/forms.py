"""Forms of the assets pages (single column on a phone; chainages typed as K12+345)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zhiyang.assets import catalogue
from zhiyang.assets.choices import InspectionKind, TechnicalClass
from zhiyang.assets.models import Asset, AssetType
from zhiyang.core.access import restrict
from zhiyang.network.models import Route
from zhiyang.safety.forms import ChainageInput


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssetForm(forms.ModelForm[Asset]):
    start_m = ChainageInput(label=gettext_lazy("Chainage (start)"))
    end_m = ChainageInput(
        label=gettext_lazy("End chainage"),
        required=False,
        help_text=gettext_lazy("K12+345; only for linear assets (guardrail, ditch, bridge…)"),
    )
    attributes = forms.CharField(
        label=gettext_lazy("Attributes (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy('As the type defines them, e.g. {"barrier": "w_beam"}'),
    )

    class Meta:
        model = Asset
        fields = [
            "code",
            "asset_type",
            "name",
            "route",
            "start_m",
            "end_m",
            "side",
            "offset_m",
            "attributes",
            "installed_on",
            "status",
            "note",
        ]
        widgets = {"installed_on": _date_widget(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = restrict(  # type: ignore[attr-defined]
            Route.objects.all(), user, "view"
        ).order_by("code")
        self.fields["asset_type"].queryset = AssetType.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )
        if self.instance.pk and not self.is_bound:
            self.initial["attributes"] = json.dumps(self.instance.attributes, ensure_ascii=False)

    def clean_attributes(self) -> Any:
        text = (self.cleaned_data.get("attributes") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValidationError(_("Not valid JSON.")) from exc
        if not isinstance(value, dict):
            raise ValidationError(_("Give the attributes as a JSON object {…}."))
        return value

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def damage_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Damage items grouped by index for a select: value ``sci:slope_collapse_heavy``."""
    english = (get_language() or "").startswith("en")
    groups: dict[str, list[tuple[str, str]]] = {"sci": [], "tci": []}
    units = {"m": _("m"), "m2": _("m²"), "each": _("count")}
    for (index, key), item in catalogue.damage_items().items():
        name = item.name_en if english else item.name_zh
        groups[index].append((f"{index}:{key}", f"{name} ({units[item.unit]})"))
    return [
        (str(_("Subgrade (SCI)")), groups["sci"]),
        (str(_("Roadside facilities (TCI)")), groups["tci"]),
    ]


class CaptureForm(forms.Form):
    """The phone capture of one inspection: the asset or the route and chainage, one damage
    item with its quantity and/or a structure's technical condition class."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)
    asset = forms.ModelChoiceField(
        label=gettext_lazy("Asset"),
        queryset=Asset.objects.none(),
        required=False,
        help_text=gettext_lazy("Leave empty for a finding on the road without an asset."),
    )
    route = forms.ModelChoiceField(
        label=gettext_lazy("Route"), queryset=Route.objects.none(), required=False
    )
    chainage_m = ChainageInput(label=gettext_lazy("Chainage"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Inspection kind"),
        choices=InspectionKind.choices,
        initial=InspectionKind.ROUTINE,
    )
    inspected_on = forms.DateField(label=gettext_lazy("Inspected on"), widget=_date_widget())
    damage = forms.ChoiceField(label=gettext_lazy("Damage found"), required=False)
    quantity = forms.FloatField(
        label=gettext_lazy("Quantity"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("In the unit shown with the damage (m, m² or count)."),
    )
    technical_class = forms.TypedChoiceField(
        label=gettext_lazy("Technical condition class (bridge, tunnel, culvert)"),
        choices=[("", "—"), *TechnicalClass.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = (  # type: ignore[attr-defined]
            restrict(Asset.objects.all(), user, "view")
            .select_related("asset_type", "route")
            .order_by("route__code", "start_m")
        )
        self.fields["route"].queryset = restrict(  # type: ignore[attr-defined]
            Route.objects.all(), user, "view"
        ).order_by("code")
        self.fields["damage"].choices = [("", "—"), *damage_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("asset") and not (data.get("route") and data.get("chainage_m") is not None):
            raise ValidationError(_("Choose the asset, or give the route and chainage."))
        if data.get("damage") and data.get("quantity") is None:
            self.add_error("quantity", _("Give the quantity of the damage."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        values: dict[str, Any] = {
            k: data[k] for k in ("kind", "inspected_on", "note") if data.get(k) not in (None, "")
        }
        if data.get("asset"):
            values["asset"] = data["asset"]
        if data.get("route"):
            values["route"] = data["route"]
        if data.get("chainage_m") is not None:
            values["chainage_m"] = data["chainage_m"]
        if data.get("technical_class"):
            values["technical_class"] = data["technical_class"]
        if data.get("client_uuid"):
            values["client_uuid"] = data["client_uuid"]
        damages = []
        if data.get("damage"):
            index, _sep, item = str(data["damage"]).partition(":")
            damages.append({"index": index, "item": item, "quantity": data["quantity"]})
        return {"data": values, "damages": damages}


def new_client_uuid() -> uuid.UUID:
    return uuid.uuid4()
