from django import template

from enquiries.forms import EnquiryForm

register = template.Library()


@register.simple_tag
def enquiry_form() -> EnquiryForm:
    """An empty form for the practice page (which is served by Wagtail, not by our view)."""
    return EnquiryForm()
