"""Configuration read from the environment (see docs/configuration.md).

Everything a deployment changes lives in ``ZHIYANG_*`` variables; nothing secret is kept in
the repository. The secret key is generated on first run and stored in the data directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; accepts 1/0, true/false, yes/no, on/off."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """The data directory: ZHIYANG_DATA_DIR, else $XDG_DATA_HOME/zhiyang (~/.local/share)."""
    explicit = os.environ.get("ZHIYANG_DATA_DIR")
    if explicit:
        path = Path(explicit).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "zhiyang"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def secret_key(directory: Path) -> str:
    """ZHIYANG_SECRET_KEY, else a key generated once and kept in ``directory/secret_key``."""
    explicit = os.environ.get("ZHIYANG_SECRET_KEY")
    if explicit:
        return explicit
    key_file = directory / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting together cannot both write a different key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


def env_str(name: str, default: str) -> str:
    """Read a string variable (empty counts as set)."""
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    """Read an integer variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not an integer") from None
