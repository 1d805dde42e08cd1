"""A generic signed webhook: the event as JSON, signed with HMAC-SHA256.

Headers: ``X-Zhiyang-Timestamp`` (Unix seconds), ``X-Zhiyang-Signature`` =
``sha256=`` + hex HMAC-SHA256(secret, timestamp + "." + raw body) and ``X-Zhiyang-Delivery``
(the delivery's id: the same for a retry, so a receiver can drop a repeat). A receiver checks
the signature over the raw body and refuses a timestamp older than five minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.notify.channels.base import Adapter, Field, Rendered, post_bytes, summary, url_field
from zhiyang.notify.choices import ChannelKind

MIN_SECRET_LENGTH = 16


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookAdapter(Adapter):
    kind = ChannelKind.WEBHOOK
    fields = (
        url_field(gettext_lazy("Where the events are posted (https://…).")),
        Field(
            "secret",
            gettext_lazy("Signing secret"),
            secret=True,
            required=True,
            help=gettext_lazy("At least 16 characters; the receiver checks the signature."),
        ),
    )

    def validate(self, config: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        errors = super().validate(config, secrets)
        secret = str(secrets.get("secret") or "")
        if secret and len(secret) < MIN_SECRET_LENGTH:
            errors["secret"] = _("The secret must be at least %(n)d characters long.") % {
                "n": MIN_SECRET_LENGTH
            }
        return errors

    def payload(self, message: Rendered) -> dict[str, Any]:
        return {
            "delivery": message.delivery_id,
            "event": message.event_id,
            "kind": message.kind,
            "severity": message.severity,
            "created_at": message.created_at,
            "url": message.url,
            "language": message.language,
            "title": dict(message.titles) or {message.language: message.title},
            "body": dict(message.bodies) or {message.language: message.body},
        }

    def send(
        self,
        message: Rendered,
        *,
        config: Mapping[str, Any],
        secrets: Mapping[str, Any],
        address: str,
    ) -> str:
        body = json.dumps(self.payload(message), ensure_ascii=False).encode()
        timestamp = int(time.time())
        headers = {
            "X-Zhiyang-Timestamp": str(timestamp),
            "X-Zhiyang-Signature": webhook_signature(str(secrets["secret"]), timestamp, body),
            "X-Zhiyang-Delivery": str(message.delivery_id),
        }
        status, answer = post_bytes(str(secrets["url"]), body, headers=headers)
        return f"HTTP {status} {summary(answer)}".strip()
