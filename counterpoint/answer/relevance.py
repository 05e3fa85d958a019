"""How well a sentence answers a question: the signals the extractive answerer quotes by.

Measured on the hand labels of both question sets (bench/answer_signals.py), these are the
signals that moved quote precision, and how they combine:
- MiniLM cosine of question and sentence, with the company's name replaced by "the company" on
  both (a name shared by every sentence and most questions otherwise outranks the subject);
- the same cosine for the sentence's whole passage (a short sentence takes its subject from it);
- IDF-weighted overlap of content terms, and overlap of adjacent-term phrases: "human rights" is
  a phrase that "intellectual property rights" does not contain;
- question type: a question asking for a figure is not answered by a sentence without one.
Section-heading and neighbouring-sentence context were measured too and did not help.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.answer.citations import Sentence
from counterpoint.attribution import neutral
from counterpoint.text import stopwords, terms

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from counterpoint.models import Passage

PASSAGE_WEIGHT = 1.0
TERM_WEIGHT = 0.25
PHRASE_WEIGHT = 0.3
NO_FIGURE_PENALTY = 0.4
_WORD = re.compile(r"[a-z0-9]+")
# Questions whose answer is a quantity: "how many", "what share", "by how much", ...
_FIGURE_QUESTION = re.compile(
    r"\b(?:how (?:many|much|large|big|high|low|far|long)|by how much|what (?:share|percentage|"
    r"proportion|number|amount|fraction|portion)|what percent)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_CACHE_SIZE = 20_000


def wants_figure(question: str) -> bool:
    """True when the question asks for a quantity."""
    return bool(_FIGURE_QUESTION.search(question))


def has_figure(text: str) -> bool:
    """True when the text holds a number other than a year."""
    return bool(re.search(r"\d", _YEAR.sub(" ", text)))


def phrases(text: str) -> set[tuple[str, str]]:
    """Adjacent content terms (five-letter prefixes), stopwords skipped: the text's phrases."""
    stop = stopwords()
    words = [w[:5] for w in _WORD.findall(text.lower()) if w not in stop and len(w) > 1]
    return set(zip(words, words[1:], strict=False))


@dataclass(frozen=True)
class Signals:
    """What a sentence's score is made of (measured and weighted in bench/answer_signals.py)."""

    sentence: float  # MiniLM cosine of question and sentence, the company's name neutralised
    passage: float  # the same for the sentence's whole passage
    terms: float  # IDF-weighted share of the question's content terms the sentence holds
    phrases: float  # share of the question's two-term phrases the sentence holds
    figure_missing: bool  # the question asks for a quantity and the sentence gives none

    def combined(self) -> float:
        """The score the sentences of a side are ranked by."""
        score = self.sentence + PASSAGE_WEIGHT * self.passage
        score += TERM_WEIGHT * self.terms + PHRASE_WEIGHT * self.phrases
        return score - (NO_FIGURE_PENALTY if self.figure_missing else 0.0)


@dataclass
class Scored:
    """A sentence with its score, its (neutral) vector, the signals the score is made of, and
    its relevance: how likely it is to answer the question (see `relevance`)."""

    sentence: Sentence
    score: float
    vector: np.ndarray
    signals: Signals | None = None
    relevance: float = 0.0


# The answer tier's model: a logistic regression of "this sentence answers the question" on the
# signals below, fitted on every labelled set at hand (bench/answer_calibration.py --fit prints
# the weights and how they hold on each set left out of the fit).
# The threshold between the tiers, read off the curve `bench/answer_calibration.py --fit`
# prints (bench/RESULTS.md, "Calibration"): the highest point at which the seed and second
# corpus both still show answers; above it, precision stops rising on the held-out corpus
# while coverage halves.
ANSWER_TIER = 0.6
WEIGHTS = (4.333, 3.675, 2.123, 0.368, -1.183, 0.514, -1.497, 0.813)
INTERCEPT = -8.071


