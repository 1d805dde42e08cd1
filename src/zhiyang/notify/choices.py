"""Choices of the notify app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}


class ChannelKind(models.TextChoices):
    """Where a message goes. ``inbox``, ``email`` and ``sms`` reach one person; the robots and
    the webhook reach a group (one message per event and channel)."""

    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")
    WEBHOOK = "webhook", _("Signed webhook")


#: Channels that reach one person (the rest reach a group).
PERSONAL = frozenset({ChannelKind.INBOX, ChannelKind.EMAIL, ChannelKind.SMS})


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DIGEST = "digest", _("In the daily digest")
    DIGESTED = "digested", _("Sent in a digest")
