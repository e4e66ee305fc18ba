"""Settings. Everything comes from the environment (see `.env.example`); defaults suit a laptop.

The embedded defaults need no server: SQLite, a filesystem Celery broker and the sandbox AWS on loopback.
Set DATABASE_URL / REDIS_URL (or CELERY_BROKER_URL) to use PostgreSQL and Redis.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str, local_secrets, refuse_placeholder

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# --- core -----------------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", True)
# Secrets: from the environment (or X_FILE). With DEBUG off they are required; with DEBUG on, a missing one is
# generated at random on first start and kept in VAR_DIR/local-secrets.json (mode 0600), never derived from a
# constant. Published placeholders are refused either way.
_LOCAL = None if not DEBUG else local_secrets(VAR_DIR)
SECRET_KEY = refuse_placeholder("SECRET_KEY", env_str("SECRET_KEY", ""))
if not SECRET_KEY:
    if _LOCAL is None:
        raise ImproperlyConfigured("DEBUG is off: set SECRET_KEY (long and random: secrets.token_urlsafe(50)).")
    SECRET_KEY = _LOCAL["SECRET_KEY"]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_htmx",
    "template_partials",
    "tutorial",
    "tutorial.learning",
    "tutorial.classes",
    "tutorial.console",
    "provisioning",
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",  # /healthz, before host checks and the HTTPS redirect (load balancers)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files in production (hashed, compressed, cached)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is shared by web, worker and beat processes: WAL lets readers run beside a writer,
    # IMMEDIATE transactions take the write lock up front (no "database is locked" on upgrade), and a busy
    # timeout makes a writer wait its turn instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tutorial.learning.passwords.MaximumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tutorial:home"
LOGOUT_REDIRECT_URL = "tutorial:home"

# --- i18n: Japanese first, English complete ------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Tokyo")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))  # where collectstatic writes
# Production (DEBUG off): `collectstatic` writes hashed, compressed copies that whitenoise serves with far-future
# cache headers. With DEBUG on, files are served as they are from the source folders (no collectstatic needed).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 365 * 24 * 3600  # hashed names change with the content, so caching them for a year is safe
WHITENOISE_USE_FINDERS = DEBUG  # DEBUG on: straight from the source folders, re-read on change (no collectstatic)
WHITENOISE_AUTOREFRESH = DEBUG

# --- security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the body's hx-headers, not the cookie
# HTTPS: SECURE_COOKIES=true says the site is served over HTTPS (directly or behind a TLS proxy). It turns on
# secure cookies, the redirect to https and HSTS; each can be set on its own. Behind a proxy that terminates TLS,
# SECURE_PROXY_SSL_HEADER names the header it sets (e.g. X-Forwarded-Proto) - only when the proxy always sets or
# overwrites it. `manage.py check --deploy` passes with no warning when these are on (tests/test_deploy.py).
SECURE_COOKIES = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_COOKIES)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_COOKIES)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_COOKIES)
_PROXY_HEADER = env_str("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_HEADER.upper().replace("-", "_"), "https") if _PROXY_HEADER else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from this site, no inline script, no eval (htmx is
# told not to eval, see templates/base.html). Style *attributes* stay allowed: sanitised content keeps
# `text-align` on table cells and htmx swaps markup with them; a style attribute cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Fernet keys (comma-separated, newest first) for credentials at rest. Rotation: prepend a new key, keep the old.
FIELD_ENCRYPTION_KEYS = [refuse_placeholder("FIELD_ENCRYPTION_KEYS", k) for k in env_list("FIELD_ENCRYPTION_KEYS", "")]
if not FIELD_ENCRYPTION_KEYS:
    if _LOCAL is None:
        raise ImproperlyConfigured("DEBUG is off: set FIELD_ENCRYPTION_KEYS (Fernet keys, comma-separated).")
    FIELD_ENCRYPTION_KEYS = [_LOCAL["FIELD_ENCRYPTION_KEY"]]

# --- throttling (django-ratelimit; rates and keys in tutorial/learning/throttle.py) ----------------------------
# Counters live in their own cache: Redis when REDIS_URL is set (shared by every web process, atomic INCR); else
# this process's memory, which the embedded default's single web process (runserver, threaded) shares.
RATELIMIT_USE_CACHE = "ratelimit"
_RATELIMIT_REDIS = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _RATELIMIT_REDIS, "KEY_PREFIX": "rl"}
        if _RATELIMIT_REDIS
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}

# --- mail -----------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "handson@localhost")

# --- Celery ---------------------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    # The embedded broker is a folder shared by web and worker; it must exist before either starts.
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "control_folder": str(VAR_DIR / "broker-control"),  # kombu's default is ./control, in the checkout
        "store_processed": False,
        # How often the worker looks in the folder for a new message (kombu's default is 1 s, which was most of a
        # sandbox check's wait); a directory listing every 0.1 s costs next to nothing.
        "polling_interval": env_int("CELERY_BROKER_POLLING_INTERVAL_MS", 100) / 1000,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None  # runs and results live in the database
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the worker's database connections before and after every task unless this is set:
# a new PostgreSQL connection (and server process) per run. Keep each thread's connection for this many tasks.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 200)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 120)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 100)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# One queue name per deployment (tests give each worker process a queue of its own, see tests/plugins/worker.py).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Worker processes per `celery worker` (compose: CELERY_WORKER_CONCURRENCY; docs/deploy.md sizes it).
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 4)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE: dict = {}  # filled by the apps that need periodic work (see tutorial/classes/apps.py)

# --- AWS ------------------------------------------------------------------------------------------------------
AWS_DEFAULT_REGION = env_str("AWS_DEFAULT_REGION", "ap-northeast-1")
# The app's own AWS principal, which learners' roles trust (the CloudFormation template); `manage.py aws_identity`
# prints it. With DEBUG on it defaults to a documentation placeholder (nothing real trusts it). With DEBUG off the
# placeholder is refused, and when unset, connecting a real account through a role shows as not configured (the
# sandbox and access keys still work).
_PLACEHOLDER_PRINCIPAL = "arn:aws:iam::111122223333:root"
AWS_APP_PRINCIPAL_ARN = env_str("AWS_APP_PRINCIPAL_ARN", _PLACEHOLDER_PRINCIPAL if DEBUG else "")
if not DEBUG and ":111122223333:" in AWS_APP_PRINCIPAL_ARN:
    raise ImproperlyConfigured(
        "AWS_APP_PRINCIPAL_ARN is the documentation placeholder: set the app's own principal "
        "(`manage.py aws_identity` prints it) or leave it unset to offer the sandbox and access keys only."
    )
AWS_ROLE_CONNECTIONS_CONFIGURED = bool(AWS_APP_PRINCIPAL_ARN)
# CloudFormation's quick-create link only takes a template from S3: with a bucket here the app uploads the shared
# template (the ExternalId is a parameter) and links to it; without one, learners download and upload the file.
CFN_TEMPLATE_BUCKET = env_str("CFN_TEMPLATE_BUCKET", "")
CFN_TEMPLATE_BUCKET_REGION = env_str("CFN_TEMPLATE_BUCKET_REGION", AWS_DEFAULT_REGION)
# The sandbox AWS (a moto server the product starts; see provisioning/sandbox).
SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", True)
SANDBOX_HOST = env_str("SANDBOX_HOST", "127.0.0.1")
SANDBOX_PORT = env_int("SANDBOX_PORT", 5055)
SANDBOX_URL = env_str("SANDBOX_URL", f"http://{SANDBOX_HOST}:{SANDBOX_PORT}")
SANDBOX_DATAPLANE_URL = env_str("SANDBOX_DATAPLANE_URL", "")  # default derived by provisioning.sandbox
# Each learner account's sandbox state, saved every SANDBOX_SAVE_INTERVAL seconds and on shutdown ("" disables).
SANDBOX_STATE_DIR = env_str("SANDBOX_STATE_DIR", str(VAR_DIR / "sandbox-state"))
SANDBOX_SAVE_INTERVAL = env_int("SANDBOX_SAVE_INTERVAL", 5)
SANDBOX_RATE_LIMIT = env_str("SANDBOX_RATE_LIMIT", "40/second;600/minute")  # per learner account, `limits` notation
# Encrypts learners' stored sandbox CLI keys (provisioning/sandbox/credentials.py: rotating it with
# SANDBOX_PREVIOUS_SECRETS). Defaults to the local random one with DEBUG on, to SECRET_KEY with DEBUG off.
SANDBOX_SECRET = refuse_placeholder("SANDBOX_SECRET", env_str("SANDBOX_SECRET", "")) or (
    _LOCAL["SANDBOX_SECRET"] if _LOCAL is not None else SECRET_KEY
)
SANDBOX_PREVIOUS_SECRETS = env_str("SANDBOX_PREVIOUS_SECRETS", "")  # comma-separated; still decrypt, during rotation

# --- classes: when the dashboard flags a learner as stuck (see tutorial/classes/selectors.py) ---------------------
CLASSES_STUCK_AFTER_MINUTES = env_int("CLASSES_STUCK_AFTER_MINUTES", 15)
CLASSES_STUCK_REPEAT_RUNS = env_int("CLASSES_STUCK_REPEAT_RUNS", 3)
CLASSES_STUCK_MIN_GAP_SECONDS = env_int("CLASSES_STUCK_MIN_GAP_SECONDS", 60)

# --- content --------------------------------------------------------------------------------------------------
CONTENT_DIR = Path(env_str("CONTENT_DIR", str(BASE_DIR / "content")))
# Instructors drop real screenshots here (same file names as the seed's slots) to replace the project's figures.
CONTENT_OVERRIDE_DIR = Path(env_str("CONTENT_OVERRIDE_DIR", str(VAR_DIR / "content-override")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"botocore": {"level": "WARNING"}, "urllib3": {"level": "WARNING"}},
}
