from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "zhiyang.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        # People depends on safety (check-ins are at work zones), never the other way round:
        # the expiring certificates reach the safety dashboard through its slot.
        from zhiyang.people.panels import certificate_panel
        from zhiyang.safety import panels

        panels.register("certificates", certificate_panel)
