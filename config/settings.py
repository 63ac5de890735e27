"""Settings for the whole site, read from the environment.

A fresh clone runs with no environment at all: SQLite in the project folder, DEBUG from the
Makefile. Production differs only by environment variables (see .env.example).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value not in ("true", "false", "1", "0"):
        raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")
    return value in ("true", "1")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

LOCAL_SECRET_KEY = "insecure-local-development-key-never-use-in-production"
# Values that have appeared in this project's examples: a key copied from them is public.
PLACEHOLDER_SECRET_KEYS = {
    LOCAL_SECRET_KEY,
    "change-me",
    "changeme",
    "replace-with-a-long-random-string",
    "secret",
}
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for local work."
        )
    # Django's own deploy check (security.W009) calls a key weak below 50 characters, with
    # fewer than 5 different ones, or with the prefix startproject writes.
    if (
        SECRET_KEY in PLACEHOLDER_SECRET_KEYS
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is a placeholder or too weak: use at least 50 random characters, e.g. "
            'python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
elif not SECRET_KEY:
    SECRET_KEY = LOCAL_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_ratelimit",
    "template_partials",
    "axes",
    "prep",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The catalogue's version is read at most once a request (prep/fragments.py).
    "prep.fragments.CatalogueVersionMiddleware",
    # Compress pages (a list page is ~400 KB of HTML, ~30 KB gzipped). Against BREACH, Django
    # masks the CSRF token afresh on every response and this middleware pads each body randomly.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "prep.http.PrivatePagesMiddleware",
    "prep.http.SessionLifetimeMiddleware",
    "prep.http.ExpiredSessionMiddleware",
    # Input no browser sends (a NUL, a malformed HX-Current-URL, a blank admin _to_field): 400.
    "prep.http.MalformedInputMiddleware",
    # Last, so a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock at BEGIN so concurrent ticks queue instead of failing with
        # "database is locked" halfway through a transaction; WAL lets readers carry on.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "prep:home"
LOGOUT_REDIRECT_URL = "prep:home"
# A form posted after logging out in another tab fails the CSRF check: send its writer to log in
# again, with a message, instead of a bare 403.
CSRF_FAILURE_VIEW = "prep.http.csrf_failure"

# Lock a username at one IP address out after five failed logins, for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Usernames cut to axes' 255-character column: the login form does not limit their length.
AXES_USERNAME_CALLABLE = "prep.http.axes_username"
# Behind a reverse proxy every request comes from the proxy's address, and one stranger's five
# wrong passwords would lock a username out for everyone. Say how many proxies to trust, and
# axes reads the client's address from X-Forwarded-For instead.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0")) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# django-ipware, which the two settings above are for, is not installed, so axes would read
# REMOTE_ADDR (the proxy's); the rate limits' reading of the client address serves axes too.
AXES_CLIENT_IP_CALLABLE = "prep.limits.client_ip"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    # No collectstatic needed while developing; the manifest is for production.
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

# Password reset mails a link that logs its holder in: it must reach the user and nobody else.
# With DEBUG off the site refuses to start without a mail server, unless PASSWORD_RESET=false
# turns the feature off (its links and pages are then gone).
PASSWORD_RESET_ENABLED = env_bool("PASSWORD_RESET", True)
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if not DEBUG and os.environ.get("EMAIL_HOST")
    else CONSOLE_EMAIL
)
if (
    not DEBUG
    and PASSWORD_RESET_ENABLED
    and EMAIL_BACKEND
    in (
        CONSOLE_EMAIL,
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    )
):
    raise ImproperlyConfigured(
        "No mail server is configured, so password-reset links would be printed to the log "
        "(or lost). Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD), or set "
        "PASSWORD_RESET=false to turn password reset off."
    )
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MLE Prep <noreply@localhost>")

# HTTPS. Production defaults are on; a plain-http local stack (docker-compose) turns them off.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's health check speaks plain http to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is hard to undo (browsers ship the list): only when the operator says so.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# X-Forwarded-Proto says "this came over https" only when a proxy we trust sets it; without a
# proxy, any client could send the header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Django's cache, in the database so every gunicorn worker shares it. The table comes from a
# migration (createcachetable). Nothing of ours uses it since rate limits moved to their own
# table; it stays for anything that reaches for the default cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "prep_cache",
        # Django culls a third of the entries past MAX_ENTRIES (300 by default).
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Rate-limit counts: integers in the prep_ratecount table (prep.models.RateCount), each
    # add or increment one atomic statement, shared by every worker.
    "ratelimit": {"BACKEND": "prep.ratecount.CounterCache"},
}

# Rate limits (prep/limits.py, counted by django-ratelimit): "N/period", period s, m, h or d.
# An address over a limit gets 429 with Retry-After until its window ends.
RATE_LIMITS = {
    "login-ip": "30/15m",  # logins from one address, whatever the usernames
    "login-username": "20/h",  # logins to one username, from anywhere
    "signup-ip": "10/h",
    "password-reset-ip": "10/h",
    "password-reset-email": "3/h",  # reset mails to one address
    "share-token": "300/h",  # a mentor's page views on one link
}
RATELIMIT_IP_META_KEY = "prep.limits.client_ip"
RATELIMIT_USE_CACHE = "ratelimit"
# django-ratelimit warns about any backend but memcached and Redis. Ours increments atomically
# in the database (prep/ratecount.py), so parallel requests lose no counts and no cache server
# is needed.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Sessions end after SESSION_IDLE_DAYS without a visit, and SESSION_MAX_DAYS after logging in
# whatever happens (prep.http.SessionLifetimeMiddleware).
SESSION_IDLE_DAYS = int(os.environ.get("SESSION_IDLE_DAYS", "14"))
SESSION_MAX_DAYS = int(os.environ.get("SESSION_MAX_DAYS", "60"))
SESSION_COOKIE_AGE = SESSION_IDLE_DAYS * 24 * 60 * 60

# Content-Security-Policy on every response (django-csp): scripts and styles only from our own
# files, no inline code, nothing framed. htmx is told not to inject its indicator <style> and
# never to eval (base.html's htmx-config). Images in notes may come from any https address.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Share-link and password-reset tokens travel in paths; the handler that writes every line
    # replaces them, whichever logger a record comes from (prep/log_filters.py). gunicorn's own
    # loggers get the same filter from gunicorn.conf.py.
    "filters": {"redact_secrets": {"()": "prep.log_filters.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replace Django's own console handler, so each line is printed once, by the root's.
        "django": {"handlers": [], "propagate": True},
        # Axes reports every successful login at INFO; keep lockouts and failures only.
        "axes": {"level": "WARNING"},
    },
}
