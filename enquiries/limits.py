"""At most a few requests per hour from one address, counted in the database.

Counting stored requests works across processes and servers without a shared cache. The IP
address is kept only as a keyed hash (HMAC with SECRET_KEY): enough to count, useless to identify.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest

from ersi_practices.ratelimit import client_hash, sent_too_often

from .models import Enquiry

MAX_REQUESTS = 5
WINDOW = timedelta(hours=1)


def sender_hash(request: HttpRequest) -> str:
    return client_hash(request, "enquiries.sender")


def is_rate_limited(address_hash: str, email: str) -> bool:
    """True when this IP address or this e-mail address sent MAX_REQUESTS in the last WINDOW."""
    return sent_too_often(
        Enquiry.objects.all(), address_hash, email, limit=MAX_REQUESTS, window=WINDOW
    )
