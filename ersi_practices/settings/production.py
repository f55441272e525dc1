"""Production: everything from the environment, and a loud failure when something is missing."""

import os

from django.core.exceptions import ImproperlyConfigured

for _name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"Production settings need the {_name} environment variable.")

from .base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True


def _env_flag(name: str, default: bool) -> bool:
    """A yes/no variable: true/false (or 1/0, yes/no, on/off); unset or empty: the default."""
    value = os.environ.get(name, "").strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    if value:
        raise ImproperlyConfigured(f"{name} must be true or false, not {os.environ[name]!r}.")
    return default


# HTTPS only: plain HTTP is redirected (SECURE_SSL_REDIRECT=false when the proxy in front
# already does it), and browsers are told by HSTS to use HTTPS for SECURE_HSTS_SECONDS (a year
# by default; 0 switches HSTS off), on the subdomains too and with the preload flag unless
# switched off. https://docs.djangoproject.com/en/6.1/ref/middleware/#http-strict-transport-security
SECURE_SSL_REDIRECT = _env_flag("SECURE_SSL_REDIRECT", True)
try:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 365 * 24 * 3600)
except ValueError:
    raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be a number of seconds.") from None
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_flag("SECURE_HSTS_PRELOAD", True)
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {"BACKEND": "ersi_practices.mail.QueuedEmailBackend"},
        "delivery": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": os.environ.get("EMAIL_USE_TLS", "true").lower() == "true",
            },
        },
    }
