from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "zhiyang.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from zhiyang.contracts import hooks

        hooks.connect()
