"""Shared specific phrases: what tells "respect for human rights" from "intellectual property
rights" when MiniLM puts both near 0.55 to a critic's sentence.

Two sentences are on one subject when they share a phrase (two content words in a row, stop
words skipped, each cut to a six-letter prefix) that few sentences of the corpus hold: its
inverse document frequency over every sentence of both sides is high. A shared single word is
not enough ("rights", "report"): single words are what unrelated sentences share.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from counterpoint.text import stopwords

_WORD = re.compile(r"[a-z][a-z0-9-]+")
STEM = 6  # letters kept of each word: "respects" meets "respect", "cleared" meets "clearing"
SPECIFIC = 3.0  # idf above which a phrase is specific (held by under 1 sentence in 20)


def phrases(text: str) -> set[str]:
    """The sentence's two-word phrases of content words, as stems ("human rights")."""
    stop = stopwords()
    words = [w[:STEM] for w in _WORD.findall(text.lower()) if w not in stop and len(w) > 2]
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


class PhraseStats:
    """How rare each phrase is among the corpus's sentences (both sides)."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for text in dict.fromkeys(texts):
            counts.update(phrases(text))
            total += 1
        self._idf = {p: math.log((total + 1) / (n + 0.5)) for p, n in counts.items()}
        self._unseen = math.log(total + 1) if total else 0.0

    def idf(self, phrase: str) -> float:
        """The phrase's inverse document frequency (a phrase never seen is the rarest)."""
        return self._idf.get(phrase, self._unseen)

    def shared(self, first: str, second: str) -> list[tuple[str, float]]:
        """The specific phrases both texts hold, rarest first."""
        common = phrases(first) & phrases(second)
        found = [(p, self.idf(p)) for p in common if self.idf(p) >= SPECIFIC]
        return sorted(found, key=lambda item: -item[1])
