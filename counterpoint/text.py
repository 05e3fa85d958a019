"""Word-level helpers shared by the answerers, the citation checker, the matrix and the
evaluation."""

from __future__ import annotations

import re
from functools import lru_cache

from counterpoint.config import offline_environment

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
