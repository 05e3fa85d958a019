"""Answerers turn retrieved passages into a three-part cited answer.

`ExtractiveAnswerer` (the offline default) writes nothing of its own about the evidence: it
quotes the sentences that best answer the question, verbatim, under *What the company says*,
*What critics say* and *Where they meet*. The LLM answerer shares the same interface.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from counterpoint.answer.citations import CitationList, Sentence, sentences
from counterpoint.models import Answer, Passage, SideFindings
from counterpoint.text import terms

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

SIDE_HEADINGS = {"company": "What the company says", "critic": "What critics say"}
SIDE_SILENT = {
    "company": "The company's documents do not address this.",
    "critic": "The critics' documents do not address this.",
}
NO_EVIDENCE = (
    "Neither the company's documents nor the critics' address this question, so there is "
    "no answer to give from this corpus."
)
# Thresholds chosen on tests/data/eval_questions.toml (bench/answer_thresholds.py): at 0.425,
# 5% of sides holding gold evidence are silenced and 25% of unanswerable sides still answer.
RELEVANT = 0.425  # a side counts as answering when its best sentence scores this much
NEAR_BEST = 0.12  # further sentences are quoted when within this of the side's best
MEET = 0.45  # cosine between a company and a critic sentence to set them side by side
PER_SIDE = 3
_CONTRAST = re.compile(
    r"\b(however|but|despite|contradicts?|contrary|instead|not|never|no|false|"
    r"although|while|yet|deny|denies|criticized|accused)\b",
    re.IGNORECASE,
)


class Answerer(Protocol):
    """Anything that answers a question from per-side passages."""

    name: str

    def answer(self, question: str, passages: dict[str, list[Passage]]) -> Answer:
        """A three-part answer with citations; `timings_ms` is filled in by the caller."""
        ...


@dataclass
class ScoredSentence:
    sentence: Sentence
    score: float
    vector: np.ndarray


@dataclass
class ExtractiveAnswerer:
    """Quotes the best sentences of each side; composes no claim of its own."""

    embedder: BaseEmbedding
    name: str = "extractive"
    _cache: OrderedDict[tuple[str, int, int], np.ndarray] = field(default_factory=OrderedDict)

    def answer(self, question: str, passages: dict[str, list[Passage]]) -> Answer:
        """Compose the three-part answer from the passages' own sentences."""
        ranked = self.score_sentences(question, passages)
        chosen = {side: _choose(items) for side, items in ranked.items()}
        citations = CitationList()
        parts = [_side_part(side, chosen[side], citations) for side in SIDE_HEADINGS]
        insufficient = not any(chosen.values())
        if insufficient:
            body = NO_EVIDENCE
        else:
            parts.append(_meeting_part(chosen, citations))
            body = "\n\n".join(parts)
        sides = {
            side: SideFindings(found=bool(chosen.get(side)), citations=citations.numbers_for(side))
            for side in SIDE_HEADINGS
        }
        return Answer(
            question=question,
            mode=self.name,
            answer=body,
            sides=sides,
            citations=citations.items,
            insufficient_evidence=insufficient,
            timings_ms={},
        )

    def score_sentences(
        self, question: str, passages: dict[str, list[Passage]]
    ) -> dict[str, list[ScoredSentence]]:
        """Every quotable sentence of each side's passages, best first."""
        query = np.asarray(self.embedder.get_query_embedding(question))
        candidates = {
            side: [s for passage in found for s in sentences(passage) if _quotable(s.text)]
            for side, found in passages.items()
        }
        weights = _term_weights([s.text for found in candidates.values() for s in found])
        return {
            side: self._rank(question, query, found, weights) for side, found in candidates.items()
        }

    def _rank(
        self,
        question: str,
        query: np.ndarray,
        candidates: list[Sentence],
        weights: dict[str, float],
    ) -> list[ScoredSentence]:
        vectors = self._vectors(candidates)
        wanted = terms(question)
        scored = [
            ScoredSentence(s, 0.75 * float(v @ query) + 0.25 * _overlap(wanted, s.text, weights), v)
            for s, v in zip(candidates, vectors, strict=True)
        ]
        return sorted(scored, key=lambda item: item.score, reverse=True)

    def _vectors(self, candidates: list[Sentence]) -> list[np.ndarray]:
        # Sentence vectors are cached: follow-up questions mostly re-read the same passages.
        keys = [(s.passage.chunk_id, s.start, s.end) for s in candidates]
        missing = [i for i, key in enumerate(keys) if key not in self._cache]
        if missing:
            fresh = self.embedder.get_text_embedding_batch([candidates[i].text for i in missing])
            for i, vector in zip(missing, fresh, strict=True):
                self._cache[keys[i]] = np.asarray(vector)
        while len(self._cache) > 20_000:
            self._cache.popitem(last=False)
        return [self._cache[key] for key in keys]


def _term_weights(texts: list[str]) -> dict[str, float]:
    # IDF over the candidate sentences: the company's name, present everywhere, counts little.
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


def _quotable(text: str) -> bool:
    # Headings and rows of scattered table cells make meaningless quotes on their own.
    if text.count(" · ") >= 2:
        return False
    return len(text.split()) >= 8 or text.rstrip().endswith((".", "!", "?", "”", '"'))


def _choose(ranked: list[ScoredSentence]) -> list[ScoredSentence]:
    if not ranked or ranked[0].score < RELEVANT:
        return []
    floor = max(RELEVANT, ranked[0].score - NEAR_BEST)
    chosen: list[ScoredSentence] = []
    for item in ranked:
        if item.score >= floor and all(item.sentence.text != c.sentence.text for c in chosen):
            chosen.append(item)
        if len(chosen) == PER_SIDE:
            break
    return chosen


def _side_part(side: str, chosen: list[ScoredSentence], citations: CitationList) -> str:
    heading = f"**{SIDE_HEADINGS[side]}**"
    if not chosen:
        return f"{heading}\n\n{SIDE_SILENT[side]}"
    lines = [f"- “{item.sentence.text}” [{citations.cite(item.sentence)}]" for item in chosen]
    return heading + "\n\n" + "\n".join(lines)


def _meeting_part(chosen: dict[str, list[ScoredSentence]], citations: CitationList) -> str:
    heading = "**Where they meet**"
    company, critic = chosen.get("company", []), chosen.get("critic", [])
    pairs = [(float(a.vector @ b.vector), a, b) for a in company for b in critic]
    if not pairs:
        missing = "critics" if company else "the company"
        return f"{heading}\n\nOnly one side speaks to this: nothing from {missing} to compare."
    similarity, ours, theirs = max(pairs, key=lambda pair: pair[0])
    if similarity < MEET:
        return f"{heading}\n\nThe two sides address different aspects; no passage pairs up closely."
    # No model judges agreement offline: name the contrast word that suggests a dispute.
    cue = _CONTRAST.search(theirs.sentence.text)
    verdict = (
        f"The critics' passage pushes back (it says “{cue.group()}”)"
        if cue
        else "Both passages speak to the same point"
    )
    return (
        f"{heading}\n\n{verdict} (similarity {similarity:.2f}):\n\n"
        f"| Company | Critics |\n| --- | --- |\n"
        f"| “{_cell(ours.sentence.text)}” [{citations.cite(ours.sentence)}] "
        f"| “{_cell(theirs.sentence.text)}” [{citations.cite(theirs.sentence)}] |"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
