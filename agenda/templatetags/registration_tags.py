from django import template

from agenda.forms import RegistrationForm
from agenda.models import EventPage
from agenda.registration import RegistrationState, registration_state

register = template.Library()


@register.simple_tag
def registration_form() -> RegistrationForm:
    """An empty form for the event page (which is served by Wagtail, not by our view)."""
    return RegistrationForm()


@register.simple_tag
def registration_status(event: EventPage) -> RegistrationState:
    """Open or closed (and why), places left, the deadline."""
    return registration_state(event)
