"""Encryption at rest (Fernet) and keyed hashes for looking encrypted values up.

Personal data such as a worker's ID number (身份证号) and credentials such as a telematics
provider's auth header must not sit readable in the database or in a backup of it.
``EncryptedCharField`` keeps the plain value in Python and a Fernet token in the column;
because a Fernet token is different every time, equality lookups use a separate column
holding ``keyed_hash(value)`` (HMAC-SHA256 with a key derived from the field key), which is
what uniqueness and search compare.

The key comes from ``ZHIYANG_FIELD_KEY`` (one or more comma-separated Fernet keys: the first
encrypts and hashes, all decrypt, so keys can be rotated) or is generated once into
``<data dir>/field_key``, like the secret key (zhiyang/conf.py). Losing the key loses the
encrypted values: back the data directory up with the database.

Used by people (``Worker.id_number``) and fleet (``TelematicsSource`` auth values).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

KEY_ENV = "ZHIYANG_FIELD_KEY"
KEY_FILE = "field_key"
# Fernet tokens are URL-safe base64 starting with the version byte 0x80.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - a format marker, not a secret
# What an encrypted field shows in serialisations (the audit trail, dumpdata).
REDACTED = "***"


def _key_file(directory: Path) -> Path:
    key_file = directory / KEY_FILE
    if not key_file.exists():
        # O_EXCL: two processes starting together cannot both write a different key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
    return key_file


@cache
def field_keys() -> tuple[bytes, ...]:
    """The Fernet keys, newest first (from the environment, else the data directory)."""
    raw = os.environ.get(KEY_ENV, "").strip()
    if raw:
        keys = tuple(k.strip().encode() for k in raw.split(",") if k.strip())
    else:
        keys = (_key_file(Path(settings.DATA_DIR)).read_bytes().strip(),)
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"{KEY_ENV} must hold Fernet keys (32 url-safe base64-encoded bytes)"
            ) from exc
    return keys


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in field_keys()])


class SecretUnreadable(Exception):
    """A stored token cannot be decrypted with the configured keys (lost or wrong key)."""


def encrypt(value: str) -> str:
    """The Fernet token of ``value`` ('' stays '')."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of a token ('' stays ''); ``SecretUnreadable`` for a wrong key or token."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable from exc


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` (hex) under a key derived from the newest field key.

    Deterministic, so it can be indexed and compared; keyed, so the short space of ID
    numbers cannot be enumerated from a stolen database without the key.
    """
    hash_key = hmac.new(field_keys()[0], b"zhiyang-field-hash-v1", hashlib.sha256).digest()
    return hmac.new(hash_key, value.encode(), hashlib.sha256).hexdigest()


def reset_key_cache() -> None:
    """Forget the cached keys (tests that change ``ZHIYANG_FIELD_KEY``)."""
    field_keys.cache_clear()


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """A short text encrypted at rest. Plain in Python, a Fernet token in the database.

    Not searchable: pair it with a hash column (see ``keyed_hash``). Serialisations
    (``audit.snapshot``, ``dumpdata``) show ``***`` instead of the value.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except SecretUnreadable:
            # A value from before encryption, or a key that was lost: never crash a page.
            return value if not value.startswith(TOKEN_PREFIX) else ""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        return REDACTED if self.value_from_object(obj) else ""
