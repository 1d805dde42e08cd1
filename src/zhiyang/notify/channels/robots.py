"""Group robots of WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书): their documented JSON
payloads and signatures.

- WeCom group robot (群机器人), developer.work.weixin.qq.com/document/path/91770: POST JSON to
  the robot's webhook ``.../cgi-bin/webhook/send?key=KEY``; ``{"msgtype": "markdown",
  "markdown": {"content": ...}}`` (content at most 4096 bytes); answer ``{"errcode": 0}``;
  at most 20 messages a minute per robot (errcode 45009 past that). No signature: the key
  in the URL is the secret.
- DingTalk custom robot (自定义机器人), open.dingtalk.com/document/robots/custom-robot-access
  and its security settings (加签): ``timestamp`` = now in milliseconds, ``sign`` =
  urlencode(base64(HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret))), both added to
  the webhook's query; ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}``;
  answer ``{"errcode": 0, "errmsg": "ok"}``; 20 messages a minute per robot, or it is
  throttled for 10 minutes (errcode 130101); 310000 is a failed signature or keyword.
- Feishu custom bot (自定义机器人), open.feishu.cn/document/client-docs/bot-v3/add-custom-bot:
  POST JSON to ``.../open-apis/bot/v2/hook/ID``; with signature verification (签名校验) the
  body carries ``timestamp`` (seconds, within an hour of Feishu's clock) and ``sign`` =
  base64(HMAC-SHA256(key=timestamp + "\\n" + secret, msg=b"")); a ``post`` message holds a
  title and paragraphs per language (``zh_cn``, ``en_us``); answer ``{"code": 0}``, 19021
  for a bad signature; 100 messages a minute and 5 a second per bot.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.notify.channels.base import (
    Adapter,
    Field,
    Rendered,
    SendError,
    post_json,
    summary,
    url_field,
)
from zhiyang.notify.choices import ChannelKind

WECOM_MAX_BYTES = 4096
LANGUAGE_FIELD = Field(
    "language",
    gettext_lazy("Language of messages"),
    kind="choice",
    default="",
    choices=(
        ("", gettext_lazy("The site's language")),
        ("zh-hans", gettext_lazy("Simplified Chinese")),
        ("en", gettext_lazy("English")),
    ),
)


def _clip_bytes(text: str, limit: int) -> str:
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode("utf-8", errors="ignore") + "..."


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 HMAC-SHA256 of ``timestamp\\nsecret`` keyed by the secret
    (not yet URL-encoded)."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's 签名校验: base64 HMAC-SHA256 keyed by ``timestamp\\nsecret`` over nothing."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _with_query(url: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k not in params] + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _check_errcode(answer: Any, *, throttled: tuple[int, ...]) -> str:
    """WeCom's and DingTalk's answer: errcode 0 is sent; -1 (busy) and throttling are worth
    retrying; any other code means the settings are wrong (bad key, signature, keyword)."""
    if not isinstance(answer, dict) or "errcode" not in answer:
        # A 2xx without the platform's errcode (a proxy, a relay): it took the message, and
        # sending it again could only duplicate it.
        return _("accepted (no errcode in the answer): %(answer)s") % {"answer": summary(answer)}
    code = answer.get("errcode")
    if code == 0:
        return summary(answer)
    reason = _("The robot refused the message: %(answer)s") % {"answer": summary(answer)}
    if code in throttled:
        raise SendError(reason, retry_after_s=60)
    raise SendError(reason, permanent=code != -1)


class WeComAdapter(Adapter):
    kind = ChannelKind.WECOM
    fields = (
        url_field(
            gettext_lazy(
                "The robot's webhook, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
            )
        ),
        LANGUAGE_FIELD,
    )

    def payload(self, message: Rendered) -> dict[str, Any]:
        return {
            "msgtype": "markdown",
            "markdown": {"content": _clip_bytes(message.markdown(), WECOM_MAX_BYTES)},
        }

    def send(
        self,
        message: Rendered,
        *,
        config: Mapping[str, Any],
        secrets: Mapping[str, Any],
        address: str,
    ) -> str:
        _status, answer = post_json(str(secrets["url"]), self.payload(message))
        return _check_errcode(answer, throttled=(45009,))


class DingTalkAdapter(Adapter):
    kind = ChannelKind.DINGTALK
    fields = (
        url_field(
            gettext_lazy("The robot's webhook, https://oapi.dingtalk.com/robot/send?access_token=…")
        ),
        Field(
            "secret",
            gettext_lazy("Signing secret (加签)"),
            secret=True,
            help=gettext_lazy("The SEC… secret of the robot's security settings, if it signs."),
        ),
        LANGUAGE_FIELD,
    )

    def payload(self, message: Rendered) -> dict[str, Any]:
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title[:100], "text": message.markdown()},
        }

    def signed_url(self, url: str, secret: str, now_ms: int | None = None) -> str:
        if not secret:
            return url
        timestamp = int(time.time() * 1000) if now_ms is None else now_ms
        return _with_query(url, timestamp=str(timestamp), sign=dingtalk_sign(secret, timestamp))

    def send(
        self,
        message: Rendered,
        *,
        config: Mapping[str, Any],
        secrets: Mapping[str, Any],
        address: str,
    ) -> str:
        url = self.signed_url(str(secrets["url"]), str(secrets.get("secret") or ""))
        _status, answer = post_json(url, self.payload(message))
        return _check_errcode(answer, throttled=(130101,))


class FeishuAdapter(Adapter):
    kind = ChannelKind.FEISHU
    fields = (
        url_field(
            gettext_lazy("The bot's webhook, https://open.feishu.cn/open-apis/bot/v2/hook/…")
        ),
        Field(
            "secret",
            gettext_lazy("Signing secret (签名校验)"),
            secret=True,
            help=gettext_lazy("The secret of the bot's signature verification, if it signs."),
        ),
    )

    def payload(
        self, message: Rendered, secret: str = "", now_s: int | None = None
    ) -> dict[str, Any]:
        posts: dict[str, Any] = {}
        for code, locale in (("zh-hans", "zh_cn"), ("en", "en_us")):
            title = message.titles.get(code) or message.title
            body = message.bodies.get(code) or message.body
            content: list[list[dict[str, str]]] = [[{"tag": "text", "text": body}]]
            if message.url:
                label = "在智养中打开" if code == "zh-hans" else "Open in Zhiyang"
                content.append([{"tag": "a", "text": label, "href": message.url}])
            severity = message.severity_labels.get(code) or message.severity_label
            posts[locale] = {"title": f"[{severity}] {title}", "content": content}
        payload: dict[str, Any] = {"msg_type": "post", "content": {"post": posts}}
        if secret:
            timestamp = int(time.time()) if now_s is None else now_s
            payload = {
                "timestamp": str(timestamp),
                "sign": feishu_sign(secret, timestamp),
            } | payload
        return payload

    def send(
        self,
        message: Rendered,
        *,
        config: Mapping[str, Any],
        secrets: Mapping[str, Any],
        address: str,
    ) -> str:
        payload = self.payload(message, str(secrets.get("secret") or ""))
        _status, answer = post_json(str(secrets["url"]), payload)
        code = answer.get("code", answer.get("StatusCode")) if isinstance(answer, dict) else None
        if code is None:
            return _("accepted (no code in the answer): %(answer)s") % {"answer": summary(answer)}
        if code == 0:
            return summary(answer)
        reason = _("The robot refused the message: %(answer)s") % {"answer": summary(answer)}
        if code in (9499, 11232, 99991400):
            raise SendError(reason, retry_after_s=60)
        raise SendError(reason, permanent=True)
