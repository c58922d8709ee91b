"""Settings shared by every environment; everything deployment-specific comes from the environment."""

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.embed import widget_origins

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("FABRIQUE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# A fixed development key keeps `make run` working out of the box; production refuses it.
SECRET_KEY = env("SECRET_KEY", "dev-insecure-fabrique-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("FABRIQUE_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Django's admin with our site class (password changes through the accounts service).
    "accounts.admin_site.FabriqueAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "haystack",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` adds a heartbeat and the recovery sweeps.
    "background",
    "django_tasks_db",
    # The ground floor: permission policies (an app: it gathers every app's permissions module
    # at start-up); the activity log, the verbs and the subscribers of every app above (events).
    "policies",
    "events",
    "territories",
    "accounts",
    "workspace",
    "projects",
    "documents",
    "workflow",
    "debates",
    "moderation",
    "amendments",
    "officials",
    # Public meetings and neighbourhood workshops, their registrations and restitutions.
    "meetings",
    "search",
    "notifications",
    # Each consultation's evaluation: indicators, the promise kept, the questionnaire.
    "evaluation",
    # The top floor: composes the apps above (demo data, pages gathering several apps).
    "portal",
]

MIDDLEWARE = [
    # Outermost, so that error pages and responses made by other middleware carry it too.
    "config.csp.SecurityHeadersMiddleware",
    # Bytes of every body that leaves, static files and gzipped pages included, per day and
    # nothing else (portal/footprint/counter.py): outside WhiteNoise and gzip.
    "portal.footprint.counter.ServedBytesMiddleware",
    # Nothing under /widget/ sets a cookie: it is read inside the communes' pages.
    "config.embed.WidgetCookielessMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Text answers gzipped (static files come pre-compressed from WhiteNoise, above); then an
    # anonymous page loses `Vary: Cookie` so that caches may share it (config/sobriety.py).
    "config.sobriety.TextGZipMiddleware",
    "config.sobriety.AnonymousPagesVaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the session, the user or the body: NUL bytes answer 400 here.
    "config.bad_input.RejectForbiddenCharactersMiddleware",
    # Kept copies of listed pages for visitors who are nobody (interface/page_cache.py): after
    # the language is known, before CSRF, authentication and messages, which such a copy skips.
    "interface.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The footer's page weight, written into the rendered page before Common sets its
    # Content-Length and the page cache keeps it (portal/footprint/weight.py).
    "portal.footprint.weight.PageWeightMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a sign-in lockout into our 429 page.
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
                "django.template.context_processors.i18n",
            ],
            # Numbers, amounts and file sizes for readers: {% load formats %}.
            "libraries": {"formats": "interface.formats"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fabrique.sqlite3'}"),
        # Kept between requests, one per gunicorn thread: opening one per request cost 1.5 ms
        # (SQLite) to 12 ms (PostgreSQL) — docs/benchmarks.md, docs/decisions.md (issue 12).
        # Checked once per request before reuse, so a restarted server costs no error.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the worker share the file without
    # "database is locked" errors; IMMEDIATE makes write transactions take the lock up front.
    # Reads go through a memory map of the file's first DATABASE_SQLITE_MMAP_BYTES rather than
    # a system call per page: 0.70× the time for a search page's 20 rows (docs/decisions.md).
    SQLITE_MMAP_BYTES = max(0, env_int("DATABASE_SQLITE_MMAP_BYTES", 256 * 2**20))
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            f" PRAGMA mmap_size={SQLITE_MMAP_BYTES};",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account or address before any password is checked.
    "accounts.throttling.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "workspace.backends.WorkspaceRoleBackend",
    "workspace.backends.ObjectGrantBackend",
]
# guardian looks for its own backend by name; ours (ObjectGrantBackend) is a subclass of it.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
# No guardian "AnonymousUser" row: anonymous access is decided by visibility rules.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
# French thousands with a narrow no-break space (config/formats/fr); grouping is asked for where
# people read a number (interface.formats), not everywhere (USE_THOUSAND_SEPARATOR stays off).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("FABRIQUE_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("FABRIQUE_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"

# Storage: local files by default; S3-compatible object storage when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
# Lifetime (seconds) of presigned download URLs; django-storages also reads this name.
AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 300)
if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_FILE_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
    DEFAULT_STORAGE_OPTIONS = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env("AWS_S3_REGION_NAME") or None,
        "access_key": env("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
        "signature_version": "s3v4",
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE", "path"),
        "querystring_auth": True,
        "querystring_expire": AWS_QUERYSTRING_EXPIRE,
        "file_overwrite": False,
        "default_acl": None,
        # Reads spool to disk past this size instead of holding a whole object in memory.
        "max_memory_size": env_int("AWS_S3_MAX_MEMORY_SIZE", 8 * 1024 * 1024),
    }
