"""At most a few requests per hour from one address, counted in the database.

Counting stored requests works across processes and servers without a shared cache. The IP
address is kept only as a keyed hash (HMAC with SECRET_KEY): enough to count, useless to identify.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Enquiry

MAX_REQUESTS = 5
WINDOW = timedelta(hours=1)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the header named by ENQUIRIES_CLIENT_IP_HEADER (e.g. "HTTP_X_REAL_IP")
    when a reverse proxy that sets it stands in front of the site."""
    header = getattr(settings, "ENQUIRIES_CLIENT_IP_HEADER", None)
    value = request.META.get(header, "") if header else ""
    return value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def sender_hash(request: HttpRequest) -> str:
    return salted_hmac("enquiries.sender", client_ip(request), algorithm="sha256").hexdigest()


def is_rate_limited(address_hash: str, email: str) -> bool:
    """True when this IP address or this e-mail address sent MAX_REQUESTS in the last WINDOW."""
    same_sender = Q(sender_hash=address_hash)
    if email:
        same_sender |= Q(email__iexact=email)
    recent = Enquiry.objects.filter(same_sender, created_at__gte=timezone.now() - WINDOW)
    return recent.count() >= MAX_REQUESTS
