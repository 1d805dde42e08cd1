from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QcConfig(AppConfig):
    name = "zhiyang.qc"
    label = "qc"
    verbose_name = _("Paving quality control")
