"""Contracts: list, create/edit, detail (BOQ, periods, variations) and the BOQ import."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.contracts import services
from zhiyang.contracts.filters import ContractFilter
from zhiyang.contracts.forms import BoqImportForm, ContractForm, OpenPeriodForm
from zhiyang.contracts.models import BoqItem, Contract
from zhiyang.contracts.tables import BoqItemTable, ContractTable, PeriodTable, VariationTable
from zhiyang.contracts.views.base import ContractsPage
from zhiyang.core.access import restrict
from zhiyang.core.pages import Link, ObjectDetailView, ObjectEditView, ObjectListView, PageView
from zhiyang.network.importexport.common import ImportValidationError


class ContractList(ContractsPage, ObjectListView):
    model = Contract
    table_class = ContractTable
    filterset_class = ContractFilter
    title = gettext_lazy("Contracts")
    intro = gettext_lazy("Contracts, their bill of quantities and monthly measurement (计量支付).")
    tab = "contracts"
    actions = (
        Link.new(gettext_lazy("New contract"), "contracts:contract-create", "contracts.contract"),
    )


class ContractEdit(ContractsPage, ObjectEditView):
    model = Contract
    form_class = ContractForm
    tab = "contracts"
    create_title = gettext_lazy("New contract")
    edit_title = gettext_lazy("Edit contract")
    success_url_name = "contracts:contract-detail"

    def service_create(self, *, data: dict[str, Any]) -> Contract:
        return services.create_contract(actor=self.actor, data=data)

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> Contract:
        return services.update_contract(actor=self.actor, contract=obj, data=data)


class ContractDetail(ContractsPage, ObjectDetailView):
    model = Contract
    template_name = "contracts/contract_detail.html"
    tab = "contracts"
    actions = (
        Link(
            gettext_lazy("Edit"),
            "contracts:contract-edit",
            "contracts.contract",
            "change",
            for_object=True,
        ),
        Link(
            gettext_lazy("Import BOQ"),
            "contracts:boq-import",
            "contracts.boqitem",
            "add",
            for_object=True,
        ),
    )

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        request = self.request
        return {
            "contract": obj,
            "boq": BoqItemTable(
                restrict(obj.items.select_related("chapter"), self.actor), request=request
            ),
            "boq_total": sum((i.amount_yuan for i in obj.items.all()), 0),
            "periods": PeriodTable(restrict(obj.periods.all(), self.actor), request=request),
            "variations": VariationTable(
                restrict(obj.variations.all(), self.actor), request=request
            ),
            "open_form": OpenPeriodForm()
            if self.may("add", "contracts.measurementperiod")
            else None,
        }


class BoqImport(ContractsPage, PageView):
    """Upload the owner's workbook; errors by sheet, row and column; nothing written."""

    model = Contract
    resource = "contracts.boqitem"
    action = "add"
    template_name = "contracts/boq_import.html"
    title = gettext_lazy("Import BOQ")
    tab = "contracts"
    http_method_names: ClassVar[list[str]] = ["get", "head", "post"]  # type: ignore[misc]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contract = self.get_object("view")
        self.require("add")
        return self.render({**self.page_context(), "contract": contract, "form": BoqImportForm()})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contract = self.get_object("view")
        self.require("add")
        form = BoqImportForm(request.POST, request.FILES)
        errors: list[Any] = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = services.import_boq(
                    actor=self.actor,
                    contract=contract,
                    data=upload.read(),
                    filename=upload.name or "",
                )
            except ImportValidationError as exc:
                errors = exc.errors
                messages.error(request, exc.message())
            else:
                messages.success(
                    request,
                    _("Imported %(items)d items in %(chapters)d chapters, %(total)s yuan.")
                    % {
                        "items": summary.items,
                        "chapters": summary.chapters,
                        "total": f"{summary.total_yuan:,.2f}",
                    },
                )
                return redirect("contracts:contract-detail", pk=contract.pk)
        context = {**self.page_context(), "contract": contract, "form": form, "errors": errors}
        return self.render(context, status=400 if errors else 200)


__all__ = ["BoqImport", "BoqItem", "ContractDetail", "ContractEdit", "ContractList"]
