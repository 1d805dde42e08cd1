"""What every channel adapter shares: the rendered message, settings fields, HTTP posting."""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HTTP_TIMEOUT_S = 10.0
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Rendered:
    """One message in one language, ready for a channel."""

    title: str
    body: str
    url: str
    severity: str
    severity_label: str
    kind: str
    kind_label: str
    event_id: int
    delivery_id: int
    language: str
    created_at: str
    #: The message in every site language (robots that show several, Feishu's post).
    titles: Mapping[str, str] = field(default_factory=dict)
    bodies: Mapping[str, str] = field(default_factory=dict)
    severity_labels: Mapping[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Plain text: ``[severity] title``, the message, the link."""
        lines = [f"[{self.severity_label}] {self.title}"]
        if self.body and self.body != self.title:
            lines.append(self.body)
        if self.url:
            lines.append(self.url)
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"**[{self.severity_label}] {self.title}**", ""]
        if self.body and self.body != self.title:
            lines += [self.body, ""]
        if self.url:
            label = _("Open in Zhiyang")
            lines.append(f"[{label}]({self.url})")
        return "\n".join(lines).strip()


class SendError(Exception):
    """A message that did not go: ``permanent`` ones are not retried (bad settings)."""

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after_s: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Field:
    """One setting of a channel: shown on the form; ``secret`` ones are encrypted and never
    shown back."""

    name: str
    label: Any
    kind: str = "text"  # text, url, int, bool, email, choice
    secret: bool = False
    required: bool = False
    help: Any = ""
    default: Any = None
    choices: tuple[tuple[str, Any], ...] = ()


class Adapter:
    """Base of the channel adapters."""

    kind: str = ""
    fields: tuple[Field, ...] = ()

    def validate(self, config: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        """Errors by field name (empty when the settings are usable)."""
        errors: dict[str, str] = {}
        for f in self.fields:
            value = (secrets if f.secret else config).get(f.name)
            if f.required and value in (None, ""):
                errors[f.name] = _("This setting is required.")
            elif f.kind == "url" and value:
                problem = url_problem(str(value))
                if problem:
                    errors[f.name] = problem
        return errors

    def send(
        self,
        message: Rendered,
        *,
        config: Mapping[str, Any],
        secrets: Mapping[str, Any],
        address: str,
    ) -> str:
        raise NotImplementedError


def url_problem(value: str) -> str:
    """Why ``value`` is not a usable http(s) URL ('' if it is)."""
    try:
        parts = urllib.parse.urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return _("Enter a valid URL.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Enter a URL starting with https:// (or http://) and a host name.")
    if port == 0:
        return _("Enter a valid URL.")
    if any(ch.isspace() for ch in value.strip()):
        return _("A URL cannot contain spaces.")
    return ""


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def post_json(
    url: str, payload: Any, *, headers: Mapping[str, str] | None = None
) -> tuple[int, Any]:
    """POST ``payload`` as UTF-8 JSON; returns (status, parsed JSON or text).

    Network errors and 5xx/429 answers raise a retryable ``SendError``; other 4xx answers a
    permanent one (the channel's settings are wrong).
    """
    body = json.dumps(payload, ensure_ascii=False).encode()
    return post_bytes(url, body, headers=headers)


def post_bytes(
    url: str, body: bytes, *, headers: Mapping[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - scheme checked by url_problem
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:  # noqa: S310
            status = response.status
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        status = exc.code
        retry = exc.headers.get("Retry-After") if exc.headers else None
        if status == 429 or status >= 500:
            raise SendError(
                _("The server answered HTTP %(status)s.") % {"status": status},
                retry_after_s=_seconds(retry),
            ) from exc
        raise SendError(
            _("The server refused the message: HTTP %(status)s.") % {"status": status},
            permanent=True,
        ) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(_("Could not reach the server: %(reason)s") % {"reason": reason}) from exc
    text = raw.decode("utf-8", errors="replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def summary(answer: Any) -> str:
    """A short text of a server's answer for the delivery log."""
    text = json.dumps(answer, ensure_ascii=False) if not isinstance(answer, str) else answer
    return text[:200]


def url_field(help_text: Any) -> Field:
    return Field(
        "url",
        gettext_lazy("Webhook address"),
        kind="url",
        secret=True,
        required=True,
        help=help_text,
    )
