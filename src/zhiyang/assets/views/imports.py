"""Import assets from a file (validated first, all or nothing) and export them again."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from zhiyang.assets.filters import AssetFilter
from zhiyang.assets.models import Asset
from zhiyang.assets.services import imports
from zhiyang.assets.views.base import AssetsPage
from zhiyang.core.pages import PageView
from zhiyang.network.importexport.common import ImportValidationError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(".xlsx, .geojson, a zipped Shapefile (.zip) or a GeoPackage (.gpkg)"),
    )
    dry_run = forms.BooleanField(label=_("Only check the file"), required=False)


class AssetImport(AssetsPage, PageView):
    model = Asset
    template_name = "assets/import.html"
    title = _("Import and export assets")
    intro = _(
        "Every row is checked first; a file with any error imports nothing and lists the "
        "errors by row and column. A row with the code of an asset updates it."
    )
    tab = "import"
    http_method_names = ["get", "head", "post"]  # type: ignore[misc]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        export = request.GET.get("export")
        if export in ("xlsx", "geojson"):
            rows = AssetFilter(
                request.GET, queryset=self.restricted().select_related("asset_type", "route")
            ).qs
            if export == "xlsx":
                response = HttpResponse(imports.export_xlsx(rows), content_type=XLSX)
                response["Content-Disposition"] = 'attachment; filename="assets.xlsx"'
                return response
            body = json.dumps(imports.export_geojson(rows), ensure_ascii=False)
            response = HttpResponse(body, content_type="application/geo+json")
            response["Content-Disposition"] = 'attachment; filename="assets.geojson"'
            return response
        return self._page(ImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("add")
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form, status=400)
        upload = form.cleaned_data["file"]
        try:
            result = imports.import_assets(
                actor=self.actor,
                data=upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportValidationError as exc:
            return self._page(form, errors=exc.errors, message=exc.message(), status=400)
        return self._page(ImportForm(), result=result)

    def _page(self, form: Any, status: int = 200, **extra: Any) -> HttpResponse:
        context = {
            **self.page_context(),
            "form": form,
            "may_import": self.may("add"),
            "columns": [*imports.COLUMNS, "attr_<name>", "attributes"],
            **extra,
        }
        return self.render(context, status=status)
