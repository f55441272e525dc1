from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = _("Questions and study-visit requests")

    def ready(self) -> None:
        # Registered before Wagtail's admin can create a fallback policy for the model.
        from wagtail.permissions import register_permission_policy

        from .models import Enquiry
        from .permissions import EnquiryPermissionPolicy

        register_permission_policy(Enquiry, EnquiryPermissionPolicy())
