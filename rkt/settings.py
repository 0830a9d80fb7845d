"""Settings for RKT Pendampingan, read from the environment.

Defaults run a fresh checkout for development (debug on, SQLite in the project folder); production
sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL. A malformed value
raises ImproperlyConfigured instead of being guessed at.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rkt.storage_url import BACKEND as S3_BACKEND
from rkt.storage_url import storage_options

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"{minimum if minimum is not None else '…'} to {maximum if maximum is not None else '…'}"
        raise ImproperlyConfigured(f"{name} must be from {bounds}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of addresses or networks (``10.0.0.5``, ``10.0.0.0/24``, ``::1``)."""
    values = env_list(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list IP addresses or networks; {value!r} is neither.") from None
    return values


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Behind a reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For (and overwrites what clients send).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; from anyone else (the app reached directly)
# those headers are dropped before anything reads them (rkt.middleware.TrustedProxyMiddleware). gunicorn is given
# the same list as --forwarded-allow-ips (gunicorn.conf.py reads it too).
RKT_TRUSTED_PROXIES = env_networks("RKT_TRUSTED_PROXIES", ["127.0.0.1", "::1"]) if BEHIND_PROXY else []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "rkt",
    "villages",
    "pillars",
    "reports",
    "jobs",
    "notifications",
]

MIDDLEWARE = [
    # Before anything else: /healthz, the load balancer's probe, meets no redirect, host check, session or locale.
    "rkt.health.HealthCheckMiddleware",
    # Then: a body past the limit is refused before anything reads it, forwarded headers are dropped unless a
    # trusted proxy sent them.
    "rkt.middleware.RequestSizeLimitMiddleware",
    "rkt.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compress to a fifth on a companion's mobile connection (a month of 12 activity forms: 140 KB raw).
    # WhiteNoise above serves static files pre-compressed. Django's gzip pads responses against BREACH and
    # CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "rkt.middleware.StatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rkt.middleware.SlidingSessionMiddleware",
    "rkt.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rkt.middleware.PageOwnerMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Without Celery beat, a request starts the notifications' round (reminders, digests) at most once a minute.
    "notifications.middleware.ScheduleTickMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rkt.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "villages.context_processors.person",
                "rkt.context_processors.navigation",
                "notifications.context_processors.bell",
            ],
        },
    },
]

WSGI_APPLICATION = "rkt.wsgi.application"


def _database(url: str | None) -> dict:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"DATABASE_URL names an unknown database scheme: {url.split(':', 1)[0]!r}.")
    return config


DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a write; IMMEDIATE transactions and a busy timeout make concurrent
    # writers wait for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# A bound on every SQL statement of a web request (PostgreSQL's statement_timeout, in seconds; 0: none). The
