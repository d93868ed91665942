"""Linli settings: one file, driven by environment variables (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", "false")
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The demo city's logins are listed on the home page only when this is on.
DEMO_MODE = envbool("DEMO_MODE", "false")

INSTALLED_APPS = [
    # Our apps come first: for a message id that Django's apps translate too ("File",
    # "Close"), the first app's catalogue wins, and our wording must.
    "linli.accounts",
    "linli.territory",
    "linli.workorders",
    "linli.renewal",
    "linli.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs page's own Swagger UI files (no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linli.accounts.middleware.ChineseFirstLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend with write transactions queued on a file lock
            # (linli/lib/sqlite/base.py: SQLite's own busy handler sleeps up to 100 ms).
            "ENGINE": "linli.lib.sqlite",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Opening a connection (Django's SQL functions, the pragmas) costs ~1 ms, as much
            # as a whole small request: each server thread keeps its own for ten minutes.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            # Tests run in memory. Said explicitly: pytest-django recognises SQLite by the
            # stock ENGINE name only, and would otherwise derive a file name per worker.
            "TEST": {"NAME": ":memory:"},
            "OPTIONS": {
                # WAL lets the web server and the task worker read while the other writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["linli.accounts.backends.PhonePasswordBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins before a phone number is locked out, and for how long.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", "5")
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", "15")
# One-time SMS login codes.
SMS_CODE_TTL_SECONDS = envint("SMS_CODE_TTL_SECONDS", "300")
SMS_CODE_MAX_ATTEMPTS = envint("SMS_CODE_MAX_ATTEMPTS", "5")
SMS_CODE_RESEND_SECONDS = envint("SMS_CODE_RESEND_SECONDS", "60")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "linli.lib.sms.LoggingSmsBackend")

# Notifications (docs/notifications.md): every one lands in the in-app inbox and is also sent
# through these channels where the person has an address. Every default backend only logs.
NOTIFICATION_CHANNELS = [
    c.strip() for c in os.environ.get("NOTIFICATION_CHANNELS", "inapp,sms").split(",") if c.strip()
]
if unknown_channels := set(NOTIFICATION_CHANNELS) - {"inapp", "sms", "wechat", "email"}:
    raise ImproperlyConfigured(f"NOTIFICATION_CHANNELS: unknown {sorted(unknown_channels)}")
WECHAT_BACKEND = os.environ.get("WECHAT_BACKEND", "linli.lib.channels.LoggingWeChatBackend")
WECHAT_TEMPLATE_ID = os.environ.get("WECHAT_TEMPLATE_ID", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "linli.lib.channels.LoggingEmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "linli@localhost")
# Links in SMS, WeChat and e-mail messages start with this.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Photos (linli/lib/photos.py): largest upload and most pixels accepted.
PHOTO_MAX_BYTES = envint("PHOTO_MAX_BYTES", str(10 * 1024 * 1024))
PHOTO_MAX_PIXELS = envint("PHOTO_MAX_PIXELS", str(40_000_000))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "linli" / "lib" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
# Hashed, compressed static files need `collectstatic`; development and tests serve from source.
STATIC_MANIFEST = envbool("STATIC_MANIFEST", "false" if DEBUG else "true")
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(30 * 1024 * 1024))

# Map: the tile source is a setting; grids, labels and points show without tiles.
MAP_TILE_URL = os.environ.get(
    "MAP_TILE_URL", "https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"
)
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© 高德地图")
# The letters or digits that fill {s} in MAP_TILE_URL (Amap: 1234, OpenStreetMap: abc).
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "1234")
# Tiles from Chinese providers are in GCJ-02; our geometry is WGS84 and is shifted to match.
MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "gcj02")
if MAP_TILE_CRS not in ("gcj02", "wgs84"):
    raise ImproperlyConfigured("MAP_TILE_CRS must be gcj02 or wgs84")

# Work orders (linli/workorders): working hours for deadlines, as "HH:MM-HH:MM" periods.
WORKING_HOURS = os.environ.get("WORKING_HOURS", "08:30-12:00,13:30-17:30")
# The deadline sweep: warn this many working hours before a deadline, escalate on behalf of the
# system when an order is this many working hours overdue, and run every this many seconds.
ORDER_NEAR_DEADLINE_HOURS = envint("ORDER_NEAR_DEADLINE_HOURS", "2")
ORDER_ESCALATE_AFTER_OVERDUE_HOURS = envint("ORDER_ESCALATE_AFTER_OVERDUE_HOURS", "8")
ORDER_SWEEP_INTERVAL_SECONDS = envint("ORDER_SWEEP_INTERVAL_SECONDS", "300")
# Work-order KPIs (docs/kpis.md): an order is "responded" when the first dispatch is accepted
# or returned within this many hours; the composite score's weights, as JSON {"rate": weight}
# (default: 成都金牛's handle_rate 30, on_time_handle_rate 20, rework_rate 20,
# overdue_pending_rate 20, extension_rate 10). Changing either needs `manage.py rebuild_kpis`
# for the response figures; weights apply at once. Checked at start-up (system check).
KPI_RESPONSE_HOURS = envint("KPI_RESPONSE_HOURS", "24")
KPI_WEIGHTS = os.environ.get("KPI_WEIGHTS", "")

# How often a process checks whether another process changed the grids (seconds).
GRID_INDEX_RECHECK_SECONDS = envint("GRID_INDEX_RECHECK_SECONDS", "2")

# Open311 GeoReport v2 (docs/open311.md): the one jurisdiction this deployment serves (clients
# may leave jurisdiction_id out; another value is a 404), and what discovery tells clients.
OPEN311_JURISDICTION = os.environ.get("OPEN311_JURISDICTION", "hebi.linli")
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "12345")
OPEN311_KEY_SERVICE = (
    os.environ.get("OPEN311_KEY_SERVICE")
    or "api_key: ask the city's platform administrator (admin → Open311)"
)
# Webhooks (docs/open311.md): attempts per delivery, the first retry delay (doubling after
# each failure, at most an hour) and the HTTP timeout, in seconds.
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", "6")
WEBHOOK_RETRY_SECONDS = envint("WEBHOOK_RETRY_SECONDS", "60")
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", "10")

# JSON API (docs/api.md): requests per minute for each app token or signed-in person, for each
# address without one, and for each address asking POST /api/v1/auth/token (0: no limit); the
# number of trusted proxies in front whose X-Forwarded-For is believed; the largest JSON body;
# active tokens a person may hold (past it, the least recently used are revoked).
API_RATE_TOKEN_PER_MINUTE = envint("API_RATE_TOKEN_PER_MINUTE", "600")
API_RATE_ANON_PER_MINUTE = envint("API_RATE_ANON_PER_MINUTE", "60")
API_RATE_LOGIN_PER_MINUTE = envint("API_RATE_LOGIN_PER_MINUTE", "10")
API_RATE_PROXIES = envint("API_RATE_PROXIES", "0")
API_MAX_JSON_BYTES = envint("API_MAX_JSON_BYTES", str(1024 * 1024))
API_TOKENS_PER_USER = envint("API_TOKENS_PER_USER", "20")
# ninja's limit/offset pages (renovation lists): the largest page, so a huge ?limit= is a 422.
NINJA_PAGINATION_MAX_LIMIT = 1000

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(14 * 24 * 3600))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", "false") else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
