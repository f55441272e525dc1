"""Machine translation to pre-fill a new translation of a practice, when a service is configured.

No package on the registries ships translation model weights that run offline on the CPU
(docs/machine-translation.md says what was checked), so the site translates through a hosted
service named by a setting, in the way Wagtail names its search backends:

    MACHINE_TRANSLATION = {
        "BACKEND": "multilingual.machine.LibreTranslate",
        "OPTIONS": {"url": "https://translate.example.org", "api_key": "..."},
    }

A backend is a class taking the OPTIONS as keyword arguments, with `translate(texts, source,
target)` returning the texts in the target language (HTML kept as HTML). Without the setting
(the default), translations start as a copy of the original, as in Wagtail.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

import requests

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
_paused: ContextVar[bool] = ContextVar("machine_translation_paused", default=False)


class MachineTranslationError(Exception):
    """The service could not translate (down, refused, or answered nonsense)."""


class MachineTranslator(Protocol):
    name: str

    def translate(self, texts: list[str], source: str, target: str) -> list[str]: ...


def get_translator() -> MachineTranslator | None:
    config = getattr(settings, "MACHINE_TRANSLATION", None)
    if not config or _paused.get():
        return None
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


@contextmanager
def paused():
    """No machine translation inside: for copies whose texts come from a person (an import)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


class LibreTranslate:
    """A LibreTranslate server (self-hosted or a provider's): POST /translate, HTML format."""

    name = "LibreTranslate"

    def __init__(self, url: str, api_key: str = "", timeout: float = 30) -> None:
        self.url = url.rstrip("/") + "/translate"
        self.api_key = api_key
        self.timeout = timeout

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        payload = {"q": texts, "source": source, "target": target, "format": "html"}
        if self.api_key:
            payload["api_key"] = self.api_key
        try:
            response = requests.post(self.url, json=payload, timeout=self.timeout)
            response.raise_for_status()
            translated = response.json()["translatedText"]
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise MachineTranslationError(f"{self.name} at {self.url}: {exc}") from exc
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise MachineTranslationError(f"{self.name} answered {len(translated)} texts")
        return [str(text) for text in translated]