else:
    DEFAULT_FILE_STORAGE_BACKEND = "django.core.files.storage.FileSystemStorage"
    DEFAULT_STORAGE_OPTIONS = {"location": str(MEDIA_ROOT)}

STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND, "OPTIONS": DEFAULT_STORAGE_OPTIONS},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: anything over 2.5 MiB goes to a temporary file while it streams.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A dedicated directory, so temp files of uploads killed mid-stream are found and removed (at
# the worker's start and by its sweep) once older than FABRIQUE_UPLOAD_GRACE_SECONDS.
FILE_UPLOAD_TEMP_DIR = env("FABRIQUE_UPLOAD_TEMP_DIR") or str(VAR_DIR / "tmp" / "uploads")
# Django refuses to start with a temp directory that does not exist (files.E001).
with contextlib.suppress(OSError):
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
# An upload may be in progress this long: younger temp or stored files are never cleaned up.
FABRIQUE_UPLOAD_GRACE_SECONDS = env_int("FABRIQUE_UPLOAD_GRACE_SECONDS", 3600)
FABRIQUE_UPLOAD_MAX_BYTES = env_int("FABRIQUE_UPLOAD_MAX_BYTES", 100 * 1024 * 1024)
FABRIQUE_WORKSPACE_QUOTA_BYTES = env_int("FABRIQUE_WORKSPACE_QUOTA_BYTES", 5 * 1024**3)
# Workspaces one account may create (platform staff exempt), and on the whole platform.
FABRIQUE_MAX_WORKSPACES_PER_USER = env_int("FABRIQUE_MAX_WORKSPACES_PER_USER", 5)
FABRIQUE_MAX_WORKSPACES_TOTAL = env_int("FABRIQUE_MAX_WORKSPACES_TOTAL", 10_000)
FABRIQUE_TRASH_RETENTION_DAYS = env_int("FABRIQUE_TRASH_RETENTION_DAYS", 30)
# Text extraction for search (background worker): a killable child with a time limit, a cap
# on the characters kept.
FABRIQUE_EXTRACT_TIME_LIMIT_SECONDS = env_int("FABRIQUE_EXTRACT_TIME_LIMIT_SECONDS", 60)
FABRIQUE_EXTRACT_MAX_CHARS = env_int("FABRIQUE_EXTRACT_MAX_CHARS", 1_000_000)

# Search: tantivy under var/tantivy by default (Whoosh under var/whoosh with
# HAYSTACK_ENGINE=search.backends.FrenchWhooshEngine); Elasticsearch when its URL is given.
# Candidates a query considers (and the largest count it reports; past it: "more than").
FABRIQUE_SEARCH_MAX_RESULTS = env_int("FABRIQUE_SEARCH_MAX_RESULTS", 1000)

# Debates and moderation (issue 13). Comments per account per window (429 past it).
FABRIQUE_COMMENTS_PER_WINDOW = env_int("FABRIQUE_COMMENTS_PER_WINDOW", 10)
FABRIQUE_COMMENTS_WINDOW_SECONDS = env_int("FABRIQUE_COMMENTS_WINDOW_SECONDS", 600)
# Reports from this many accounts older than FABRIQUE_REPORTER_MIN_AGE_DAYS hide a comment
# "pending review" until a moderator decides (never a decision by itself).
FABRIQUE_REPORTS_TO_HIDE = env_int("FABRIQUE_REPORTS_TO_HIDE", 3)
FABRIQUE_REPORTER_MIN_AGE_DAYS = env_int("FABRIQUE_REPORTER_MIN_AGE_DAYS", 7)
FABRIQUE_REPORTS_PER_HOUR = env_int("FABRIQUE_REPORTS_PER_HOUR", 20)
# A case is due this many working hours after it opened (Alsace-Moselle working days).
FABRIQUE_MODERATION_DUE_WORKING_HOURS = env_int("FABRIQUE_MODERATION_DUE_WORKING_HOURS", 48)
# The author of a hidden comment may appeal once within this many days.
FABRIQUE_APPEAL_DAYS = env_int("FABRIQUE_APPEAL_DAYS", 14)
# Amendments (issue 14): open amendments (submitted or retained) per account and sheet.
FABRIQUE_OPEN_AMENDMENTS_PER_ACCOUNT = env_int("FABRIQUE_OPEN_AMENDMENTS_PER_ACCOUNT", 5)
# Officials' requests (issue 15): requests one account may send one official per window (429
# past it), and how long a closed private request is kept before `officials_purge` erases it.
FABRIQUE_REQUESTS_PER_OFFICIAL = env_int("FABRIQUE_REQUESTS_PER_OFFICIAL", 3)
FABRIQUE_REQUESTS_WINDOW_DAYS = env_int("FABRIQUE_REQUESTS_WINDOW_DAYS", 7)
FABRIQUE_PRIVATE_REQUEST_RETENTION_DAYS = env_int("FABRIQUE_PRIVATE_REQUEST_RETENTION_DAYS", 730)
# OpenSearch (several machines, Apache-2.0) when its URL is given: comma-separated nodes,
# credentials in the URL or in HAYSTACK_OPENSEARCH_USERNAME/PASSWORD (docs/search.md).
HAYSTACK_OPENSEARCH_URL = env("HAYSTACK_OPENSEARCH_URL")
HAYSTACK_ELASTICSEARCH_URL = env("HAYSTACK_ELASTICSEARCH_URL")
if HAYSTACK_OPENSEARCH_URL:
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": env("HAYSTACK_ENGINE", "search.backends_opensearch.FrenchOpenSearchEngine"),
            "URL": HAYSTACK_OPENSEARCH_URL,
            "INDEX_NAME": env("HAYSTACK_INDEX_NAME", "fabrique"),
            "USERNAME": env("HAYSTACK_OPENSEARCH_USERNAME"),
            "PASSWORD": env("HAYSTACK_OPENSEARCH_PASSWORD"),
            "CA_CERTS": env("HAYSTACK_OPENSEARCH_CA_CERTS"),
            "VERIFY_CERTS": env_bool("HAYSTACK_OPENSEARCH_VERIFY_CERTS", True),
            "TIMEOUT": env_int("HAYSTACK_OPENSEARCH_TIMEOUT", 10),
            "SHARDS": env_int("HAYSTACK_OPENSEARCH_SHARDS", 1),
            "REPLICAS": env_int("HAYSTACK_OPENSEARCH_REPLICAS", 1),
        }
    }
