"""Register for an event (no login), see the registration, cancel it.

POST, then redirect to the registration's own page (POST/redirect/GET), whose address carries the
registration's secret token: only the registrant (and their e-mail) knows it. The registration is
stored first and the e-mails are queued once it is committed (events.registration, events.tasks).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import RegistrationForm
from .models import EventPage, Registration
from .registration import (
    MAX_REGISTRATIONS,
    AlreadyRegistered,
    RegistrationClosed,
    cancel,
    is_rate_limited,
    registration_state,
    sender_hash,
)
from .registration import register as store_registration

logger = logging.getLogger(__name__)


def live_event(page_id: int) -> EventPage:
    return get_object_or_404(EventPage.objects.live().public(), pk=page_id)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, page_id: int) -> HttpResponse:
    event = live_event(page_id)
    state = registration_state(event)
    if request.method == "GET":
        if not state.is_open:
            return redirect(event.url)  # the event page says why registration is closed
        return render_form(request, event, RegistrationForm())

    form = RegistrationForm(request.POST)
    if form.is_from_a_robot:
        # Neither stored nor e-mailed; it looks registered to the robot.
        logger.info("Registration for event %s dropped: honeypot filled", event.pk)
        return render(request, "events/registration_received_page.html", {"event": event})

    if not state.is_open:
        return render_form(request, event, form, status=409)

    address_hash = sender_hash(request)
    if is_rate_limited(address_hash, request.POST.get("email", "").strip()):
        form.add_error(
            None,
            _(
                "You have registered %(count)s times in the last hour. Please wait an hour and "
                "register again: what you wrote is still here."
            )
            % {"count": MAX_REGISTRATIONS},
        )
        return render_form(request, event, form, status=429)

    if not form.is_valid():
        return render_form(request, event, form, status=400)

    registration = form.save(commit=False)
    registration.language = get_language() or ""
    registration.sender_hash = address_hash
    try:
        store_registration(event, registration)
    except RegistrationClosed:
        return render_form(request, event, form, status=409)
    except AlreadyRegistered:
        # Nothing is stored or sent again, and the existing registration's link is not shown:
        # whoever typed the address may not be its owner.
        context = {"event": event, "email": form.cleaned_data["email"]}
        return render(request, "events/registration_already_page.html", context, status=409)
    return redirect("event_registration:registration", token=registration.token)


def render_form(
    request: HttpRequest, event: EventPage, form: RegistrationForm, status: int = 200
) -> HttpResponse:
    context = {"event": event, "form": form, "state": registration_state(event)}
    return render(request, "events/registration_form_page.html", context, status=status)


def registration_by_token(token: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event", "partner"),
        token=token,
        purged_at__isnull=True,
    )


@never_cache
def registration(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's own page: registered, or on the waiting list at position N."""
    found = registration_by_token(token)
    context = {"registration": found, "event": found.event, "position": found.waiting_position()}
    response = render(request, "events/registration_status_page.html", context)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_registration(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm, POST cancels; a second POST (or an old link) changes nothing."""
    found = registration_by_token(token)
    cancelled_now = False
    if request.method == "POST" and not found.is_cancelled:
        cancelled_now = cancel(found)
        found.refresh_from_db()
    context = {"registration": found, "event": found.event, "cancelled_now": cancelled_now}
    response = render(request, "events/registration_cancel_page.html", context)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
