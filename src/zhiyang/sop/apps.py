from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SopConfig(AppConfig):
    name = "zhiyang.sop"
    label = "sop"
    verbose_name = _("Work instructions")

    def ready(self) -> None:
        from zhiyang.sop import guards
        from zhiyang.works.guards import register_close_guard

        register_close_guard(guards.failed_hold_points)
        # A fresh database gets the 12 packaged instructions (version 1, published).
        post_migrate.connect(guards.load_after_migrate, sender=self)