elif HAYSTACK_ELASTICSEARCH_URL:
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": env(
                "HAYSTACK_ENGINE",
                "search.backends_elasticsearch.FrenchElasticsearchEngine",
            ),
            "URL": HAYSTACK_ELASTICSEARCH_URL,
            "INDEX_NAME": env("HAYSTACK_INDEX_NAME", "fabrique"),
        }
    }
else:
    _engine = env("HAYSTACK_ENGINE", "search.backends_tantivy.FrenchTantivyEngine")
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": _engine,
            "PATH": (
                env("HAYSTACK_WHOOSH_PATH", str(VAR_DIR / "whoosh"))
                if "Whoosh" in _engine
                else env("HAYSTACK_TANTIVY_PATH", str(VAR_DIR / "tantivy"))
            ),
        }
    }
# Index changes go through the search outbox, never through haystack's realtime signals.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

# Background work: django-tasks with its database backend; a worker drains the queue.
TASKS = {
    "default": {
        "BACKEND": env("FABRIQUE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The worker writes a heartbeat every few seconds; one silent past DEAD_AFTER is dead and its
# running tasks go back to the queue (at most MAX_ATTEMPTS claims). A worker without any
# heartbeat (a plain library worker) gets STALE_SECONDS. /healthz says "worker": "down" only
# when work has waited past DOWN_AFTER with no live worker.
FABRIQUE_WORKER_HEARTBEAT_SECONDS = float(env("FABRIQUE_WORKER_HEARTBEAT_SECONDS", "5.0"))
FABRIQUE_WORKER_DEAD_AFTER_SECONDS = float(env("FABRIQUE_WORKER_DEAD_AFTER_SECONDS", "30.0"))
FABRIQUE_WORKER_SWEEP_SECONDS = float(env("FABRIQUE_WORKER_SWEEP_SECONDS", "10.0"))
FABRIQUE_WORKER_DOWN_AFTER_SECONDS = float(env("FABRIQUE_WORKER_DOWN_AFTER_SECONDS", "120.0"))
FABRIQUE_TASK_STALE_SECONDS = env_int("FABRIQUE_TASK_STALE_SECONDS", 3600)
FABRIQUE_TASK_MAX_ATTEMPTS = env_int("FABRIQUE_TASK_MAX_ATTEMPTS", 3)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Fabrique <ne-pas-repondre@fabrique.localhost>")

# Shared by every web process and worker (a database table, created by the accounts migrations):
# a per-process memory cache would give each gunicorn worker its own counts.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fabrique_cache",
    },
    # Rendered pages and fragments (interface/page_cache.py), one copy per process: entries are
    # keyed by the data generation, so a process that missed a change simply renders again.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fabrique-pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("FABRIQUE_PAGE_CACHE_ENTRIES", 1000)},
    },
}
# How long a kept page or fragment may serve (seconds; 0 turns the page cache off). It bounds
# what no event reports: time-relative text ("il y a 3 jours"), data loaded by a migration.
FABRIQUE_PAGE_CACHE_SECONDS = env_int("FABRIQUE_PAGE_CACHE_SECONDS", 60)
# Pages kept whole for anonymous visitors (URL names); each must show the same thing to every
# visitor who is nobody, given its address and language.
FABRIQUE_PAGE_CACHE_VIEWS = frozenset(
    {
        "home",
        "projects:list",
        "portal:sheet",
        "portal:sheet_slug",
        "projects:versions",
        "projects:version",
        "projects:diff",
        "search:search",
        "portal:territories",
        "portal:commune",
        "portal:quartier",
    }
)

