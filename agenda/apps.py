from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "agenda"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Registered before Wagtail's admin can create a fallback policy for the model.
        from wagtail.permissions import register_permission_policy

        from .models import Registration
        from .permissions import RegistrationPermissionPolicy

        register_permission_policy(Registration, RegistrationPermissionPolicy())
