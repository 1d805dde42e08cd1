"""E-mail through Django's mail with SMTP: the organisation's own server, or the site's
(``ZHIYANG_EMAIL_*``, docs/configuration.md) when the organisation has none."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.notify.channels.base import HTTP_TIMEOUT_S, Adapter, Field, Rendered, SendError


class EmailAdapter(Adapter):
    kind = "email"
    fields = (
        Field("host", gettext_lazy("SMTP server"), required=True),
        Field("port", gettext_lazy("SMTP port"), kind="int", default=465),
        Field(
            "security",
            gettext_lazy("Encryption"),
            kind="choice",
            default="ssl",
            choices=(
                ("ssl", gettext_lazy("SSL/TLS (port 465)")),
                ("starttls", gettext_lazy("STARTTLS (port 587)")),
                ("none", gettext_lazy("None (a relay on the local network)")),
            ),
        ),
        Field("username", gettext_lazy("User name")),
        Field("password", gettext_lazy("Password"), secret=True),
        Field("from_email", gettext_lazy("Sender address"), kind="email", required=True),
    )

    def validate(self, config: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        errors = super().validate(config, secrets)
        host = str(config.get("host") or "")
        if host and (any(c.isspace() for c in host) or "/" in host or ":" in host):
            errors["host"] = _("Enter a host name or address only, without a port or scheme.")
        try:
            port = int(config.get("port") or 0)
        except (TypeError, ValueError):
            port = -1
        if not 1 <= port <= 65535:
            errors["port"] = _("Enter a port between 1 and 65535.")
        if config.get("security") not in ("ssl", "starttls", "none"):
            errors["security"] = _("Choose how the connection is encrypted.")
        sender = str(config.get("from_email") or "")
        if sender:
            try:
                validate_email(sender)
            except ValidationError:
                errors["from_email"] = _("Enter a valid e-mail address.")
        if config.get("username") and not secrets.get("password"):
            errors["password"] = _("A user name needs its password.")
        return errors

    def connection(self, config: Mapping[str, Any], secrets: Mapping[str, Any]) -> Any:
        if not config:  # the site's own mail settings
            return get_connection(timeout=HTTP_TIMEOUT_S)
        security = config.get("security", "ssl")
        return get_connection(
            backend="django.core.mail.backends.smtp.EmailBackend",
            host=config["host"],
            port=int(config.get("port") or 465),
            username=config.get("username") or "",
            password=secrets.get("password") or "",
            use_ssl=security == "ssl",
            use_tls=security == "starttls",
            timeout=HTTP_TIMEOUT_S,
        )

    def send(
        self,
        message: Rendered,
        *,
        config: Mapping[str, Any],
        secrets: Mapping[str, Any],
        address: str,
    ) -> str:
        sender = (config or {}).get("from_email") or settings.DEFAULT_FROM_EMAIL
        mail = EmailMessage(
            subject=f"[{message.severity_label}] {message.title}"[:200],
            body=message.text(),
            from_email=sender,
            to=[address],
            headers={"X-Zhiyang-Delivery": str(message.delivery_id)},
            connection=self.connection(config, secrets),
        )
        try:
            mail.send(fail_silently=False)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise SendError(
                _("The mail server refused the address: %(e)s") % {"e": exc}, permanent=True
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(_("The mail server refused the login."), permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(_("Could not send the e-mail: %(e)s") % {"e": exc}) from exc
        return _("accepted by the mail server")