# Brute force. Sign-in (login page, admin, API token): django-axes locks an account after
# FABRIQUE_LOGIN_FAILURE_LIMIT failures and an address after FABRIQUE_LOGIN_IP_FAILURE_LIMIT
# (many people may share one address), until FABRIQUE_LOGIN_COOLOFF_MINUTES after the last one.
FABRIQUE_LOGIN_FAILURE_LIMIT = env_int("FABRIQUE_LOGIN_FAILURE_LIMIT", 5)
FABRIQUE_LOGIN_IP_FAILURE_LIMIT = env_int("FABRIQUE_LOGIN_IP_FAILURE_LIMIT", 20)
FABRIQUE_LOGIN_COOLOFF_MINUTES = env_int("FABRIQUE_LOGIN_COOLOFF_MINUTES", 15)
# Proxies we run in front of the app (each appends to X-Forwarded-For); 0: REMOTE_ADDR is the client.
FABRIQUE_TRUSTED_PROXIES = env_int("FABRIQUE_TRUSTED_PROXIES", 0)
AXES_HANDLER = "accounts.throttling.LoginFailureHandler"
AXES_FAILURE_LIMIT = FABRIQUE_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=FABRIQUE_LOGIN_COOLOFF_MINUTES)
# The retry time we announce holds: attempts during a lockout do not push it back.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
# No log of successful sign-ins (addresses and browsers of every user, kept forever).
AXES_DISABLE_ACCESS_LOG = True
# Share-link passwords: a minimum length, and attempts per link and per address per window.
FABRIQUE_SHARE_LINK_PASSWORD_MIN_LENGTH = env_int("FABRIQUE_SHARE_LINK_PASSWORD_MIN_LENGTH", 8)
FABRIQUE_SHARE_LINK_ATTEMPTS_PER_LINK = env_int("FABRIQUE_SHARE_LINK_ATTEMPTS_PER_LINK", 20)
FABRIQUE_SHARE_LINK_ATTEMPTS_PER_IP = env_int("FABRIQUE_SHARE_LINK_ATTEMPTS_PER_IP", 10)
FABRIQUE_SHARE_LINK_COOLOFF_MINUTES = env_int("FABRIQUE_SHARE_LINK_COOLOFF_MINUTES", 15)
# API tokens: lifetime, and how many devices an account may hold tokens for at once.
# Account e-mails (confirmation, notices, resets, invitations) one address may receive per
# hour, and invitations one account may send per day: the forms must not become a mail cannon.
FABRIQUE_MAILS_PER_ADDRESS_PER_HOUR = env_int("FABRIQUE_MAILS_PER_ADDRESS_PER_HOUR", 5)
FABRIQUE_INVITATIONS_PER_USER_PER_DAY = env_int("FABRIQUE_INVITATIONS_PER_USER_PER_DAY", 50)
# A link to confirm a new e-mail address (profile page) works this many hours.
FABRIQUE_EMAIL_CHANGE_LINK_HOURS = env_int("FABRIQUE_EMAIL_CHANGE_LINK_HOURS", 48)

