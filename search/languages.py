"""How text in each language is analysed for lexical search, and which language a query is in.

A practice's text is analysed in its own `language`: with PostgreSQL's Snowball configuration
for that language where one exists, with the Snowball stemmer of the `snowballstemmer` package
(pure Python) where PostgreSQL has none (Polish), and otherwise as plain words (`simple`), which
queries then match by prefix (a light stem: `starszych` finds `starsze`). A query is analysed in
the interface language, in English and in the language it is written in, when that is clear.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Language code -> PostgreSQL text search configuration with a Snowball stemmer.
POSTGRES_CONFIGS = {
    "en": "english", "es": "spanish", "fr": "french", "hu": "hungarian", "ro": "romanian",
    "nl": "dutch", "pt": "portuguese", "de": "german", "it": "italian", "sv": "swedish",
    "da": "danish", "fi": "finnish", "no": "norwegian", "nb": "norwegian", "et": "estonian",
    "lt": "lithuanian", "el": "greek", "ca": "catalan", "eu": "basque", "ga": "irish",
    "tr": "turkish", "ru": "russian", "sr": "serbian", "sr-latn": "serbian", "cnr": "serbian",
    "hr": "serbian", "bs": "serbian",
}  # fmt: skip
# Languages PostgreSQL has no stemmer for, stemmed in Python (snowballstemmer's algorithm name).
PYTHON_STEMMERS = {"pl": "polish", "cs": "czech"}
# The languages a query may be detected in: the network's, and those its practices are written in.
DETECTABLE = ("en", "pl", "es", "hu", "ro", "bg", "lv", "mt", "nl", "fr", "sr", "pt", "de", "it")
# A detection below this probability is ignored (short queries are often ambiguous).
DETECTION_CONFIDENCE = 0.8
# Words this long or longer are matched by prefix in `simple` analysis: the last letters cut.
PREFIX_MIN_LENGTH = 6
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Analysis:
    """How one language's words become lexemes: a PostgreSQL configuration, and whether words
    are stemmed in Python first (`stemmer`) or matched by prefix (`prefix`)."""

    language: str
    config: str
    stemmer: str | None = None

    @property
    def prefix(self) -> bool:
        return self.config == "simple" and self.stemmer is None


def analysis_for(language: str | None) -> Analysis:
    code = (language or "en").lower()
    base = code.split("-")[0]
    if code in POSTGRES_CONFIGS or base in POSTGRES_CONFIGS:
        return Analysis(code, POSTGRES_CONFIGS.get(code) or POSTGRES_CONFIGS[base])
    if base in PYTHON_STEMMERS:
        return Analysis(code, "simple", PYTHON_STEMMERS[base])
    return Analysis(code, "simple")


@functools.cache
def _stemmer(algorithm: str):
    import snowballstemmer

    return snowballstemmer.stemmer(algorithm)


def stem_words(text: str, algorithm: str) -> str:
    """The text with every word replaced by its stem (lower case), word order kept."""
    stemmer = _stemmer(algorithm)
    return " ".join(stemmer.stemWord(word.lower()) for word in WORD.findall(text))


def stems(text: str, language: str | None) -> str:
    """The text as the stems of its words in `language`, all in Python: what Elasticsearch and
    OpenSearch index and query in their `ersi_stems` field, so that they analyse each practice
    in its own language as PostgreSQL does. Languages without a stemmer keep their words."""
    analysis = analysis_for(language)
    algorithm = analysis.stemmer or (None if analysis.prefix else analysis.config)
    if algorithm is None:
        return " ".join(word.lower() for word in WORD.findall(text))
    return stem_words(text, algorithm)


def analysed_text(text: str, analysis: Analysis) -> str:
    """What is given to to_tsvector(analysis.config, ...) for a document's text."""
    return stem_words(text, analysis.stemmer) if analysis.stemmer else text


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(DETECTABLE))
    return identifier


def detect_language(text: str) -> str | None:
    """The language of a query when the detector is confident, else None.

    Cyrillic is Bulgarian here (the network's only Cyrillic language besides Serbian, whose
    partners write in Latin script)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    if sum("\u0400" <= ch <= "\u04ff" for ch in letters) > len(letters) / 2:
        return "bg"
    language, probability = _identifier().classify(text)
    return language if probability >= DETECTION_CONFIDENCE else None


def query_languages(
    text: str, interface_language: str | None, content_languages: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The languages a query is analysed in: the language it is written in when clear (first:
    its stop words are dropped), the interface language, English (most practices are written in
    English), and every other language practices are written in that has a stemmer: a single
    Spanish word finds the Spanish practices even when no language can be told from one word."""
    detected = detect_language(text)
    interface = (interface_language or "en").lower()
    stemmed = [x for x in content_languages if not analysis_for(x).prefix]
    return tuple(dict.fromkeys(x for x in (detected, interface, "en", *stemmed) if x))
