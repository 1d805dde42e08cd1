"""Django settings for Zhiyang, all driven by ZHIYANG_* environment variables.

See docs/configuration.md for the reference. Defaults suit the embedded demo (SQLite in the
data directory, loopback only); a deployment sets hosts, database URL and HTTPS.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from zhiyang import conf

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = conf.data_dir()

SECRET_KEY = conf.secret_key(DATA_DIR)
DEBUG = conf.env_bool("ZHIYANG_DEBUG", False)
ALLOWED_HOSTS = conf.env_list("ZHIYANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = conf.env_list("ZHIYANG_CSRF_TRUSTED_ORIGINS", [])

# HTTPS hardening is on unless every allowed host is loopback (the local demo over plain
# http); ZHIYANG_HTTPS forces it either way.
_only_loopback = all(host in conf.LOOPBACK_HOSTS for host in ALLOWED_HOSTS)
HTTPS = conf.env_bool("ZHIYANG_HTTPS", not _only_loopback)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and conf.env_bool("ZHIYANG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if conf.env_bool("ZHIYANG_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_HTTPONLY = True  # htmx gets the token from hx-headers on <body>, not the cookie

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "zhiyang.core",
    "zhiyang.network",
    "zhiyang.condition",
    "zhiyang.people",
    "zhiyang.fleet",
    "zhiyang.safety",
    "zhiyang.works",
    "zhiyang.sop",
    "zhiyang.standards",
    "zhiyang.planning",
    "zhiyang.telemetry",
    "zhiyang.qc",
    "zhiyang.notify",
    "zhiyang.patrol",
    "zhiyang.assets",
    "zhiyang.contracts",
    "zhiyang.web",
    "zhiyang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "zhiyang.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhiyang.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zhiyang.urls"
WSGI_APPLICATION = "zhiyang.wsgi.application"
ASGI_APPLICATION = "zhiyang.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhiyang.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        conf.env_str("ZHIYANG_DATABASE_URL", f"sqlite:///{DATA_DIR / 'zhiyang.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"  # the role's home (web/today.py)
LOGOUT_REDIRECT_URL = "login"

# Login attempt limiting (per username and per client address).
LOGIN_MAX_FAILURES = conf.env_int("ZHIYANG_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = conf.env_int("ZHIYANG_LOGIN_LOCKOUT_SECONDS", 900)

# Request limits (docs/api.md "Limits"): a body over them answers 413 (JSON under /api/).
DATA_UPLOAD_MAX_MEMORY_SIZE = conf.env_int("ZHIYANG_MAX_BODY_BYTES", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = conf.env_int("ZHIYANG_MAX_FIELDS", 1_000)
DATA_UPLOAD_MAX_NUMBER_FILES = conf.env_int("ZHIYANG_MAX_FILES", 20)
# One uploaded file (photos, imports, scans); bigger ones are refused while they arrive.
MAX_UPLOAD_FILE_BYTES = conf.env_int("ZHIYANG_MAX_UPLOAD_BYTES", 128 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "zhiyang.core.uploads.LimitedMemoryUploadHandler",
    "zhiyang.core.uploads.LimitedTemporaryUploadHandler",
]
API_JSON_LIMITS = {
    "body_bytes": DATA_UPLOAD_MAX_MEMORY_SIZE,
    "depth": conf.env_int("ZHIYANG_API_JSON_MAX_DEPTH", 64),
    "keys": 1_000,
    "items": 10_000,
    "string_chars": 100_000,
}
# Chainages may pass a route's ends by this much (GPS and survey rounding).
CHAINAGE_TOLERANCE_M = 0.5

LANGUAGE_CODE = conf.env_str("ZHIYANG_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# zh-hans groups numbers by three with a comma, as Chinese financial reports do (formats/).
FORMAT_MODULE_PATH = ["zhiyang.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploads are served through the app with their record's scope (core/media.py); set an
# internal location (nginx X-Accel-Redirect) to let the web server send the bytes.
MEDIA_ACCEL_REDIRECT = conf.env_str("ZHIYANG_MEDIA_ACCEL_REDIRECT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": conf.env_str(
            "ZHIYANG_STATIC_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Map tiles: any XYZ template (OSM, Tianditu, an intranet server); empty = plain background.
MAP_TILE_URL = conf.env_str("ZHIYANG_TILE_URL", "")
MAP_TILE_ATTRIBUTION = conf.env_str("ZHIYANG_TILE_ATTRIBUTION", "")

# Telemetry: the Parquet lake of machine readings (docs/telemetry.md); the MQTT subscriber
# reads its broker settings from ZHIYANG_MQTT_* itself (telemetry/mqtt.py).
ZHIYANG_LAKE_DIR = conf.env_str("ZHIYANG_LAKE_DIR", "") or None

# Notifications (docs/notifications.md): links in messages point here; the site's own SMTP
# server for e-mail to people whose organisation has no e-mail channel (empty host: none);
# the SMS gateway's provider.
NOTIFY_SITE_URL = conf.env_str("ZHIYANG_SITE_URL", "http://127.0.0.1:8000")
NOTIFY_SMS_PROVIDER = conf.env_str("ZHIYANG_SMS_PROVIDER", "aliyun")
EMAIL_HOST = conf.env_str("ZHIYANG_EMAIL_HOST", "")
EMAIL_PORT = conf.env_int("ZHIYANG_EMAIL_PORT", 465)
EMAIL_HOST_USER = conf.env_str("ZHIYANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = conf.env_str("ZHIYANG_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = conf.env_str("ZHIYANG_EMAIL_SECURITY", "ssl") == "ssl"
EMAIL_USE_TLS = conf.env_str("ZHIYANG_EMAIL_SECURITY", "ssl") == "starttls"
DEFAULT_FROM_EMAIL = conf.env_str("ZHIYANG_EMAIL_FROM", "zhiyang@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

REST_FRAMEWORK = {
    # Token first: an anonymous request then answers 401 with "WWW-Authenticate: Bearer".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhiyang.core.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zhiyang.core.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "zhiyang.core.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhiyang.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with limits on size, depth, keys, items and strings (docs/api.md "Limits").
    "DEFAULT_PARSER_CLASSES": [
        "zhiyang.core.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": "20/min"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhiyang API",
    "DESCRIPTION": "REST API of the Zhiyang smart highway maintenance platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name per choice set used by several apps' fields (schema clients get stable types).
    "ENUM_NAME_OVERRIDES": {
        "TechClassEnum": "zhiyang.network.choices.TechClass",
        "DirectionEnum": "zhiyang.network.choices.Direction",
        "WorkZoneDirectionEnum": "zhiyang.safety.choices.WorkZoneDirection",
        "GradeEnum": "zhiyang.condition.choices.Grade",
        "HazardLevelEnum": "zhiyang.safety.choices.HazardLevel",
        "TrainingLevelEnum": "zhiyang.people.choices.TrainingLevel",
        "CertificateAlertLevelEnum": "zhiyang.people.choices.AlertLevel",
        "ProcessEnum": "zhiyang.works.choices.Process",
        "ProjectStatusEnum": "zhiyang.works.choices.ProjectStatus",
        "WorkOrderStatusEnum": "zhiyang.works.choices.WorkOrderStatus",
        "DailyReportStatusEnum": "zhiyang.works.choices.DailyReportStatus",
        "InstructionVersionStatusEnum": "zhiyang.sop.choices.VersionStatus",
        "ChecklistRunStatusEnum": "zhiyang.sop.choices.RunStatus",
        "NcrStatusEnum": "zhiyang.sop.choices.NcrStatus",
        "TreatmentEnum": "zhiyang.works.choices.Treatment",
        "PavementEnum": "zhiyang.network.choices.Pavement",
        "FindingCategoryEnum": "zhiyang.patrol.choices.FindingCategory",
        "FindingKindEnum": "zhiyang.patrol.choices.FindingKind",
        "QuantityUnitEnum": "zhiyang.patrol.choices.QuantityUnit",
        "StructureTechnicalClassEnum": "zhiyang.assets.choices.TechnicalClass",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": conf.env_str("ZHIYANG_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