# Notifications (docs/notifications.md): how long an e-mail's unsubscribe link works, how many
# hard delivery failures in a row stop e-mail to an address, how often the worker looks for
# due digests and e-mails, and the digests' hour (Europe/Paris) and weekday (0 = Monday).
FABRIQUE_UNSUBSCRIBE_LINK_DAYS = env_int("FABRIQUE_UNSUBSCRIBE_LINK_DAYS", 60)
# Follows one account may make by hand (automatic ones are not counted).
FABRIQUE_SUBSCRIPTIONS_PER_ACCOUNT = env_int("FABRIQUE_SUBSCRIPTIONS_PER_ACCOUNT", 500)
FABRIQUE_EMAIL_HARD_FAILURES = env_int("FABRIQUE_EMAIL_HARD_FAILURES", 3)
FABRIQUE_NOTIFICATIONS_SWEEP_SECONDS = env_int("FABRIQUE_NOTIFICATIONS_SWEEP_SECONDS", 120)
FABRIQUE_DIGEST_TIME = env("FABRIQUE_DIGEST_TIME", "07:30")
FABRIQUE_DIGEST_WEEKDAY = env_int("FABRIQUE_DIGEST_WEEKDAY", 1)
# Notifications are erased after this many days (GDPR: the centre is a recent history).
FABRIQUE_NOTIFICATION_RETENTION_DAYS = env_int("FABRIQUE_NOTIFICATION_RETENTION_DAYS", 365)
# A consultation's window "closes soon" this many hours before its end (told once).
FABRIQUE_CLOSING_SOON_HOURS = env_int("FABRIQUE_CLOSING_SOON_HOURS", 48)
# Who publishes the site, for the legal notice, the contact and the accessibility pages. The
# operator sets them; the placeholders say so on the pages until then.
FABRIQUE_PUBLISHER_NAME = env("FABRIQUE_PUBLISHER_NAME", "[Nom de l'éditeur à renseigner]")
FABRIQUE_PUBLISHER_ADDRESS = env("FABRIQUE_PUBLISHER_ADDRESS", "[Adresse postale à renseigner]")
FABRIQUE_PUBLICATION_DIRECTOR = env(
    "FABRIQUE_PUBLICATION_DIRECTOR", "[Directeur·rice de la publication à renseigner]"
)
FABRIQUE_HOST_NAME = env("FABRIQUE_HOST_NAME", "[Hébergeur à renseigner]")
FABRIQUE_HOST_ADDRESS = env("FABRIQUE_HOST_ADDRESS", "[Adresse de l'hébergeur à renseigner]")
# The host's footprint, for /impact/ and /carbon.txt (portal/footprint): empty is shown as
# "non renseigné". The domain and service type (carbontxt.org's slugs: shared-hosting, vps,
# cdn…) name the host as an upstream service in carbon.txt.
FABRIQUE_HOST_DOMAIN = env("FABRIQUE_HOST_DOMAIN")
FABRIQUE_HOST_SERVICE_TYPE = env("FABRIQUE_HOST_SERVICE_TYPE")
FABRIQUE_HOST_LOCATION = env("FABRIQUE_HOST_LOCATION")
FABRIQUE_HOST_ENERGY = env("FABRIQUE_HOST_ENERGY")
# From bytes to grams: Sustainable Web Design model v3 (0.81 kWh per GB transferred, every
# segment together) and the world's average grid intensity it uses (442 gCO2e per kWh).
FABRIQUE_FOOTPRINT_KWH_PER_GB = float(env("FABRIQUE_FOOTPRINT_KWH_PER_GB", "0.81"))
FABRIQUE_FOOTPRINT_GCO2E_PER_KWH = float(env("FABRIQUE_FOOTPRINT_GCO2E_PER_KWH", "442"))
# The key pages' EcoIndex figures as `make ecoindex` last measured them (tracked file).
FABRIQUE_ECOINDEX_FILE = Path(
    env("FABRIQUE_ECOINDEX_FILE", str(BASE_DIR / "data" / "ecoindex.json"))
)
# Each process writes the bytes it served to the day's row at most this often (seconds).
FABRIQUE_SERVED_BYTES_FLUSH_SECONDS: int | None = env_int("FABRIQUE_SERVED_BYTES_FLUSH_SECONDS", 60)
FABRIQUE_CONTACT_EMAIL = env("FABRIQUE_CONTACT_EMAIL", "contact@example.invalid")
FABRIQUE_API_TOKEN_TTL_HOURS = env_int("FABRIQUE_API_TOKEN_TTL_HOURS", 720)
FABRIQUE_API_TOKENS_PER_USER = env_int("FABRIQUE_API_TOKENS_PER_USER", 10)

