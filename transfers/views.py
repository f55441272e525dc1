"""Tell the network that a practice was transferred (no login), and follow up from a private link.

POST, then redirect to the story's own page (POST/redirect/GET), whose address carries the
story's secret token: only the submitter (and their e-mail) knows it. The story is stored first
and the e-mails are queued once it is committed (transfers.tasks).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wagtail.permissions import policy_registry

from enquiries.models import Enquiry
from ersi_practices.ratelimit import client_hash, sent_too_often
from kb.models import PracticePage

from .forms import TransferStoryForm, TransferUpdateForm
from .models import TransferStory, TransferUpdate
from .tasks import queue_story_emails, queue_update_notice

logger = logging.getLogger(__name__)

# Per client and hour, counted in the database as for the contact form (enquiries/limits.py).
MAX_STORIES = 5
WINDOW = timedelta(hours=1)


def sender_hash(request: HttpRequest) -> str:
    return client_hash(request, "transfers.story")


def is_rate_limited(address_hash: str, email: str) -> bool:
    return sent_too_often(
        TransferStory.objects.all(), address_hash, email,
        limit=MAX_STORIES, window=WINDOW, email_field="submitter_email",
    )  # fmt: skip


def live_practice(practice_id: int) -> PracticePage:
    return get_object_or_404(PracticePage.objects.live().public(), pk=practice_id)


def visible_enquiry(request: HttpRequest, enquiry_id) -> Enquiry | None:
    """The request to record a transfer from: only for admin users who may see it."""
    user = request.user
    if (
        not enquiry_id
        or not user.is_authenticated
        or not user.has_perm("wagtailadmin.access_admin")
    ):
        return None
    try:
        enquiry_id = int(enquiry_id)
    except (TypeError, ValueError):
        return None
    policy = policy_registry.get_by_type(Enquiry)
    allowed = policy.instances_user_has_any_permission_for(user, ["view", "change"])
    return allowed.filter(pk=enquiry_id).first()


@require_http_methods(["GET", "POST"])
def new_story(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = live_practice(practice_id)
    if request.method == "GET":
        enquiry = visible_enquiry(request, request.GET.get("enquiry"))
        initial = {}
        if enquiry is not None:
            initial = {"enquiry": enquiry.pk, "organisation": enquiry.organisation}
        return render_form(request, practice, TransferStoryForm(initial=initial), enquiry)

    form = TransferStoryForm(request.POST)
    if form.is_from_a_robot:
        # Neither stored nor e-mailed; it looks received to the robot.
        logger.info("Transfer story for practice %s dropped: honeypot filled", practice.pk)
        return render(request, "transfers/story_received_page.html", {"practice": practice})

    enquiry = visible_enquiry(request, request.POST.get("enquiry"))
    address_hash = sender_hash(request)
    if is_rate_limited(address_hash, request.POST.get("submitter_email", "").strip()):
        form.add_error(
            None,
            _(
                "You have sent %(count)s stories in the last hour. Please wait an hour and send "
                "this one again: what you wrote is still here."
            )
            % {"count": MAX_STORIES},
        )
        return render_form(request, practice, form, enquiry, status=429)

    if not form.is_valid():
        return render_form(request, practice, form, enquiry, status=400)

    story = form.save(commit=False)
    story.practice = practice
    story.practice_title = practice.title[:255]
    story.enquiry = enquiry
    story.language = get_language() or ""
    story.sender_hash = address_hash
    with transaction.atomic():
        story.save()
        form.save_m2m()
        transaction.on_commit(partial(queue_story_emails, story.pk))
    return redirect("transfers:story", token=story.token)


def render_form(request, practice, form, enquiry=None, status=200) -> HttpResponse:
    context = {"practice": practice, "form": form, "enquiry": enquiry}
    return render(request, "transfers/story_form_page.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def story(request: HttpRequest, token: str) -> HttpResponse:
    """The submitter's own page: the story as sent, its moderation, and a follow-up form.

    A follow-up sent here waits for a moderator, as the story did (transfers.models)."""
    found = get_object_or_404(TransferStory.objects.select_related("practice"), token=token)
    form = TransferUpdateForm(initial={"status": found.status})
    status = 200
    if request.method == "POST":
        form = TransferUpdateForm(request.POST)
        if form.is_valid():
            update = form.save(commit=False)
            update.story = found
            update.moderation = TransferUpdate.Moderation.PENDING
            with transaction.atomic():
                update.save()
                transaction.on_commit(partial(queue_update_notice, update.pk))
            return redirect(f"{request.path}?updated=1#updates")
        status = 400
    context = {
        "story": found,
        "practice": found.practice,
        "updates": found.updates.all(),
        "form": form,
        "updated": request.GET.get("updated") == "1" and request.method == "GET",
    }
    response = render(request, "transfers/story_page.html", context, status=status)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
