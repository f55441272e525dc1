"""At most a few requests per hour from one address, counted in the database.

Counting stored requests works across processes and servers without a shared cache. The IP
address is kept only as a keyed hash (HMAC with SECRET_KEY): enough to count, useless to identify.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from ersi_practices.ratelimit import client_hash

from .models import Enquiry

MAX_REQUESTS = 5
WINDOW = timedelta(hours=1)


def sender_hash(request: HttpRequest) -> str:
    return client_hash(request, "enquiries.sender")


def is_rate_limited(address_hash: str, email: str) -> bool:
    """True when this IP address or this e-mail address sent MAX_REQUESTS in the last WINDOW."""
    same_sender = Q(sender_hash=address_hash)
    if email:
        same_sender |= Q(email__iexact=email)
    recent = Enquiry.objects.filter(same_sender, created_at__gte=timezone.now() - WINDOW)
    return recent.count() >= MAX_REQUESTS
