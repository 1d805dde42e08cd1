from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConditionConfig(AppConfig):
    name = "zhiyang.condition"
    label = "condition"
    verbose_name = _("Condition assessment")
