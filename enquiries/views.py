"""Send a question or a study-visit request about a practice (no login).

POST, then redirect to a confirmation (POST/redirect/GET). The request is stored first, and the
e-mail to the partner is queued only once it is committed: if queuing or sending fails, the
request is still in the partners' inbox and the sender still gets the confirmation.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kb.models import PracticePage

from .forms import EnquiryForm
from .limits import MAX_REQUESTS, is_rate_limited, sender_hash
from .tasks import queue_notification

logger = logging.getLogger(__name__)


def live_practice(page_id: int) -> PracticePage:
    return get_object_or_404(PracticePage.objects.live().public(), pk=page_id)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, page_id: int) -> HttpResponse:
    practice = live_practice(page_id)
    if request.method == "GET":
        return render_form(request, practice, EnquiryForm())

    form = EnquiryForm(request.POST)
    if form.is_from_a_robot:
        # A robot's text is no request: it looks sent, and is neither stored (nothing for the
        # partners to sift through, no addresses it may have made up) nor e-mailed.
        logger.info("Request about practice %s dropped: honeypot filled", practice.pk)
        return redirect("enquiries:sent", page_id=practice.pk)

    address_hash = sender_hash(request)
    if is_rate_limited(address_hash, request.POST.get("email", "").strip()):
        form.add_error(
            None,
            _(
                "You have sent %(count)s requests in the last hour. Please wait an hour and "
                "send this one again: what you wrote is still here."
            )
            % {"count": MAX_REQUESTS},
        )
        return render_form(request, practice, form, status=429)

    if not form.is_valid():
        return render_form(request, practice, form, status=400)

    enquiry = form.save(commit=False)
    enquiry.practice = practice
    enquiry.practice_title = practice.title[:255]
    enquiry.partner = practice.partner
    enquiry.language = get_language() or ""
    enquiry.sender_hash = address_hash
    with transaction.atomic():
        enquiry.save()
        transaction.on_commit(partial(queue_notification, enquiry.pk))
    return redirect("enquiries:sent", page_id=practice.pk)


def render_form(
    request: HttpRequest, practice: PracticePage, form: EnquiryForm, status: int = 200
) -> HttpResponse:
    context = {"practice": practice, "partner": practice.partner, "form": form}
    return render(request, "enquiries/enquiry_form_page.html", context, status=status)


def sent(request: HttpRequest, page_id: int) -> HttpResponse:
    practice = live_practice(page_id)
    context = {"practice": practice, "partner": practice.partner}
    return render(request, "enquiries/enquiry_sent_page.html", context)
