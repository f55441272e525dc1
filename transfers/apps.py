from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Transfer stories")

    def ready(self) -> None:
        # Registered before Wagtail's admin can create a fallback policy for the model.
        from wagtail.permissions import register_permission_policy

        from .models import TransferStory
        from .permissions import TransferStoryPermissionPolicy

        register_permission_policy(TransferStory, TransferStoryPermissionPolicy())

        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
