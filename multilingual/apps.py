from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MultilingualConfig(AppConfig):
    name = "multilingual"
    verbose_name = _("Languages and translations")

    def ready(self):
        from wagtail.signals import copy_for_translation_done

        from .permissions import share_permissions_with_translation

        copy_for_translation_done.connect(share_permissions_with_translation)
