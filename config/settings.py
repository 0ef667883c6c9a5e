"""Kypseli settings, read from the environment (twelve-factor).

Development defaults (SQLite, console e-mail, database cache) need no configuration at all;
production sets DEBUG=0 and at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL. See README.md.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional and never committed.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (e.g. export SECRET_KEY=$(openssl rand -hex 32))."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105

# The key of the keyed hash that matches a person across centres by her AMKA (core.matching): its own
# secret, not SECRET_KEY; the same on every app server; `check --deploy` requires it with DEBUG off.
PERSON_MATCH_KEY = env.str("PERSON_MATCH_KEY", default="")
if not PERSON_MATCH_KEY and DEBUG:
    PERSON_MATCH_KEY = "development-only-person-match-key-never-in-production"  # noqa: S105
# The region's ESF+ report reads its centres over this many database connections at once (PostgreSQL).
REGION_REPORT_CONNECTIONS = env.int("REGION_REPORT_CONNECTIONS", default=2)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    # Second factors: authenticator apps (TOTP), passkeys (WebAuthn); recovery codes are core's (hashed).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "ninja",
    "django_countries",  # country names in Greek and English (nationality)
    "csp",
    "django_tasks",  # Django's tasks framework (backport): the worker's queue, see TASKS below
    "django_tasks_db",
    # Our apps, in dependency order (an app may import only those above it).
    "core",
    "inventory",
    "distribution",
    "volunteers",
    "events",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (settings below) and Permissions-Policy on every answer (core/security.py).
    "csp.middleware.CSPMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session confirmed its sign-in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Every query of a centre's records runs inside the request's centre (core/tenancy.py).
    "core.tenancy.CentreScopeMiddleware",
    "core.middleware.GreekFirstLocaleMiddleware",
    # /api/: rate limit per token, body size and type, problem-details errors.
    "core.middleware.ApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AuditContextMiddleware",
    # Staff and coordinators who must use a second factor reach only the second step until they have.
    "core.signin.middleware.SecondFactorMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.AdminAuditMiddleware",
    # Axes must be last: it turns locked-out logins into a friendly page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.kypseli",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL (postgres://user:pass@host:5432/name) in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A read replica of the PostgreSQL primary (optional): report queries read from it, everything else
# and every write from the primary (core/db/replica.py). Tests point it at the test database (MIRROR).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {**env.db("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["core.db.replica.ReplicaRouter"]
# WAL and a busy timeout let the development server answer several tabs at once, next to the worker.
# Transactions take the write lock when they begin (IMMEDIATE): a transaction that read first and
# then wrote would otherwise meet "database is locked" at once instead of waiting its turn.
SQLITE_OPTIONS = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                  "transaction_mode": "IMMEDIATE"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _database.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
        continue
    # Django's backend with a health check that costs no round trip (core/db/postgresql/base.py).
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["ENGINE"] = "core.db.postgresql"
    _database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    _database.setdefault("CONN_HEALTH_CHECKS", True)
    # Prepared statements for the statements that ask for them (core.db.rows: the scan of a card and
    # the stock it takes); the ORM binds parameters client-side and never prepares. Turn off
    # (DATABASE_PREPARED_STATEMENTS=0) behind a pooler that cannot keep them (PgBouncer < 1.21).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        _database.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches and sessions: no state in the app server -----------------------------------------
# The shared cache (counters of rate limits and throttles): the database by default, Redis with
# CACHE_URL=redis://host:6379/1 (core/db/cache.py: short timeouts; an unreachable Redis lets requests
# through rather than stopping them). Every app server sees the same counts either way.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://kypseli_cache")}
_REDIS_CACHE = CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
if _REDIS_CACHE:
    CACHES["default"]["BACKEND"] = "core.db.cache.SharedRedisCache"
# The API's rate-limit counters (django-ratelimit), one read and write per request: with Redis the
# shared cache (one limit for every server process); without it a process-local cache (no database
# round trip on the scan's path; each server process then counts on its own). API_RATE_CACHE_URL
# chooses another.
CACHES["api_rate"] = env.cache("API_RATE_CACHE_URL", default="locmemcache://kypseli-api-rate")
if "API_RATE_CACHE_URL" not in env and _REDIS_CACHE:
    CACHES["api_rate"] = {**CACHES["default"], "KEY_PREFIX": "api-rate"}
elif CACHES["api_rate"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["api_rate"]["BACKEND"] = "core.db.cache.SharedRedisCache"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Sessions on shared devices expire after this many idle minutes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Invitation and password-reset links: valid this many hours, and once (core/accounts.py).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_LINK_HOURS", default=4) * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Millions of passwords known from breaches, shipped in a package and read offline (no network).
    {"NAME": "core.signin.passwords.BreachedPasswordValidator"},
]

# Second factors (README, "Signing in"). Which roles must use one until the coordinator saves her own
# choice under Sign-in security: staff and coordinators in production, nobody in development (so that
# `make run` and the demo logins work with a password alone). TWO_FACTOR_ROLES=staff,coordinator or "".
TWO_FACTOR_ROLES = env.list("TWO_FACTOR_ROLES", default=[] if DEBUG else ["staff", "coordinator"])
# The most sensitive actions (a person's data exported, households merged, API tokens, roles, the
# sign-in rules) want the person to have proved who they are within this many minutes.
REAUTH_MINUTES = env.int("REAUTH_MINUTES", default=15)
OTP_TOTP_ISSUER = "core.signin.services.totp_issuer"
# Passkeys: a second factor only, bound to the site's host (WEBAUTHN_RP_ID, default the host of
# SITE_URL; in development the page's own host). Origins allowed besides: WEBAUTHN_ORIGINS.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_ID_CALLABLE = "core.signin.webauthn.rp_id"
OTP_WEBAUTHN_RP_NAME_CALLABLE = "core.signin.webauthn.rp_name"
OTP_WEBAUTHN_HELPER_CLASS = "core.signin.webauthn.Helper"
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "django_otp_webauthn"

# Failed logins: after AXES_FAILURE_LIMIT failures for one username from one address, wait.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address (core.net.client_ip, also used by rate limits and the audit log): REMOTE_ADDR,
# or behind AXES_PROXY_COUNT trusted proxies the entry of X-Forwarded-For the first of them added
# (counted from the right; entries the client wrote itself are never read).
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"

# --- Internationalisation: Greek first ----------------------------------------------------------
LANGUAGE_CODE = "el"
LANGUAGES = [("el", _("Greek")), ("en", _("English"))]
# LOCALE_DIR is only overridden by the test that checks the catalogue is current.
LOCALE_PATHS = [env.path("LOCALE_DIR", default=BASE_DIR / "locale")]
TIME_ZONE = "Europe/Athens"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files and uploads --------------------------------------------------------------------
STATIC_URL = "/static/"  # absolute: a centre's address prefix (/c/<slug>/) never reaches it
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Browser libraries installed from the npm registry by `make` (package.json); never committed.
    ("vendor", BASE_DIR / "node_modules"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Uploads: local folder by default; set MEDIA_STORAGE to another backend (e.g. S3) for several servers.
    "default": {"BACKEND": env.str("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "core.staticfiles.MinifiedStaticFilesStorage"  # minified, hashed, compressed
    },
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# --- E-mail and SMS ------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Κυψέλη <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS: "console" in development; "http" posts to SMS_GATEWAY_URL in production (see core/messaging.py).
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER_NAME = env.str("SMS_SENDER_NAME", default="Kypseli")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10)
# The header that carries each message's idempotency key to the gateway ("" for one that accepts none).
SMS_GATEWAY_IDEMPOTENCY_HEADER = env.str("SMS_GATEWAY_IDEMPOTENCY_HEADER", default="Idempotency-Key")
# The shared secret a gateway sends (Authorization: Bearer …) with its delivery reports; "" refuses them all.
SMS_DELIVERY_REPORT_SECRET = env.str("SMS_DELIVERY_REPORT_SECRET", default="")
# E-mail through django-anymail instead of SMTP: EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend and
# ANYMAIL='{"MAILGUN_API_KEY": "…"}' (pip install django-anymail[<esp>]).
if env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env.str("EMAIL_BACKEND")
ANYMAIL = env.json("ANYMAIL", default={})
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
_SITE = urlsplit(SITE_URL)
WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="" if DEBUG else (_SITE.hostname or ""))
# Development: the origin the page was asked at counts too (http://localhost:<any port>).
WEBAUTHN_ACCEPT_PAGE_ORIGIN = env.bool("WEBAUTHN_ACCEPT_PAGE_ORIGIN", default=DEBUG)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "WEBAUTHN_ORIGINS", default=[f"https://{_SITE.netloc}"] if _SITE.scheme == "https" else ["http://localhost:8000"])

# --- Outbox and worker (core.messaging, core.tasks, manage.py run_worker) --------------------------
# TASKS_BACKEND: "database" (default: the worker reads its tasks from PostgreSQL/SQLite, no other
# server), "rq" (Redis at REDIS_URL through django-tasks-rq), "immediate" (run at once, in the process
# that enqueues: the tests).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
_TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend",
                  "immediate": "django_tasks.backends.immediate.ImmediateBackend",
                  "dummy": "django_tasks.backends.dummy.DummyBackend"}
MESSAGES_TASK_QUEUE = env.str("MESSAGES_TASK_QUEUE", default="messages")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default", MESSAGES_TASK_QUEUE]}}
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {name: {"URL": REDIS_URL} for name in ("default", MESSAGES_TASK_QUEUE)}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
MESSAGES_MAX_ATTEMPTS = env.int("MESSAGES_MAX_ATTEMPTS", default=8)
MESSAGES_RETRY_BASE_SECONDS = env.float("MESSAGES_RETRY_BASE_SECONDS", default=30)
MESSAGES_RETRY_MAX_SECONDS = env.float("MESSAGES_RETRY_MAX_SECONDS", default=3600)
# A message being sent is another worker's after this many seconds (its worker died mid-send).
MESSAGES_LEASE_SECONDS = env.float("MESSAGES_LEASE_SECONDS", default=120)
# Messages a worker claims at a time (smaller: several workers share a burst more evenly).
MESSAGES_CLAIM_BATCH = env.int("MESSAGES_CLAIM_BATCH", default=20)
# Days after which a sent or failed message forgets its recipient and text (manage.py purge_messages).
MESSAGES_RETENTION_DAYS = env.int("MESSAGES_RETENTION_DAYS", default=90)
SCHEDULE_TICK_SECONDS = env.float("SCHEDULE_TICK_SECONDS", default=5)

# --- Apps ----------------------------------------------------------------------------------------
# Volunteers are reminded this many hours before a shift (manage.py send_reminders, from cron).
VOLUNTEER_REMINDER_HOURS = env.float("VOLUNTEER_REMINDER_HOURS", default=24)
# The shift planner (volunteers.planner): rest between two shifts of a person, and its time limit.
VOLUNTEER_MIN_REST_HOURS = env.float("VOLUNTEER_MIN_REST_HOURS", default=8)
VOLUNTEER_PLANNER_SECONDS = env.float("VOLUNTEER_PLANNER_SECONDS", default=10)
# Staffing needs from the work (core.staffing): tables per households an hour, volunteers per table,
# a Romani speaker at a branch, event helpers per places taken, minutes to set up and clear away.
STAFFING_HOUSEHOLDS_PER_TABLE_HOUR = env.int("STAFFING_HOUSEHOLDS_PER_TABLE_HOUR", default=40)
STAFFING_VOLUNTEERS_PER_TABLE = env.int("STAFFING_VOLUNTEERS_PER_TABLE", default=2)
STAFFING_ROMANI_AT_BRANCH = env.bool("STAFFING_ROMANI_AT_BRANCH", default=True)
STAFFING_PEOPLE_PER_EVENT_HELPER = env.int("STAFFING_PEOPLE_PER_EVENT_HELPER", default=15)
STAFFING_EVENT_BUFFER_MINUTES = env.int("STAFFING_EVENT_BUFFER_MINUTES", default=30)
# Public event sign-ups accepted per client address per hour (spam protection, shared cache).
EVENTS_REGISTRATIONS_PER_HOUR = env.int("EVENTS_REGISTRATIONS_PER_HOUR", default=10)
# Messages a public sign-up may trigger to one phone number or e-mail address a day (the rest are not sent).
EVENTS_MESSAGES_PER_CONTACT_PER_DAY = env.int("EVENTS_MESSAGES_PER_CONTACT_PER_DAY", default=3)
# Public forms that send a message (volunteer application, sign-in link, password reset): attempts
# per client address per hour, and messages per e-mail address or phone number per day.
PUBLIC_FORMS_PER_ADDRESS_PER_HOUR = env.int("PUBLIC_FORMS_PER_ADDRESS_PER_HOUR", default=5)
MESSAGES_PER_RECIPIENT_PER_DAY = env.int("MESSAGES_PER_RECIPIENT_PER_DAY", default=3)
# Days after an event's end before `purge_event_registrations` removes the people from its registrations.
EVENT_REGISTRATION_RETENTION_DAYS = env.int("EVENT_REGISTRATION_RETENTION_DAYS", default=180)

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): everything from this origin only, no inline script or style
# (templates hold none: tests/core/test_content_policy.py), no plug-ins, never framed. Violations are
# reported to /csp-report/ and logged on the "kypseli.csp" logger (core/security.py, README).
CSP_REPORT_URL = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": [CSP_REPORT_URL],
        "report-to": "csp",
    },
}
# Reports per client address per hour the endpoint logs; the rest are dropped.
CSP_REPORTS_PER_ADDRESS_PER_HOUR = env.int("CSP_REPORTS_PER_ADDRESS_PER_HOUR", default=100)

# --- Lists ----------------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# --- API ------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
# Requests per token (or session, or client address without either) per window, per server process;
# "" turns the limit off. 600 a minute is 10 a second: 10 tables scanning flat out on ONE token stay
# far below it; a client looping on an error reaches it within a minute (429, Retry-After).
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/m")
RATELIMIT_USE_CACHE = "api_rate"
# The largest request body the API reads (a household with its members is a few kB).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)
# How long a client's request id (scan, ticket check-in) is kept: a retry within it gets the first
# answer back; `manage.py purge_request_ids` (daily, from cron) forgets older ones.
API_REQUEST_ID_RETENTION_HOURS = env.int("API_REQUEST_ID_RETENTION_HOURS", default=72)
# How long a rendered form's one-time token (core.once) serves: an older form is refused as expired,
# and `manage.py purge_form_tokens` (daily, from cron) forgets spent tokens older than this.
FORM_TOKEN_LIFETIME_HOURS = env.int("FORM_TOKEN_LIFETIME_HOURS", default=168)
# Seconds a client is told to wait (Retry-After) when the database is briefly unavailable.
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=2)
# The 403 page of a failed CSRF check (an expired form): styled and in Greek like the other errors.
CSRF_FAILURE_VIEW = "core.views_errors.csrf_failure"

# Query strings (searches by name, AMKA or phone) and private links' secrets are masked in every
# log line that carries a URL (core/redact.py); gunicorn's access log does the same (gunicorn.conf.py).
# Error reports (Django's e-mails to ADMINS, the 500 page's text) hold no form values, query, local
# variables or user name with DEBUG off (core/redact.py).
DEFAULT_EXCEPTION_REPORTER = "core.redact.PersonalDataExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.redact.PersonalDataReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_urls": {"()": "core.redact.MaskUrls"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "console_masked": {"class": "logging.StreamHandler", "filters": ["mask_urls"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"handlers": ["console_masked"], "propagate": False},
        "django.server": {"handlers": ["console_masked"], "propagate": False},
        "django.security": {"handlers": ["console_masked"], "propagate": False},
        "kypseli.csp": {"handlers": ["console_masked"], "level": "WARNING", "propagate": False},
    },
}