# WSGI entry point (gunicorn) sets 10 s unless the environment says otherwise; management commands and jobs run
# without one. A statement past it is cancelled inside PostgreSQL, so a page that runs away cannot keep a backend
# busy after its worker has given up; the request answers 503 (rkt.middleware.StatementTimeoutMiddleware).
# SQLite, the embedded default, has no such bound.
DB_STATEMENT_TIMEOUT = env_int("RKT_DB_STATEMENT_TIMEOUT", 0, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it suits long analytic queries, not a web page's; on the national bench it spent 1.7 s
    # compiling the province home's one aggregate (2.4 s of SQL with it, 0.7 s without).
    options = ["-c jit=off"]
    if DB_STATEMENT_TIMEOUT:
        options.append(f"-c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(options)
    # libpq waits for ever on a server that accepts and never answers: a request (or the pool, or /healthz's
    # check) gives up after 5 s instead. A connect_timeout in DATABASE_URL's query string wins.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)

# A pool of PostgreSQL connections in each app process (psycopg's pool, through Django): RKT_DB_POOL_MAX connections
# at most, RKT_DB_POOL_MIN kept open; 0, the default, keeps one connection per thread for DJANGO_DB_CONN_MAX_AGE
# seconds instead. A request that finds every pooled connection busy waits up to 10 s for one, then fails. Each
# process has its own pool: the database sees up to (processes × RKT_DB_POOL_MAX) connections (README "Database
# connections").
RKT_DB_POOL_MAX = env_int("RKT_DB_POOL_MAX", 0, minimum=0)
RKT_DB_POOL_MIN = env_int("RKT_DB_POOL_MIN", 1, minimum=0)
if RKT_DB_POOL_MAX:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "RKT_DB_POOL_MAX needs PostgreSQL (DATABASE_URL=postgres://...); SQLite has no connection pool. "
            "Unset it or set it to 0."
        )
    if env_int("DJANGO_DB_CONN_MAX_AGE", 0) > 0:
        raise ImproperlyConfigured(
            "RKT_DB_POOL_MAX and DJANGO_DB_CONN_MAX_AGE both keep connections open: a pooled connection goes back "
            "to the pool after each request. Unset DJANGO_DB_CONN_MAX_AGE (or set it to 0)."
        )
    if RKT_DB_POOL_MIN > RKT_DB_POOL_MAX:
        raise ImproperlyConfigured(
            f"RKT_DB_POOL_MIN ({RKT_DB_POOL_MIN}) must be at most RKT_DB_POOL_MAX ({RKT_DB_POOL_MAX})."
        )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": RKT_DB_POOL_MIN, "max_size": RKT_DB_POOL_MAX, "timeout": 10}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout after repeated failed logins (django-axes): per username and address, with a cool-off.
AXES_FAILURE_LIMIT = env_int("RKT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RKT_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "rkt.client_ip.client_ip"
# Every failure is logged with its address, so a username attacked from many addresses is slowed (not locked):
# past RKT_LOGIN_USERNAME_LIMIT failures within the cool-off, one attempt per RKT_LOGIN_USERNAME_DELAY seconds.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
RKT_LOGIN_USERNAME_LIMIT = env_int("RKT_LOGIN_USERNAME_LIMIT", 10, minimum=1)
RKT_LOGIN_USERNAME_DELAY = env_int("RKT_LOGIN_USERNAME_DELAY", 30, minimum=1, maximum=3600)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes and WhiteNoise serves from; a test or bench cluster collects into a folder of its own.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Inputs, text areas and selects written in Python, the same markup as Django's widget templates
# (rkt/widgets.py: the month view's twenty entry forms spent half the page rendering them).
FORM_RENDERER = "rkt.widgets.PlainWidgetRenderer"

# The admin shows old versions of plans, activities, progress and reports but cannot restore one: a restore would
# write an old status and version past the workflow (pillars.admin.ScopedHistoryAdmin refuses it too).
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 8 * 60 * 60, minimum=60)
# A session expires after SESSION_COOKIE_AGE without use. Instead of writing the session on every request
# (SESSION_SAVE_EVERY_REQUEST), rkt.middleware.SlidingSessionMiddleware extends it at most once per period.
SESSION_REFRESH_SECONDS = env_int("RKT_SESSION_REFRESH", 5 * 60, minimum=1, maximum=SESSION_COOKIE_AGE)
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "rkt.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts or styles anywhere (templates, htmx config, admin), so the policy can be strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Rows on a page of every paged list: the review list, the report queue, the village list, a plan's history.
RKT_PAGE_SIZE = 25
# Programme rules that a deployment may tune.
RKT_REPORT_DEADLINE_DAY = env_int("RKT_REPORT_DEADLINE_DAY", 5, minimum=1, maximum=28)
# The letterhead of documents whose region has no office recorded in the admin.
RKT_DEFAULT_OFFICE = os.environ.get(
    "RKT_DEFAULT_OFFICE", "KEMENTERIAN DESA DAN PEMBANGUNAN DAERAH TERTINGGAL REPUBLIK INDONESIA"
).strip()
RKT_EVIDENCE_MAX_BYTES = env_int("RKT_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
RKT_EVIDENCE_MAX_FILES = env_int("RKT_EVIDENCE_MAX_FILES", 10, minimum=1, maximum=50)
# A photo's pixels are read from its header and refused past this before anything is decoded (a 280 KB PNG can
# say 9400 × 9400); 40 megapixels is more than a phone's photo. The copy kept is at most this many pixels wide or
# high, made once at upload and used by every page and PDF; the original is kept beside it only if asked.
RKT_EVIDENCE_MAX_PIXELS = env_int("RKT_EVIDENCE_MAX_PIXELS", 40_000_000, minimum=1_000_000, maximum=200_000_000)
RKT_EVIDENCE_IMAGE_SIDE = env_int("RKT_EVIDENCE_IMAGE_SIDE", 1600, minimum=320, maximum=8000)
RKT_EVIDENCE_KEEP_ORIGINALS = env_bool("RKT_EVIDENCE_KEEP_ORIGINALS", False)
# A save a phone queued offline carries a key, so a resend is not saved twice; keys are kept this many days, then
# removed by the day's round (a resend after that would be saved as new, or meet a conflict).
RKT_OFFLINE_KEY_DAYS = env_int("RKT_OFFLINE_KEY_DAYS", 30, minimum=1)
# What a phone may hold of photos saved offline and not yet sent (static/js/offline.js), in MB: about 130 photos
# made smaller on the phone (some 390 KB each). Past it a save is refused with a message; nothing is dropped.
RKT_OFFLINE_PHOTO_MB = env_int("RKT_OFFLINE_PHOTO_MB", 50, minimum=5, maximum=1024)
# The largest request body the app reads: a save with every evidence file at its limit, and a megabyte for the
# form and the multipart framing (10 × 5 MB + 1 MB = 51 MB by default; a village-data file is at most 20 MB).
# A larger body is answered 413 before it is read (rkt.middleware.RequestSizeLimitMiddleware); set the reverse
# proxy's limit to the same (nginx: client_max_body_size 51m) so it is refused there before it arrives at all.
RKT_MAX_REQUEST_BYTES = env_int(
    "RKT_MAX_REQUEST_BYTES",
    RKT_EVIDENCE_MAX_FILES * RKT_EVIDENCE_MAX_BYTES + 1024 * 1024,
    minimum=21 * 1024 * 1024,
)
# Form fields other than files (Django's default, stated): a save's text is far below it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- The national deployment: several app servers, workers, Redis, S3-compatible storage (README "Deployment").
# None of it is needed for `make run`: with nothing set, the cache is in the process, jobs run in a thread of the
# app process, files go to MEDIA_ROOT.


def redis_cache(url: str) -> dict:
    """The cache at a Redis URL. A Redis that stops answering costs a request 2 s and an error, not a worker hung
    until gunicorn's timeout; /healthz then answers 503 naming the cache."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": os.environ.get("RKT_CACHE_PREFIX", "rkt"),
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


# Redis, as the cache shared by every app server (redis://host:6379/0). Unset: a cache in each process. Nothing the
# app must keep lives only in a cache: sessions (and the upload previews and forms kept in them), login failures,
# lockouts and jobs are in the database, so any app server takes any request (README "Cache and shared state").
RKT_REDIS_URL = os.environ.get("RKT_REDIS_URL", "").strip()
if RKT_REDIS_URL:
    CACHES = {"default": redis_cache(RKT_REDIS_URL)}
# How long a page drawn for one person is kept in the cache (rkt.pages). It can never be stale, whatever this is:
# every write gives the pages it changes a new key; this only bounds the memory the cache gives to pages not asked
# for again. Give Redis a maxmemory with "maxmemory-policy allkeys-lru" (README "Cache and shared state").
RKT_PAGE_CACHE_SECONDS = env_int("RKT_PAGE_CACHE_SECONDS", 3600, minimum=0, maximum=7 * 24 * 3600)

# Background jobs (rkt/jobs): "celery" sends them to the workers through the broker; "thread" runs them in a thread
# of the app process (the embedded default, nothing to start); "eager" runs them inside the request (tests).
RKT_BROKER_URL = os.environ.get("RKT_BROKER_URL", "").strip() or RKT_REDIS_URL
RKT_JOBS = os.environ.get("RKT_JOBS", "celery" if RKT_BROKER_URL else "thread").strip().lower()
if RKT_JOBS not in {"celery", "thread", "eager"}:
    raise ImproperlyConfigured(f"RKT_JOBS must be celery, thread or eager; got {RKT_JOBS!r}.")
if RKT_JOBS == "celery" and not RKT_BROKER_URL:
    raise ImproperlyConfigured("RKT_JOBS=celery needs RKT_BROKER_URL (or RKT_REDIS_URL).")
# A job's result file is kept this many hours, then removed with its record's download.
RKT_JOB_RESULT_HOURS = env_int("RKT_JOB_RESULT_HOURS", 24, minimum=1, maximum=24 * 30)
# A running job tells it is alive every few seconds; one silent for this long lost its worker: it is run again
# (up to RKT_JOB_ATTEMPTS in all) or marked failed, never left "running".
RKT_JOB_STALE_SECONDS = env_int("RKT_JOB_STALE_SECONDS", 120, minimum=5)
RKT_JOB_ATTEMPTS = env_int("RKT_JOB_ATTEMPTS", 2, minimum=1, maximum=10)
CELERY_BROKER_URL = RKT_BROKER_URL or "memory://"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a dead worker held comes back to another worker after this long (Redis' visibility timeout).
# A silent broker costs the request that sends a job a few seconds, not a hung worker: the job is then failed in
# words ("could not be handed to the workers") and may be tried again.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": RKT_JOB_STALE_SECONDS * 2,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Celery beat: stale jobs are run again or failed, expired results removed (jobs.tasks).
CELERY_BEAT_SCHEDULE = {
    "jobs-sweep": {"task": "jobs.sweep", "schedule": 60.0},
    # E-mails due again after a failure, the monthly reminders and the coordinators' digests (notifications.tasks).
    "notifications-tick": {"task": "notifications.tick", "schedule": 60.0},
}
# A plan PDF past this many activities, and a monthly PDF past this many photos, is made as a background job: the
# bench measured 10.8 ms per activity plus 0.22 s (60 activities: 0.87 s), and a month's photo (the stored 1600 px
# copy, 155 KB) adds 6 ms to its PDF (100 photos: 0.6 s), so a larger one would hold a web worker past a second.
RKT_PDF_JOB_ACTIVITIES = env_int("RKT_PDF_JOB_ACTIVITIES", 60, minimum=1)
RKT_PDF_JOB_PHOTOS = env_int("RKT_PDF_JOB_PHOTOS", 100, minimum=1)

# --- E-mail: notifications, reminders and password resets (notifications/, README "E-mail").
# DJANGO_EMAIL_URL=smtp://USER:PASSWORD@smtp.example.go.id:587/?tls=True (or smtps://...:465/?ssl=True), read by
# dj-email-url; or the usual EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.
# Neither set: every message is written to the console (`make run` needs no SMTP server).
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "RKT Pendampingan <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10, minimum=1, maximum=120)
_email_url = os.environ.get("DJANGO_EMAIL_URL", "").strip()
if _email_url:
    try:
        _email = dj_email_url.parse(_email_url)
    except Exception as exc:  # an unknown scheme or a malformed URL
        raise ImproperlyConfigured(f"DJANGO_EMAIL_URL is not a valid e-mail URL: {exc}") from None
    if "EMAIL_BACKEND" not in _email:
        raise ImproperlyConfigured(
            f"DJANGO_EMAIL_URL is not a valid e-mail URL: unknown scheme {_email_url.split(':', 1)[0]!r} "
            "(smtp, smtps, console or dummy)."
        )
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST, EMAIL_PORT = _email["EMAIL_HOST"] or "localhost", _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_USER"] or "", _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS, EMAIL_USE_SSL = bool(_email["EMAIL_USE_TLS"]), bool(_email["EMAIL_USE_SSL"])
    if _email.get("DEFAULT_FROM_EMAIL") and "DJANGO_DEFAULT_FROM_EMAIL" not in os.environ:
        DEFAULT_FROM_EMAIL = SERVER_EMAIL = _email["DEFAULT_FROM_EMAIL"]
elif os.environ.get("EMAIL_HOST", "").strip():
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"].strip()
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if EMAIL_BACKEND.endswith("smtp.EmailBackend") and EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("E-mail: TLS (STARTTLS, port 587) and SSL (port 465) cannot both be on; choose one.")
# The address links in e-mails start with (the app's public address); a password reset link uses the address the
# request came to instead.
RKT_SITE_URL = os.environ.get("RKT_SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
# A failed e-mail is tried again after 1, 5, 30 and 120 minutes, up to this many attempts, then logged as failed.
RKT_EMAIL_ATTEMPTS = env_int("RKT_EMAIL_ATTEMPTS", 5, minimum=1, maximum=10)


# Reminders of a monthly report that is due and not sent: this many days before the deadline day (a comma-separated
# list: "3" or "5,1"), and on the deadline day itself, from this hour in the deadline's local time. A coordinator's
# daily digest of what waits for them goes out from RKT_DIGEST_HOUR.
def _days_before(values: list[str]) -> list[int]:
    if not all(value.isdigit() and 1 <= int(value) <= 27 for value in values):
        raise ImproperlyConfigured(
            f"RKT_REMINDER_DAYS_BEFORE must list days from 1 to 27, e.g. 3 or 5,1; got {values}."
        )
    return sorted({int(value) for value in values}, reverse=True)


# Unset: 3, or fewer when the deadline day comes sooner; empty: only on the deadline day.
_default_days_before = [str(min(3, RKT_REPORT_DEADLINE_DAY - 1))] if RKT_REPORT_DEADLINE_DAY > 1 else []
RKT_REMINDER_DAYS_BEFORE = _days_before(env_list("RKT_REMINDER_DAYS_BEFORE", _default_days_before))
if RKT_REMINDER_DAYS_BEFORE and RKT_REMINDER_DAYS_BEFORE[0] >= RKT_REPORT_DEADLINE_DAY:
    # The month must be over before its report is owed: such a reminder would fall inside it, and never go out.
    raise ImproperlyConfigured(
        f"RKT_REMINDER_DAYS_BEFORE ({RKT_REMINDER_DAYS_BEFORE[0]}) must be less than RKT_REPORT_DEADLINE_DAY "
        f"({RKT_REPORT_DEADLINE_DAY}): a reminder that many days before the deadline day falls before the month ends."
    )
# A notification is kept this many days, read or not, then removed by the day's round.
RKT_NOTIFICATION_DAYS = env_int("RKT_NOTIFICATION_DAYS", 365, minimum=7, maximum=3650)
RKT_REMINDER_HOUR = env_int("RKT_REMINDER_HOUR", 7, minimum=0, maximum=23)
RKT_DIGEST_HOUR = env_int("RKT_DIGEST_HOUR", 7, minimum=0, maximum=23)
# Password reset: a link is valid this long; at most RKT_PASSWORD_RESET_LIMIT requests per address per hour, and
# RKT_PASSWORD_RESET_CLIENT_LIMIT from one client address (an office behind one address shares it).
PASSWORD_RESET_TIMEOUT = env_int("RKT_PASSWORD_RESET_HOURS", 2, minimum=1, maximum=72) * 60 * 60
RKT_PASSWORD_RESET_LIMIT = env_int("RKT_PASSWORD_RESET_LIMIT", 5, minimum=1, maximum=100)
RKT_PASSWORD_RESET_CLIENT_LIMIT = env_int("RKT_PASSWORD_RESET_CLIENT_LIMIT", 20, minimum=1, maximum=1000)

# --- Storage: evidence, office templates and generated files on S3-compatible storage (README "Deployment").
# RKT_STORAGE_URL=s3://ACCESS_KEY:SECRET@BUCKET/optional/prefix?endpoint_url=https://host:9000&region_name=REGION
# (rkt/storage_url.py reads it; without the key and secret, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are used).
# Unset: files stay on the local disk under MEDIA_ROOT. Either way the app streams every file itself, after its
# scope check; a signed URL (the admin's file links) is valid RKT_STORAGE_URL_SECONDS.
# `manage.py move_media` copies the stored files from the local disk to the bucket and checks each copy.
RKT_STORAGE_URL = os.environ.get("RKT_STORAGE_URL", "").strip()
RKT_STORAGE_URL_SECONDS = env_int("RKT_STORAGE_URL_SECONDS", 300, minimum=10, maximum=7 * 24 * 60 * 60)
if RKT_STORAGE_URL:
    STORAGES["default"] = {
        "BACKEND": S3_BACKEND,
        "OPTIONS": storage_options(RKT_STORAGE_URL, url_seconds=RKT_STORAGE_URL_SECONDS),
    }
