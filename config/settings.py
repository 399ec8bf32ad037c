"""Pontis settings: one module, every deployment-specific value read from the environment.

PONTIS_ENV selects the profile: ``development`` (default, demo-friendly), ``test`` or ``production``.
Production refuses to start on an insecure configuration (see ``_check_production``).
"""

import math
import os
from collections import Counter
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PONTIS_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PONTIS_ENVIRONMENTS = ("development", "test", "production")
PONTIS_ENV = env("PONTIS_ENV", "development")
if PONTIS_ENV not in PONTIS_ENVIRONMENTS:
    # A misspelt profile ("Production", "prod") must not fall back to the relaxed development profile.
    raise ImproperlyConfigured(
        f"PONTIS_ENV={PONTIS_ENV!r} is not a Pontis profile; use exactly one of: " + ", ".join(PONTIS_ENVIRONMENTS) + "."
    )
PRODUCTION = PONTIS_ENV == "production"
TESTING = PONTIS_ENV == "test"

SECRET_KEY = env("SECRET_KEY") or ("" if PRODUCTION else "pontis-insecure-development-key-not-for-production")
DEBUG = env_bool("DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The demo may relax MFA for staff roles; a banner says so on every page. Production never does.
PONTIS_DEMO = env_bool("PONTIS_DEMO", default=not PRODUCTION and not TESTING)
PONTIS_RELAX_MFA = env_bool("PONTIS_RELAX_MFA", default=PONTIS_DEMO) and not PRODUCTION
PONTIS_SITE_URL = env("PONTIS_SITE_URL", "http://127.0.0.1:8000")
# Public and observers' aggregate figures are recomputed at most this often (core.selectors.cached_figures); 0: never cached.
PONTIS_FIGURES_CACHE_SECONDS = int(env("PONTIS_FIGURES_CACHE_SECONDS", "0" if TESTING else "300"))
# Figures refreshed in the background (stale-while-revalidate) are kept this long (core.selectors.cached_figures).
PONTIS_FIGURES_KEEP_SECONDS = int(env("PONTIS_FIGURES_KEEP_SECONDS", "86400"))
# Pages kept in the shared cache for a short time; each defaults to PONTIS_FIGURES_CACHE_SECONDS with a cap (so 0 in
# tests), and 0 turns it off. The public IATI file's sources are read again at most this often
# (pontis.reports.iati.publish); the portal home's lists for anonymous readers (pontis.knowledge.portal); the work
# map (pontis.knowledge.maps); a computed "Similar elsewhere" list (pontis.knowledge.similar).
PONTIS_IATI_RECHECK_SECONDS = int(env("PONTIS_IATI_RECHECK_SECONDS", str(min(PONTIS_FIGURES_CACHE_SECONDS, 60))))
PONTIS_PORTAL_CACHE_SECONDS = int(env("PONTIS_PORTAL_CACHE_SECONDS", str(min(PONTIS_FIGURES_CACHE_SECONDS, 60))))
PONTIS_MAP_CACHE_SECONDS = int(env("PONTIS_MAP_CACHE_SECONDS", str(min(PONTIS_FIGURES_CACHE_SECONDS, 120))))
PONTIS_SIMILAR_CACHE_SECONDS = int(env("PONTIS_SIMILAR_CACHE_SECONDS", str(min(PONTIS_FIGURES_CACHE_SECONDS, 60))))
PONTIS_COMPLEMENTARITY_CACHE_SECONDS = int(
    env("PONTIS_COMPLEMENTARITY_CACHE_SECONDS", str(min(PONTIS_FIGURES_CACHE_SECONDS, 60))))
PONTIS_MATCHING_CACHE_SECONDS = int(env("PONTIS_MATCHING_CACHE_SECONDS", str(min(PONTIS_FIGURES_CACHE_SECONDS, 60))))
# IATI open data (pontis.reports.iati): the reporting organisation (the facility's implementer, also written as
# the implementing participating organisation) and the funder. REF is an IATI organisation identifier (an approved
# registration agency prefix, then the organisation's number); TYPE is an OrganisationType code (40 Multilateral,
# 15 Other public sector, 10 Government...). The defaults suit the demo only: set the real ones in production.
PONTIS_IATI_REPORTING_ORG_REF = env("PONTIS_IATI_REPORTING_ORG_REF", "XI-IATI-PONTIS")
PONTIS_IATI_REPORTING_ORG_NAME = env("PONTIS_IATI_REPORTING_ORG_NAME", "Pontis demonstration facility")
PONTIS_IATI_REPORTING_ORG_TYPE = env("PONTIS_IATI_REPORTING_ORG_TYPE", "40")
PONTIS_IATI_FUNDER_REF = env("PONTIS_IATI_FUNDER_REF", "XI-IATI-EC_INTPA")
PONTIS_IATI_FUNDER_NAME = env("PONTIS_IATI_FUNDER_NAME", "European Commission - International Partnerships")
PONTIS_IATI_FUNDER_TYPE = env("PONTIS_IATI_FUNDER_TYPE", "15")
# The load benchmark's layout floor (/_floor, pontis.devtools.views.floor): routed only when this is on.
PONTIS_BENCH_FLOOR = env_bool("PONTIS_BENCH_FLOOR", False)
# Search by meaning (pontis.knowledge.meaning): the sentence encoder, "use" (multilingual USE v3) or "off".
PONTIS_MEANING_ENCODER = env("PONTIS_MEANING_ENCODER", "use")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "django_htmx",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "pontis.core",
    "pontis.accounts",
    "pontis.intake",
    "pontis.actions",
    "pontis.experts",
    "pontis.events",
    "pontis.feedback",
    "pontis.knowledge",
    "pontis.reports",
    "pontis.devtools",  # top layer: stress data, the load benchmark's floor page (imports every app)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pontis.accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The reader's time zone: their profile's, else their browser's, else TIME_ZONE (pontis/core/timezones.py).
    "pontis.core.timezones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pontis.accounts.middleware.PreferredLanguageMiddleware",
    # A public page addressed as ?lang=xx shows in that language (the sitemap's alternates; knowledge/portal_language.py).
    "pontis.knowledge.portal_language.AddressedLanguageMiddleware",
    "pontis.accounts.middleware.RequireMFAMiddleware",
    "pontis.core.permissions.AccessDeclarationMiddleware",
    # A NUL character in a URL, query or form is refused before any view runs (pontis/core/input.py).
    "pontis.core.input.RefuseUnstorableTextMiddleware",
    # Last, so its process_exception sees a view's database outage first: 503, not 500 (pontis/core/middleware.py).
    "pontis.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pontis" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pontis.core.context_processors.pontis",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pontis.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers and one writer work at once; the timeout avoids "database is locked" under the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down or hangs must not hang the web workers (docs/deploy.md, "When the database is
    # away"): connecting, each statement, and every wait for an answer are bounded; the request then answers 503.
    DB_CONNECT_TIMEOUT = int(env("DB_CONNECT_TIMEOUT", "3"))
    # Seconds; 0 turns both statement bounds off. config/wsgi.py and asgi.py default it to 30 for web requests.
    DB_STATEMENT_TIMEOUT = float(env("DB_STATEMENT_TIMEOUT", "0"))
    DATABASES["default"]["ENGINE"] = "pontis.core.dbbackend"
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if DB_STATEMENT_TIMEOUT:
        _db_options["options"] = (
            _db_options.get("options", "") + f" -c statement_timeout={int(DB_STATEMENT_TIMEOUT * 1000)}"
        ).strip()
        # The server cancels a slow statement first; the client gives up only on a server that says nothing.
        DATABASES["default"]["CLIENT_WAIT_LIMIT"] = DB_STATEMENT_TIMEOUT + 5
    # A page's small statements are prepared on the server once per connection (pontis.core.awaiting). Turn off
    # behind a pooler that shares server connections between clients per transaction (docs/deploy.md).
    DATABASES["default"]["PREPARED_STATEMENTS"] = env_bool("DB_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# django-allauth: e-mail sign-in, no public sign-up (accounts are created by staff or by the expert registration flow).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_ADAPTER = "pontis.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins are counted per account (5 in 5 minutes lock that account) and, separately, per client
    # address (20 in 5 minutes, across accounts, lock that client). The account comes first so that attempts on
    # an account already locked do not use up the address's allowance, which everyone behind a shared
    # address (an office, the reverse proxy when PONTIS_TRUSTED_PROXY_COUNT is not set) depends on.
    "login_failed": "5/5m/key,20/5m/ip",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "10/m/ip",
}
# The client's address behind reverse proxies (pontis.core.http.client_ip): the proxy header is trusted only when
# the operator says how many proxies append to it; then it is read right to left, that many entries.
PONTIS_TRUSTED_PROXY_COUNT = int(env("PONTIS_TRUSTED_PROXY_COUNT", "0"))
PONTIS_CLIENT_IP_HEADER = env("PONTIS_CLIENT_IP_HEADER", "X-Forwarded-For")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pontis"

SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle sessions expire; active ones slide without a write per request: pontis.accounts.middleware.SessionRefreshMiddleware
# saves a signed-in session (moving its expiry) at most once per PONTIS_SESSION_REFRESH_SECONDS.
SESSION_SAVE_EVERY_REQUEST = False
PONTIS_SESSION_REFRESH_SECONDS = int(env("PONTIS_SESSION_REFRESH_SECONDS", "300"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from this site's static files. No inline
# <script>, no on*= handlers, no hx-on, no eval (htmx's allowEval is off in base.html's htmx-config), so an
# injected fragment of HTML cannot run code. Data URIs are allowed for images only (the TOTP QR code).
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
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # The proxy in front of gunicorn terminates TLS and says so in this header (docs/deploy.md, "HTTPS behind the
    # proxy"); gunicorn must be reachable only from the proxy, or a client could claim HTTPS itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")
if PRODUCTION and not SECURE_HSTS_PRELOAD and "security.W021" not in SILENCED_SYSTEM_CHECKS:
    # HSTS preloading is a decision for the owner of the whole domain (browsers ship the list; leaving it takes
    # months), not one Pontis can take from its own host name; check --deploy warns about every site that has not
    # taken it. Everything else check --deploy asks for is on, so its remaining warning is silenced, and only that
    # one (tests/test_deploy_checks.py holds both). SECURE_HSTS_PRELOAD=1 once the domain is submitted.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Caches: Redis when REDIS_URL is set (shared across workers, needed for rate limits in production).
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "pontis.core.cache.RedisCache", "LOCATION": env("REDIS_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pontis"}}

# Internationalisation: five UI languages, all shipped.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
]
LANGUAGE_NAMES_NATIVE = {"en": "English", "fr": "Français", "es": "Español", "pt": "Português", "ru": "Русский"}
LOCALE_PATHS = [BASE_DIR / "pontis" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [
    BASE_DIR / "pontis" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),  # searchable pickers (core.forms.Picker)
]
MEDIA_URL = "/media/"  # never served directly: downloads go through permission-checked views
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
# This host's own copies of the public IATI file, written from the database after each build (never shared).
PONTIS_IATI_FILE_DIR = Path(env("PONTIS_IATI_FILE_DIR", VAR_DIR / "iati"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PONTIS_MAX_UPLOAD_BYTES = int(env("PONTIS_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# Office files (DOCX, XLSX) are zip archives, checked before anything opens them (pontis/core/uploads.py).
PONTIS_UPLOAD_MAX_MEMBERS = int(env("PONTIS_UPLOAD_MAX_MEMBERS", "1000"))
PONTIS_UPLOAD_MAX_UNCOMPRESSED_BYTES = int(env("PONTIS_UPLOAD_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024)))
PONTIS_UPLOAD_MAX_COMPRESSION_RATIO = int(env("PONTIS_UPLOAD_MAX_COMPRESSION_RATIO", "100"))
# Text extracted from a CV for search, in the task worker: whichever limit comes first ends the extraction.
PONTIS_EXTRACT_MAX_CHARS = int(env("PONTIS_EXTRACT_MAX_CHARS", "100000"))
PONTIS_EXTRACT_MAX_PARAGRAPHS = int(env("PONTIS_EXTRACT_MAX_PARAGRAPHS", "20000"))
PONTIS_EXTRACT_MAX_PAGES = int(env("PONTIS_EXTRACT_MAX_PAGES", "30"))
PONTIS_EXTRACT_MAX_SECONDS = float(env("PONTIS_EXTRACT_MAX_SECONDS", "10"))

# E-mail: SMTP from the environment; the console backend in development and the demo.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Pontis <no-reply@pontis.localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work: django-tasks with the database backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        )
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200


SECRET_KEY_MIN_LENGTH = 50  # what `check --deploy` asks for
SECRET_KEY_MIN_DISTINCT = 10  # a hex key (16 symbols) passes; "aaaa...", "abab..." and most typed phrases do not
SECRET_KEY_MIN_BITS_PER_CHAR = 3.0  # Shannon estimate of the key's own characters
SECRET_KEY_WORDS = ("secret", "password", "passwd", "changeme", "change-me", "change_me", "insecure", "django", "pontis",
                    "example", "default", "qwerty")


def secret_key_is_weak(key):
    """True when the key is missing, short, made of few symbols, a repeated pattern or built from words."""
    if not key or len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        return True
    counts = Counter(key)
    bits_per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    if bits_per_char < SECRET_KEY_MIN_BITS_PER_CHAR:
        return True
    # A short unit repeated ("Xy7!Xy7!...") has a period of at most half its length.
    if any(key[period:] == key[:-period] for period in range(1, len(key) // 2 + 1)):
        return True
    lowered = key.lower()
    return any(word in lowered for word in SECRET_KEY_WORDS)


def web_workers():
    """The number of web workers, from WEB_CONCURRENCY (what gunicorn and scripts/serve-production read).

    Unset counts as "several": gunicorn may be started with --workers N, which the settings cannot see.
    """
    try:
        return int(env("WEB_CONCURRENCY", "0")) or None
    except ValueError:
        return None


def _check_production():
    problems = []
    if secret_key_is_weak(SECRET_KEY):
        problems.append(
            "SECRET_KEY must be set to a random value of at least 50 characters "
            f"(at least {SECRET_KEY_MIN_DISTINCT} different characters, no repeated pattern, no words)"
        )
    if DEBUG:
        problems.append("DEBUG must be off")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the site's host names")
    if any("*" in host for host in ALLOWED_HOSTS):
        problems.append("ALLOWED_HOSTS must name the site's hosts; a wildcard (*) accepts forged Host headers")
    if not env("REDIS_URL") and web_workers() != 1:
        problems.append(
            "REDIS_URL must be set when more than one web worker runs (set WEB_CONCURRENCY=1 for a single worker): "
            "sign-in throttling counted in each worker's own memory multiplies the allowed attempts"
        )
    if env_bool("PONTIS_RELAX_MFA", False) or env_bool("PONTIS_DEMO", False):
        problems.append("PONTIS_DEMO and PONTIS_RELAX_MFA are not allowed in production")
    if problems:
        raise ImproperlyConfigured("Pontis refuses to start in production: " + "; ".join(problems) + ".")


if PRODUCTION:
    _check_production()

CSRF_FAILURE_VIEW = "pontis.core.views.csrf_failure"
