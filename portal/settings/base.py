"""Settings shared by every environment; dev, test and production override only what
they must.

Everything that differs between machines comes from environment variables (see
``.env.example``). ``DATABASE_URL`` selects the database under every settings module.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list without blanks."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.accounts",
    "home",
    "courses",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.accounts.apps.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.i18n.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.cache.AnonymousPageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL (sqlite:///path or postgres://...) or SQLite at db.sqlite3.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at the
    # start of a transaction so concurrent writers wait (busy timeout) instead of
    # failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The search index's tsvector fields and GIN indexes (Django 6.1 checks this).
    INSTALLED_APPS.append("django.contrib.postgres")
# Keep connections between requests (SQLite's PRAGMAs then run once per connection).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["portal.accounts.backends.EmailOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# One rate-limited login and password reset for the whole site, the admin included.
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Internationalisation: Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shifu",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "shifu",
    }
# Seconds an anonymous page response stays cached; publishing invalidates earlier.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = (
    False  # the vote widget reads it; Django's docs: no security gain
)
X_FRAME_OPTIONS = "SAMEORIGIN"  # the Wagtail admin previews pages in an iframe


def mailers_from_env(default_backend: str) -> dict:
    """Django 6.1's MAILERS from EMAIL_* environment variables (SMTP options only for
    the SMTP backend; other backends take none)."""
    backend = os.environ.get("EMAIL_BACKEND", default_backend)
    config: dict = {"BACKEND": backend}
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        config["OPTIONS"] = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 20,
        }
    return {"default": config}


MAILERS = mailers_from_env("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "师傅学习平台 <noreply@shifu.local>"
)

# Rate limits: (attempts, window seconds).
LOGIN_RATE_LIMIT = (10, 300)
REGISTRATION_RATE_LIMIT = (5, 3600)
PASSWORD_RESET_RATE_LIMIT = (5, 3600)
VOTE_RATE_LIMIT = (30, 3600)
SEARCH_SUGGEST_RATE_LIMIT = (120, 60)
# Feedback form POSTs per IP (anonymous) or per account (signed in).
FEEDBACK_RATE_LIMIT = (10, 600)
# Seconds a feedback summary is reused while no submission is added, deleted or
# reviewed (0 = aggregate on every request).
FEEDBACK_SUMMARY_CACHE_SECONDS = 600

# Background work (django.tasks). "default" runs Wagtail's own small jobs (search and
# reference index updates) inline, so the index is current the moment a page is
# published; "background" keeps Shifu's e-mails and reminders in the database until the
# worker runs them (`manage.py db_worker --backend background`, started by `make run`).
TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
    "background": {
        "BACKEND": os.environ.get(
            "BACKGROUND_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        )
    },
}
# Training reminders: the hour (local time) the daily run starts (each assignment
# sets the days before its due date, 7 and 1 by default).
REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", "8"))

# Certificate serial numbers: <prefix>-<year>-<000123>.
CERTIFICATE_SERIAL_PREFIX = os.environ.get("CERTIFICATE_SERIAL_PREFIX", "SF")
# Seconds a rendered certificate PDF is reused (keyed by status and template version).
CERTIFICATE_PDF_CACHE_SECONDS = 24 * 3600
# Public verification: lookups per IP and window; holder names shown as 张*丰.
CERTIFICATE_VERIFY_RATE_LIMIT = (30, 600)
CERTIFICATE_VERIFY_MASK_NAMES = env_bool("CERTIFICATE_VERIFY_MASK_NAMES", True)
# Days before expiry a holder is reminded; days a renewal cycle has to be completed.
CERTIFICATE_EXPIRY_REMINDER_DAYS = (60, 30, 7)
CERTIFICATE_RENEWAL_DUE_DAYS = 30

# Search query log: counts gather in the cache and reach the database at most every
# SEARCH_LOG_FLUSH_SECONDS (or after SEARCH_LOG_FLUSH_QUERIES distinct queries).
SEARCH_LOG_FLUSH_SECONDS = int(os.environ.get("SEARCH_LOG_FLUSH_SECONDS", "60"))
SEARCH_LOG_FLUSH_QUERIES = 500
# Seconds a query's ranking (ids and scores, per audience and filters) is reused; any
# publish, unpublish, privacy or synonym change starts afresh at once. 0 turns it off.
SEARCH_RESULTS_CACHE_SECONDS = int(os.environ.get("SEARCH_RESULTS_CACHE_SECONDS", "60"))

# Wagtail
WAGTAIL_SITE_NAME = "师傅学习平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# Wagtail's database search (SQLite FTS5 or PostgreSQL, by vendor) with Chinese word
# segmentation and synonyms: see home/search/ and README, Search.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "home.search.backend"}}
# Days of search counts kept for the promotions admin's popular queries.
WAGTAILSEARCH_HITS_MAX_AGE = 90
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # documents pass the collection privacy check
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests from the admin
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_USER_CUSTOM_FIELDS = []

WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.tasks": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}
