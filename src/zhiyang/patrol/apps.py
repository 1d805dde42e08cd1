from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "zhiyang.patrol"
    label = "patrol"
    verbose_name = _("Patrol")

    def ready(self) -> None:
        from zhiyang.notify.kinds import register_kind

        register_kind("patrol.task_new", _("Repair task assigned"), roles=("engineer",))
        register_kind(
            "patrol.task_escalated",
            _("Repair task overdue"),
            roles=("engineer", "manager"),
        )