REST_FRAMEWORK = {
    # Requests to the token endpoint per client address (failures are limited by axes above).
    "DEFAULT_THROTTLE_RATES": {"auth": env("FABRIQUE_API_AUTH_RATE", "30/minute")},
    "NUM_PROXIES": FABRIQUE_TRUSTED_PROXIES or None,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that unauthenticated calls answer 401 with WWW-Authenticate.
        "accounts.api_tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Bounded in size and depth, refusing NUL bytes and lone surrogates (config/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "config.parsers.FormParser",
        "config.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fabrique API",
    "DESCRIPTION": "Documents, project sheets and participation for the Eurométropole de Strasbourg.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Our <id:…> URL converter is a bounded integer.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999}
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: no CDN, no third-party request.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a "visibility" with different choices: name each enum explicitly.
    "ENUM_NAME_OVERRIDES": {
        "WorkspaceVisibilityEnum": "workspace.models.Workspace.Visibility",
        "DocumentVisibilityEnum": "documents.models.Visibility",
        "DebateStateEnum": "debates.models.Debate.State",
        "CommentStateEnum": "debates.models.Comment.State",
        "ModerationCaseStateEnum": "moderation.models.ModerationCase.State",
        "AmendmentStateEnum": "amendments.models.Amendment.State",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
    },
}

# One line per record, named by its logger (a 403 is "fabrique.forbidden", see
# config/error_pages.py: path and account id, no traceback, nothing personal).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The only sites that may frame the communes' widget (/widget/…: `frame-ancestors`), as origins
# "https://www.commune.fr", comma-separated; checked here (config/embed.py). None: nowhere.
FABRIQUE_WIDGET_ORIGINS = widget_origins(env_list("FABRIQUE_WIDGET_ORIGINS"))
# Django's default, said here because production relies on it (config/csp.py adds the CSP).
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
