from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from wagtail.signals import copy_for_translation_done

        from .translations import mark_translation_language

        copy_for_translation_done.connect(mark_translation_language)
