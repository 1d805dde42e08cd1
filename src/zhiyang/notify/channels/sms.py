"""SMS through a gateway: one interface (``SmsGateway``), the provider chosen by the setting
``ZHIYANG_SMS_PROVIDER`` (docs/configuration.md). Shipped: Alibaba Cloud SMS (阿里云短信).

Alibaba Cloud's SendSms (API version 2017-05-25, RPC style, help.aliyun.com document 56189
"HTTP协议及签名" and 419273 "SendSms"): the request's parameters (common ones: AccessKeyId,
Action=SendSms, Format=JSON, RegionId, SignatureMethod=HMAC-SHA1, SignatureNonce,
SignatureVersion=1.0, Timestamp in UTC ISO 8601, Version; the call's: PhoneNumbers,
SignName, TemplateCode, TemplateParam as JSON) are sorted and percent-encoded (RFC 3986:
space as %20, ``*`` as %2A, ``~`` kept); the string to sign is
``POST&%2F&`` + percent-encode(that query); ``Signature`` = base64(HMAC-SHA1(key=secret + "&")).
The answer is JSON with ``Code`` "OK" when accepted. An SMS must use a template approved by
the provider; the message goes into one of its variables (``template_param``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse
import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.notify.channels.base import (
    Adapter,
    Field,
    Rendered,
    SendError,
    post_bytes,
    summary,
)

SMS_MAX_CHARS = 60  # what fits a template variable of the common providers


class SmsGateway(Protocol):
    """An SMS provider: send ``text`` to one phone number or raise ``SendError``."""

    fields: tuple[Field, ...]

    def send(
        self, phone: str, text: str, *, config: Mapping[str, Any], secrets: Mapping[str, Any]
    ) -> str: ...


def percent_encode(value: str) -> str:
    return urllib.parse.quote(value, safe="~")


def aliyun_signature(params: Mapping[str, str], secret: str, method: str = "POST") -> str:
    query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    fields: tuple[Field, ...] = (
        Field(
            "endpoint",
            gettext_lazy("Gateway address"),
            kind="url",
            default="https://dysmsapi.aliyuncs.com/",
        ),
        Field("region", gettext_lazy("Region"), default="cn-hangzhou"),
        Field("access_key_id", gettext_lazy("AccessKey ID"), secret=True, required=True),
        Field("access_key_secret", gettext_lazy("AccessKey secret"), secret=True, required=True),
        Field("sign_name", gettext_lazy("Signature name (短信签名)"), required=True),
        Field("template_code", gettext_lazy("Template code (模板CODE)"), required=True),
        Field("template_param", gettext_lazy("Template variable"), default="content"),
    )

    def params(
        self, phone: str, text: str, *, config: Mapping[str, Any], secrets: Mapping[str, Any]
    ) -> dict[str, str]:
        variable = str(config.get("template_param") or "content")
        params = {
            "AccessKeyId": str(secrets["access_key_id"]),
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": str(config.get("region") or "cn-hangzhou"),
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": phone,
            "SignName": str(config["sign_name"]),
            "TemplateCode": str(config["template_code"]),
            "TemplateParam": json.dumps({variable: text[:SMS_MAX_CHARS]}, ensure_ascii=False),
        }
        params["Signature"] = aliyun_signature(params, str(secrets["access_key_secret"]))
        return params

    def send(
        self, phone: str, text: str, *, config: Mapping[str, Any], secrets: Mapping[str, Any]
    ) -> str:
        params = self.params(phone, text, config=config, secrets=secrets)
        body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode()
        endpoint = str(config.get("endpoint") or "https://dysmsapi.aliyuncs.com/")
        _status, answer = post_bytes(
            endpoint, body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        if isinstance(answer, dict) and answer.get("Code") == "OK":
            return summary(answer)
        code = answer.get("Code") if isinstance(answer, dict) else None
        reason = _("The SMS gateway refused the message: %(answer)s") % {"answer": summary(answer)}
        if code in ("isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "isp.SYSTEM_ERROR"):
            raise SendError(reason, retry_after_s=60)
        raise SendError(reason, permanent=True)


PROVIDERS: dict[str, SmsGateway] = {"aliyun": AliyunSms()}


def gateway() -> SmsGateway:
    name = getattr(settings, "NOTIFY_SMS_PROVIDER", "aliyun")
    try:
        return PROVIDERS[name]
    except KeyError:
        raise SendError(
            _("Unknown SMS provider %(name)s (ZHIYANG_SMS_PROVIDER).") % {"name": name},
            permanent=True,
        ) from None


class SmsAdapter(Adapter):
    """The SMS channel: the configured provider's settings and sending."""

    kind = "sms"

    @property
    def fields(self) -> tuple[Field, ...]:  # type: ignore[override]
        return PROVIDERS.get(getattr(settings, "NOTIFY_SMS_PROVIDER", "aliyun"), AliyunSms()).fields

    def send(
        self,
        message: Rendered,
        *,
        config: Mapping[str, Any],
        secrets: Mapping[str, Any],
        address: str,
    ) -> str:
        text = f"[{message.severity_label}] {message.title}"
        return gateway().send(address, text, config=config, secrets=secrets)