def feature_vector(item: Scored, rank: int, gap: float) -> list[float]:
    """What the relevance model reads of a sentence: its signals, whether it is its side's best
    (and how far below the best it is), and its length."""
    signals = item.signals
    assert signals is not None
    words = len(item.sentence.text.split())
    return [
        signals.sentence,
        signals.passage,
        signals.terms,
        signals.phrases,
        float(signals.figure_missing),
        float(rank == 0),
        gap,
        math.log1p(words),
    ]


def relevance(ranked: list[Scored]) -> list[Scored]:
    """The side's sentences (best first) with their relevance set: the model's probability."""
    if not ranked:
        return ranked
    best = ranked[0].score
    for rank, item in enumerate(ranked):
        x = feature_vector(item, rank, best - item.score)
        z = INTERCEPT + sum(w * v for w, v in zip(WEIGHTS, x, strict=True))
        # Two places, as every format shows it: a sentence shown at 0.60 is in the answer tier.
        item.relevance = round(1 / (1 + math.exp(-z)), 2)
    return ranked


@dataclass
class RelevanceScorer:
    """Scores candidate sentences against a question; caches vectors across questions."""

    embedder: BaseEmbedding
    _cache: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict)

    def score(
        self, question: str, candidates: dict[str, list[Sentence]], names: set[str]
    ) -> dict[str, list[Scored]]:
        """Each side's candidates with their scores, best first."""
        query = np.asarray(self.embedder.get_query_embedding(neutral(question, names)))
        everything = [s.text for found in candidates.values() for s in found]
        weights = _idf(everything)
        asked = terms(neutral(question, names)) - {"compa"}
        asked_phrases = phrases(neutral(question, names))
        figure = wants_figure(question)
        ranked = {}
        for side, found in candidates.items():
            vectors = self.vectors([neutral(s.text, names) for s in found])
            passages = self._passage_vectors([s.passage for s in found], names)
            scored = []
            for s, v, p in zip(found, vectors, passages, strict=True):
                signals = Signals(
                    sentence=float(v @ query),
                    passage=float(p @ query),
                    terms=_overlap(asked, s.text, weights),
                    phrases=(
                        len(asked_phrases & phrases(s.text)) / len(asked_phrases)
                        if asked_phrases
                        else 0.0
                    ),
                    figure_missing=figure and not has_figure(s.text),
                )
                scored.append(Scored(s, signals.combined(), v, signals))
            ranked[side] = sorted(scored, key=lambda item: item.score, reverse=True)
        return ranked

    def _passage_vectors(self, passages: list[Passage], names: set[str]) -> list[np.ndarray]:
        unique = {p.chunk_id: p for p in passages}
        vectors = dict(
            zip(
                unique, self.vectors([neutral(p.text, names) for p in unique.values()]), strict=True
            )
        )
        return [vectors[p.chunk_id] for p in passages]

    def vectors(self, texts: list[str]) -> list[np.ndarray]:
        """Unit vectors of the texts, cached: follow-ups mostly re-read the same passages."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(
                missing, self.embedder.get_text_embedding_batch(missing), strict=True
            ):
                self._cache[text] = np.asarray(vector)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return [self._cache[t] for t in texts]


def _idf(texts: list[str]) -> dict[str, float]:
    # IDF over the candidate sentences: words every candidate shares count little.
    counts: dict[str, int] = {}
    for text in texts:
        for term in terms(text):
            counts[term] = counts.get(term, 0) + 1
    return {term: math.log(1 + len(texts) / n) for term, n in counts.items()}


def _overlap(wanted: set[str], sentence: str, weights: dict[str, float]) -> float:
    # Question terms absent from every candidate weigh as much as the rarest present one.
    default = max(weights.values(), default=1.0)
    total = sum(weights.get(t, default) for t in wanted)
    shared = sum(weights.get(t, default) for t in wanted & terms(sentence))
    return shared / total if total else 0.0
