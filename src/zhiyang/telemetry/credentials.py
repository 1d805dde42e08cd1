"""Device tokens and their hashes: SHA-256 for the HTTP endpoint, Mosquitto's PBKDF2 form.

A token is ``secrets.token_urlsafe(32)`` (256 random bits), shown once. The database keeps
its SHA-256 (hex; a random 256-bit token needs no slow hash), its first characters (so people
can tell tokens apart) and the hash Mosquitto's password file wants, so the broker's files can
be written again from the database at any time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
HINT_CHARS = 6
#: What ``mosquitto_passwd`` (2.x) writes: PBKDF2-HMAC-SHA512, 101 iterations, 12-byte salt.
MOSQUITTO_ITERATIONS = 101
MOSQUITTO_SALT_BYTES = 12


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 of a token as 64 hex digits."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_hint(token: str) -> str:
    return token[:HINT_CHARS]


def mosquitto_hash(
    password: str, *, salt: bytes | None = None, iterations: int = MOSQUITTO_ITERATIONS
) -> str:
    """``$7$<iterations>$<base64 salt>$<base64 hash>``, as mosquitto_passwd writes it."""
    salt = salt if salt is not None else secrets.token_bytes(MOSQUITTO_SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_mosquitto_hash(password: str, encoded: str) -> bool:
    """Whether ``password`` matches a ``$7$`` hash (for tests and diagnostics)."""
    try:
        _, kind, iterations, salt, digest = encoded.split("$")
        if kind != "7":
            return False
        expected = hashlib.pbkdf2_hmac(
            "sha512", password.encode(), base64.b64decode(salt), int(iterations)
        )
        return hmac.compare_digest(expected, base64.b64decode(digest))
    except ValueError:
        return False


def check_token(token: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(token_hash(token), stored_hash)
