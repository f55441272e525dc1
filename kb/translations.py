"""A practice copied into another locale to be translated is written in that locale's language,
pre-filled by machine translation where a service is configured (multilingual/machine.py).

Wagtail's "Translate" (simple_translation) copies every field, so the copy would still say it is
written in the source's language until its editor changed it; the practice page's notice, the
search analysis and the exports all read `language`.
"""

import logging

from kb.exporting import PRECONDITIONS, TEXT_FIELDS
from kb.models import PracticePage
from multilingual.machine import MachineTranslationError, get_translator

logger = logging.getLogger(__name__)
MACHINE_FIELDS = ("title", "summary", *TEXT_FIELDS, *PRECONDITIONS)


def mark_translation_language(sender, source_obj, target_obj, **kwargs) -> None:
    if not isinstance(target_obj, PracticePage):
        return
    changes = {"language": target_obj.locale.language_code}
    translator = get_translator()
    if translator is not None:
        changes.update(machine_translation(translator, source_obj, changes["language"]))
    for name, value in changes.items():
        setattr(target_obj, name, value)
    PracticePage.objects.filter(pk=target_obj.pk).update(**changes)
    revision = target_obj.latest_revision
    if revision is not None:
        revision.content.update(changes)
        revision.save(update_fields=["content"])


def machine_translation(translator, source: PracticePage, target: str) -> dict:
    """The source's texts in the target language, marked as unchecked machine translation; none
    when the service fails (the copy keeps the original texts, nothing is lost)."""
    names = [name for name in MACHINE_FIELDS if getattr(source, name)]
    try:
        texts = translator.translate([getattr(source, n) for n in names], source.language, target)
    except MachineTranslationError as exc:
        logger.warning("Machine translation of practice %s failed: %s", source.pk, exc)
        return {}
    translated = dict(zip(names, texts, strict=True))
    for name in ("title", "summary"):  # a translation may run longer than the field allows
        if name in translated:
            translated[name] = translated[name][: PracticePage._meta.get_field(name).max_length]
    return {**translated, "machine_translated": True}
