"""Channel adapters: how a rendered message reaches e-mail, SMS, the robots and webhooks.

Each adapter declares its settings (``fields``: shown ones and secret ones), checks them
(``validate``, giving errors by field for the settings form) and sends (``send``, raising
``SendError`` with a reason, permanent or worth retrying). ``adapter_for(kind)`` finds one.
"""

from __future__ import annotations

from zhiyang.notify.channels.base import Adapter, Field, Rendered, SendError
from zhiyang.notify.channels.email import EmailAdapter
from zhiyang.notify.channels.robots import DingTalkAdapter, FeishuAdapter, WeComAdapter
from zhiyang.notify.channels.sms import SmsAdapter
from zhiyang.notify.channels.webhook import WebhookAdapter
from zhiyang.notify.choices import ChannelKind

ADAPTERS: dict[str, Adapter] = {
    ChannelKind.EMAIL: EmailAdapter(),
    ChannelKind.SMS: SmsAdapter(),
    ChannelKind.WECOM: WeComAdapter(),
    ChannelKind.DINGTALK: DingTalkAdapter(),
    ChannelKind.FEISHU: FeishuAdapter(),
    ChannelKind.WEBHOOK: WebhookAdapter(),
}


def adapter_for(kind: str) -> Adapter:
    return ADAPTERS[kind]


__all__ = ["ADAPTERS", "Adapter", "Field", "Rendered", "SendError", "adapter_for"]
