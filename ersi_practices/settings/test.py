import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"},
}
# Tests send many requests from one address; the rate-limit tests switch the limits on.
RATE_LIMITS = {}
# Tests publish and expect at once; the caching tests switch these on.
SIMILAR_PRACTICES_CACHE_SECONDS = SEARCH_RESULTS_CACHE_SECONDS = 0
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tasks run at once in tests (the database queue needs a worker).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "queue": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
# One test database per test run, so that several runs can share the embedded server.
DATABASES["default"]["TEST"] = {"NAME": f"test_ersi_practices_{os.getpid()}"}  # noqa: F405
