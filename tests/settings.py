"""Settings for the test suite: the real settings in a throwaway data directory.

Tests never touch a real data directory: each session gets its own (unless the caller set
ZHIYANG_DATA_DIR), each pytest-xdist worker a sub-directory of it (gw0, gw1, ...); static
files are served unhashed (no collectstatic needed) and passwords hash fast. Everything else,
database URL included, comes from the environment as in production, so the same suite runs
on SQLite and on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("ZHIYANG_DATA_DIR", tempfile.mkdtemp(prefix="zhiyang-test-"))
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest -n: each worker its own data directory (test database, media, lake, keys), set
    # in the environment so that the commands a test runs in a subprocess use it too.
    _worker_dir = os.path.join(os.environ["ZHIYANG_DATA_DIR"], _worker)
    os.makedirs(_worker_dir, exist_ok=True)
    os.environ["ZHIYANG_DATA_DIR"] = _worker_dir
os.environ.setdefault(
    "ZHIYANG_STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from zhiyang.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A database file rather than Django's shared in-memory database: the browser tests' live
    # server then serves each request on its own connection, as production does, instead of
    # sharing the test thread's one connection between request threads.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# Serve static files straight from the apps (the browser tests' live server needs them).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
