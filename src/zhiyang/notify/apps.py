from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "zhiyang.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from zhiyang.core.signals import worker_started
        from zhiyang.notify import delivery

        # A worker that starts (again, after a crash) sends what a dead worker left behind.
        worker_started.connect(delivery.on_worker_started, dispatch_uid="notify-recover")
