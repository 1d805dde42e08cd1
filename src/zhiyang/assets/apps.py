from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "zhiyang.assets"
    label = "assets"
    verbose_name = _("Road assets")

    def ready(self) -> None:
        from zhiyang.notify.kinds import register_kind

        register_kind(
            "assets.structure_class",
            _("Structure in technical condition class 4 or 5"),
            roles=("engineer", "manager"),
        )
        register_kind(
            "assets.inspection_due", _("Structure inspection overdue"), roles=("engineer",)
        )
        post_migrate.connect(_sync_types, sender=self)
        # The condition rating takes SCI/BCI/TCI from the inventory (assets → condition).
        from zhiyang.assets.services.mqi import survey_inputs
        from zhiyang.condition.services.rating import register_unit_inputs

        register_unit_inputs(survey_inputs)


def _sync_types(**kwargs: object) -> None:
    """Keep the AssetType rows in step with the packaged catalogue after every migrate."""
    from zhiyang.assets.services.types import sync_asset_types
    from zhiyang.core.actors import SYSTEM

    sync_asset_types(actor=SYSTEM, audit_row=False)
