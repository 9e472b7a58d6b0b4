"""Settings for Trygghetsportalen.

Every knob is an environment variable with a safe development default, so that
`make run` works with no configuration at all (SQLite, and a Celery worker on a broker
that is a folder: no server to install).
With ``DJANGO_ENV=production`` the portal refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every HTTPS protection that
``manage.py check --deploy`` asks for.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional; the environment always wins over it.
env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - development default only
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production requires SECRET_KEY: a random value of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production requires ALLOWED_HOSTS: the host names the portal answers to."
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_ENV=production must not run with DEBUG=true.")

INSTALLED_APPS = [
    # The admin site asks for the second step too (portal.twofactor.admin_site).
    "portal.twofactor.admin_apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    # django-user-sessions: Django's database session store with each session's user, so a person's
    # sessions can be listed and ended (profile page; a deactivated account's end at once).
    "user_sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    # rest_framework is used without its app: its Swedish catalogue would replace Django's form messages.
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "portal",
    "portal.twofactor",
    "portal.sso",
    "portal.profile",
    "portal.privacy",
    "municipalities",
    "actions",
    "agreements",
]
# The generated data and benchmark commands (devtools/) exist in development and tests only;
# `make bench` adds them to production's settings through devtools/bench_settings.py.
if DJANGO_ENV in {"development", "test"}:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz, answered before the host check, the session and the rest of the site (portal/health.py).
    "portal.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "user_sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in person who owes the second step sees only it (portal.twofactor).
    "portal.twofactor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must come last: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
                "portal.sso.context_processors.identity_providers",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default (make run); PostgreSQL through DATABASE_URL in tests and production,
# with psycopg 3's connection pool.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=1),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
    # Pooled connections are returned to the pool after each request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run: the web server, the worker and its beat write to one file. WAL lets readers go on while
    # one process writes; a writer waits up to SQLITE_BUSY_SECONDS for another instead of failing with
    # "database is locked"; and every transaction takes the write lock when it begins (IMMEDIATE), so two
    # transactions never both read and then deadlock asking to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_SECONDS", default=20),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, sign-in and lockout ----------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
# How long the link of an invitation into a county works (portal/people).
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

SESSION_ENGINE = "portal.sessions"
# The admin looks for Django's own session middleware by name; django-user-sessions' is a subclass of it.
SILENCED_SYSTEM_CHECKS = ["admin.E410"]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "portal.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy, set AXES_IPWARE_META_PRECEDENCE_ORDER via the proxy's header.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])

# The roles whose people must pass a second step (TOTP) at sign-in and on the admin site; anyone
# else with an authenticator app passes it too. On by default in production only, so the demo and
# the tests sign in with a password alone.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["county_coordinator", "national_admin"] if PRODUCTION else []
)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Trygghetsportalen")

CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# --- Single sign-on through organisations' OpenID Connect identity providers (portal/sso) --------
# OIDC_PROVIDERS names the providers (a comma list of slugs, e.g. "lansstyrelsen,malmo"); each has
# OIDC_<SLUG>_ISSUER (its discovery document is <issuer>/.well-known/openid-configuration),
# _CLIENT_ID, _CLIENT_SECRET, _ALLOWED_DOMAINS (the e-mail domains it may vouch for), _LABEL (the
# button's text) and optionally _MFA_ACR (acr values that mean multi-factor). None by default.
OIDC_PROVIDERS = {}
for _slug in env.list("OIDC_PROVIDERS", default=[]):
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", _slug):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS: {_slug!r} is not a slug (lower-case letters, digits, hyphens).")
    _prefix = f"OIDC_{_slug.upper().replace('-', '_')}_"
    OIDC_PROVIDERS[_slug] = {
        "issuer": env(f"{_prefix}ISSUER"),
        "client_id": env(f"{_prefix}CLIENT_ID"),
        "client_secret": env(f"{_prefix}CLIENT_SECRET"),
        "allowed_domains": [d.lower() for d in env.list(f"{_prefix}ALLOWED_DOMAINS")],
        "label": env(f"{_prefix}LABEL", default=""),
        "mfa_acr": env.list(f"{_prefix}MFA_ACR", default=[]),
    }
    if PRODUCTION and not OIDC_PROVIDERS[_slug]["issuer"].startswith("https://"):
        raise ImproperlyConfigured(f"{_prefix}ISSUER must be an https:// address under DJANGO_ENV=production.")
    if not OIDC_PROVIDERS[_slug]["allowed_domains"]:
        raise ImproperlyConfigured(f"{_prefix}ALLOWED_DOMAINS must name at least one e-mail domain.")

# --- Language, time and formats -------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# ISO dates and Swedish number formats in both languages: see core/formats/.
FORMAT_MODULE_PATH = ["core.formats"]
# Grouping is asked for where a number is a quantity ({{ n|floatformat:"0g" }}), never for years or codes.
USE_THOUSAND_SEPARATOR = False

# --- Static files and uploads ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry at set-up time (package.json) and are
# served from node_modules: never from a CDN, never copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Uploaded documents and report PDFs: the folder MEDIA_ROOT by default (make run, one host), or an
# S3-compatible object store shared by every web host and worker when OBJECT_STORE_BUCKET is set
# (docs/deployment.md). Either way a file is complete under its name or absent: core/files/storage.py.
OBJECT_STORE_BUCKET = env("OBJECT_STORE_BUCKET", default="")
if OBJECT_STORE_BUCKET:
    FILE_STORAGE = {
        "BACKEND": "core.files.storage.AtomicObjectStorage",
        "OPTIONS": {
            "bucket_name": OBJECT_STORE_BUCKET,
            # The store's address, e.g. https://s3.example-cloud.se; empty for AWS itself.
            "endpoint_url": env("OBJECT_STORE_ENDPOINT_URL", default="") or None,
            "region_name": env("OBJECT_STORE_REGION", default="") or None,
            "access_key": env("OBJECT_STORE_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("OBJECT_STORE_SECRET_ACCESS_KEY", default="") or None,
            # A folder inside the bucket, for a bucket shared with other systems.
            "location": env("OBJECT_STORE_PREFIX", default=""),
            # "path" (https://host/bucket/name) suits most S3-compatible stores; "virtual" for AWS-style hosts.
            "addressing_style": env("OBJECT_STORE_ADDRESSING_STYLE", default="path"),
            # A CA bundle's path for a store with a certificate of the authority's own CA.
            "verify": env("OBJECT_STORE_CA_BUNDLE", default="") or None,
            "connect_timeout": env.float("OBJECT_STORE_CONNECT_TIMEOUT", default=5),
            "read_timeout": env.float("OBJECT_STORE_READ_TIMEOUT", default=30),
            "max_attempts": env.int("OBJECT_STORE_MAX_ATTEMPTS", default=2),
        },
    }
else:
    # FileSystemStorage that never leaves a partial file (a full disk).
    FILE_STORAGE = {"BACKEND": "core.files.storage.AtomicFileSystemStorage"}
STORAGES = {
    "default": FILE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Domain rules ---------------------------------------------------------------------
# A compliance item (lägesbild, action programme, …) in place turns "outdated" after this many years.
COMPLIANCE_OUTDATED_AFTER_YEARS = env.int("COMPLIANCE_OUTDATED_AFTER_YEARS", default=4)
# Key figures from the national sources (README: "Key figures from Kolada, SCB and Brå").
KOLADA_BASE_URL = env("KOLADA_BASE_URL", default="https://api.kolada.se/v2")
KEY_FIGURE_SOURCE_TIMEOUT = env.int("KEY_FIGURE_SOURCE_TIMEOUT", default=30)  # seconds for one answer
# A measure with no progress update for this many days is flagged as stale.
MEASURE_STALE_AFTER_DAYS = env.int("MEASURE_STALE_AFTER_DAYS", default=90)
# Deadline reminders to municipal officers: this many days before a due date, and once after it.
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=14)
# Follow-up rounds: the reminder before a round's deadline, unless the coordinator sets another for the round.
ROUND_REMINDER_DAYS_BEFORE = env.int("ROUND_REMINDER_DAYS_BEFORE", default=5)
# The portal's address, for links in e-mails sent by background jobs.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The page where a user chooses which e-mails they get; every e-mail links to it (core.mail).
NOTICE_SETTINGS_PATH = "/profil/"
# A link confirming a new e-mail address of an account (profile page) expires after this many hours.
EMAIL_CHANGE_LINK_HOURS = env.int("EMAIL_CHANGE_LINK_HOURS", default=48)

# --- Forms ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------------
# Console by default; SMTP (or any backend) from the environment.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Trygghetsportalen <noreply@trygghetsportalen.se>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------
# A job never runs inside the request that starts it: a worker process runs it. With REDIS_URL
# (tests, production) Redis is the broker; without it (make run) the broker is a folder, kombu's
# filesystem transport, which needs no server: scripts/run_embedded.py starts the worker on it.
REDIS_URL = env("REDIS_URL", default="")
EMBEDDED_BROKER_DIR = Path(env("EMBEDDED_BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
CELERY_RESULT_BACKEND = None
# Celery's eager mode (a job run by the process that enqueues it) is never used: one way to run a job.
CELERY_TASK_ALWAYS_EAGER = False
# A task run in this process with task.apply() (tests of what a task does) raises what the task raised.
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="trygghetsportalen")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# The broker re-delivers an unacknowledged task after this many seconds: it must exceed
# the hard time limit, or a long task would be run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
if not REDIS_URL:
    # One folder is both the queue the web server writes to and the one the worker reads from; the
    # folders are made when Celery is configured (portal/celery.py). The worker looks twice a second.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(EMBEDDED_BROKER_DIR / "queue"),
        "data_folder_out": str(EMBEDDED_BROKER_DIR / "queue"),
        "control_folder": str(EMBEDDED_BROKER_DIR / "control"),
        "polling_interval": 0.5,
    }
CELERY_TIMEZONE = TIME_ZONE
# Celery beat (`celery -A portal beat`; make run: the worker's embedded beat): the schedules, in CELERY_TIMEZONE.
CELERY_BEAT_SCHEDULE = {
    # Before the working day, so an officer reads it with the morning mail; each reminder is sent once.
    "deadline-reminders": {"task": "agreements.tasks.send_deadline_reminders", "schedule": crontab(hour=6, minute=30)},
    # Follow-up rounds: invitations not yet sent, and the reminders before and after each deadline.
    "round-reminders": {"task": "actions.send_open_rounds_notices", "schedule": crontab(hour=6, minute=40)},
    "municipal-rounds": {"task": "agreements.tasks.send_open_rounds_notices", "schedule": crontab(hour=6, minute=50)},
    # After the reminders: each person's digest of the notices they chose to get once a day.
    "daily-digests": {"task": "core.send_daily_digests", "schedule": crontab(hour=6, minute=55)},
    # The steering group's county report on the first weekday morning of each quarter.
    "quarterly-county-reports": {
        "task": "portal.tasks.produce_quarterly_county_reports",
        "schedule": crontab(day_of_month="1", month_of_year="1,4,7,10", hour=7, minute=0),
    },
    # The data versions of core/caching.py: each scope keeps its newest row.
    "prune-data-changes": {"task": "core.prune_data_changes", "schedule": crontab(hour=3, minute=5)},
    # Deactivated accounts whose retention time has passed lose their personal data (portal.privacy).
    "anonymise-expired-accounts": {
        "task": "portal.tasks.anonymise_expired_accounts",
        "schedule": crontab(hour=3, minute=15),
    },
    # Once a year, when Kolada has published the year before: each county's followed KPIs are fetched
    # for its coordinators to review and save (municipalities.tasks).
    "fetch-followed-key-figures": {
        "task": "municipalities.tasks.fetch_followed_key_figures",
        "schedule": crontab(
            day_of_month=env("KEY_FIGURE_FETCH_DAY", default="15"),
            month_of_year=env("KEY_FIGURE_FETCH_MONTH", default="3"),
            hour=5,
            minute=0,
        ),
    },
    # Reports whose worker died without re-delivery are marked failed, so nobody waits forever;
    # reports requested while the broker was down are sent again.
    "sweep-stuck-reports": {
        "task": "portal.tasks.sweep_stuck_reports",
        "schedule": timedelta(seconds=env.int("REPORT_SWEEP_SECONDS"))
        if env("REPORT_SWEEP_SECONDS", default="")
        else crontab(minute="*/5"),
    },
}
# Beat reads the schedule from the database, where administrators edit it on the admin site;
# the entries above are copied there when beat starts.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Personal data --------------------------------------------------------------------
# Days a deactivated account keeps its personal data before the nightly job removes it.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
# Days a person's PDF export is kept for the administrator who asked for it; the nightly job deletes it.
PERSONAL_EXPORT_KEEP_DAYS = env.int("PERSONAL_EXPORT_KEEP_DAYS", default=7)

# --- Reports --------------------------------------------------------------------------
REPORT_STUCK_AFTER_SECONDS = env.int("REPORT_STUCK_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT * 3)
# A report still queued after this long lost its message (the broker was down): the sweep sends it again.
REPORT_RESEND_AFTER_SECONDS = env.int("REPORT_RESEND_AFTER_SECONDS", default=600)

# --- Health check (/healthz, portal/health.py) -----------------------------------------
# Seconds the check waits for the broker (the store: OBJECT_STORE_CONNECT_TIMEOUT).
HEALTH_TIMEOUT = env.float("HEALTH_TIMEOUT", default=3)

# --- Security headers -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The health check is asked over plain HTTP on the internal hop (the proxy, the container's check).
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Only for a portal reached over plain HTTP on loopback (the resilience tests): never turn these off in service.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

# --- Cache (core/caching.py) ------------------------------------------------------------
# Computed sections are cached under their data versions (rows in the database, bumped by every
# write), so any cache shared by the processes is correct. With REDIS_URL: Redis (CACHE_URL, by
# default the broker's), failing open (core/cache_backend.py: with Redis down, pages compute and the
# API's rate limits let requests through). Without it (make run): a folder every process reads,
# the web server's and the worker's alike.
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
CACHE_SECONDS = env.int("CACHE_SECONDS", default=60 * 60)
# Keys of one installation (and, in tests, of one run: the test database's versions start anew).
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="tp" if DJANGO_ENV != "test" else CELERY_TASK_DEFAULT_QUEUE)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "TIMEOUT": CACHE_SECONDS,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
            "TIMEOUT": CACHE_SECONDS,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# --- Read-only JSON API (/api/, portal/api/) -------------------------------------------
# Anonymous callers read the public material; a personal token (Authorization: Token <key>)
# reads what its user sees. Throttle counters live in the default cache (above), shared by
# the processes, so the limits hold across them.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "portal.api.policies.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.policies.TokenRateThrottle", "portal.api.policies.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_RATE_TOKEN", default="1000/hour"),
        "anonymous": env("API_RATE_ANONYMOUS", default="200/hour"),
    },
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# The schema (/api/schema/) is English for every caller; /api/docs/ is the portal's own page built
# from it in the reader's language (portal/api/docs.py), so no Swagger UI or ReDoc is served.
SPECTACULAR_SETTINGS = {
    "TITLE": "Trygghetsportalen API",
    "DESCRIPTION": (
        "Read-only access to counties, municipalities, regional action plans, citizen pledges and "
        "cooperation agreements. Without a token the API returns public material only; with "
        "`Authorization: Token <key>` (created at /api/nycklar/) it returns what the key's user sees."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every step of every report at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
