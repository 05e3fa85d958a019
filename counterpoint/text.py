"""Word-level helpers shared by the answerers, the citation checker, the matrix and the
evaluation."""

from __future__ import annotations

import re
from functools import lru_cache

from counterpoint.config import BUNDLED_EMBED_MODEL, offline_environment
from counterpoint.errors import InputError

_WORD = re.compile(r"[a-z0-9]+")
_MARKER = re.compile(r"\[\d+\]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """NLTK's English stopwords (the list ships inside llama-index-core)."""
    offline_environment()
    from nltk.corpus import stopwords as nltk_stopwords

    return frozenset(nltk_stopwords.words("english"))


def terms(text: str) -> set[str]:
    """Content terms as five-letter prefixes: a cheap stemmer ("sanctioned" meets "sanctions").

    Citation markers like [3] are not terms.
    """
    words = _WORD.findall(_MARKER.sub(" ", text).lower())
    stop = stopwords()
    return {w[:5] for w in words if w not in stop and len(w) > 1}


def normalise(text: str) -> str:
    """Lowercase letters and digits only: immune to spacing, punctuation and PDF letter-gaps."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def script_hint(question: str, embed_model: str) -> str:
    """Why the bundled embedder finds nothing for a question with no word in Latin script
    (Chinese, Arabic...): it reads English only. Empty for any other question or embedder."""
    if embed_model != BUNDLED_EMBED_MODEL or re.search(r"[A-Za-z\u00c0-\u024f]{2,}", question):
        return ""
    return (
        "The question has no words in Latin script, and the offline embedder "
        "(all-MiniLM-L6-v2) reads English only, so it cannot match the question to any "
        "passage: ask in English, or set COUNTERPOINT_EMBED_MODEL to a multilingual model."
    )


def normalise_question(question: str) -> str:
    """The question's characters as ingest leaves a document's (`ingest.characters`): no
    zero-width characters or soft hyphens, full-width letters and ligatures in plain form; so
    "ｈｕｍａｎ rig\u200bhts" finds what "human rights" finds."""
    from ingest.characters import normalize_characters

    return normalize_characters(question)


def check_question(question: str, limit: int) -> str:
    """The question, normalised as documents are and stripped; empty, wordless or over-long
    questions are refused."""
    question = normalise_question(question).strip()
    if not question:
        raise InputError("the question is empty")
    if len(question) > limit:
        raise InputError(
            f"the question is {len(question):,} characters long; the limit is {limit:,}"
        )
    if not re.search(r"\w", question):
        raise InputError("the question has no words in it")
    return question
