"""Check every sentence of a generated answer against the passages it cites.

A sentence is supported when each `[n]` it carries names a real passage and that passage holds a
sentence close to it: by shared content words or by embedding similarity. Thresholds were chosen
on data (bench/verification_thresholds.py): quotes from the right passage against sentences of
other passages of the same corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.answer.citations import Sentence, citation_for, sentences
from counterpoint.models import CheckedSentence, Citation, Passage
from counterpoint.text import terms

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

LEXICAL_SUPPORT = 0.6  # share of the claim's content words found in one passage sentence
SEMANTIC_SUPPORT = 0.7  # cosine between the claim and one passage sentence
MIN_PART_TERMS = 3  # content words a marker's own words need to be checked apart from the rest
_MARKER = re.compile(r"\[(\d+)\]")
_ONLY_MARKERS = re.compile(r"(?:\[\d+\]\s*)+")
# A sentence ends at . ! or ?, or after a citation marker, before a capital or an opening quote;
# where markers lead their sentences, a marker opens the next one.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])|(?<=\])\s+(?=[A-Z“\"(])")
_LEADING_BREAK = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z“\"(\[])")
_NOT_CLAIMS = re.compile(r"do(es)? not address|no (relevant )?(information|passage)", re.I)


@dataclass
class Verdict:
    """The checked sentences, the citations they use, and the annotated answer text."""

    sentences: list[CheckedSentence]
    citations: list[Citation]
    text: str

    @property
    def share_supported(self) -> float:
        """Share of claim sentences whose citations all hold."""
        if not self.sentences:
            return 1.0
        return sum(s.supported for s in self.sentences) / len(self.sentences)


def verify(answer: str, numbered: dict[int, Passage], embedder: BaseEmbedding) -> Verdict:
    """Check each claim sentence of `answer`; `numbered` maps [n] to the passage shown as n.

    Citation numbers stay those the model saw, so the text's markers match the citation list.
    """
    checked: list[CheckedSentence] = []
    quotes: dict[int, Sentence] = {}
    holds: dict[int, bool] = {}
    lines = []
    for line in answer.splitlines():
        results = []
        for claim in _claims(line):
            result, best = _check(claim, numbered, embedder)
            results.append(result)
            for n, sentence in best.items():
                quotes.setdefault(n, sentence)
                holds[n] = holds.get(n, True) and result.supported
        checked.extend(results)
        lines.append(_annotate(line, results))
    citations = [citation_for(n, quotes[n], holds[n]) for n in sorted(quotes)]
    return Verdict(checked, citations, "\n".join(lines))


def _claims(line: str) -> list[str]:
    line = line.strip()
    if line.startswith(("**", "#", "|")) and line.endswith(("**", "|")) or line.startswith("#"):
        return []  # headings and table rows are structure, not claims
    stripped = line.lstrip("-*• ").strip()
    if not stripped:
        return []
    if _ONLY_MARKERS.match(stripped):  # markers lead: "[1] The company states ..."
        parts = _with_leading_markers(stripped)
    else:  # markers follow their sentence: "The company states ... [1]" or "... states. [1]"
        parts = _SENTENCE_BREAK.split(stripped)
    return [p for p in parts if len(terms(p)) >= 2 and not _NOT_CLAIMS.search(p)]


def _with_leading_markers(line: str) -> list[str]:
    """The sentences of a line whose markers lead, each with the markers that open it ("[2] [3]
    ..."), as it stands in the line (the text is marked up later)."""
    spans, start = [], 0
    for cut in _LEADING_BREAK.finditer(line):
        spans.append((start, cut.start()))
        start = cut.end()
    spans.append((start, len(line)))
    joined: list[tuple[int, int]] = []
    for span in spans:
        if joined and _ONLY_MARKERS.fullmatch(line[joined[-1][0] : joined[-1][1]]):
            joined[-1] = (joined[-1][0], span[1])
        else:
            joined.append(span)
    return [line[a:b] for a, b in joined]


def _check(
    claim: str, numbered: dict[int, Passage], embedder: BaseEmbedding
) -> tuple[CheckedSentence, dict[int, Sentence]]:
    markers = sorted({int(n) for n in _MARKER.findall(claim)})
    if not markers:
        return CheckedSentence(text=claim, citations=[], supported=False, reason="no citation"), {}
    missing = [n for n in markers if n not in numbered]
    if missing:
        reason = f"cites [{missing[0]}], which is not a passage given"
        return CheckedSentence(text=claim, citations=markers, supported=False, reason=reason), {}
    best: dict[int, Sentence] = {}
    holds = []
    parts = cited_parts(claim)
    for n in markers:
        sentence, ok = support(parts.get(n, claim), numbered[n], embedder)
        best[n] = sentence
        holds.append(ok)
    reason = "" if all(holds) else "the cited passage does not say this"
    return CheckedSentence(text=claim, citations=markers, supported=all(holds), reason=reason), best


def cited_parts(claim: str) -> dict[int, str]:
    """What each marker cites: the words between it and the marker before it ("the company
    says X [1], while reporters found Y [3]": X for 1, Y for 3). Markers side by side ("X [1][3]")
    or with too few words of their own between them cite the whole sentence."""
    parts: dict[int, str] = {}
    start = 0
    for match in _MARKER.finditer(claim):
        own, n = claim[start : match.start()], int(match.group(1))
        if len(terms(own)) >= MIN_PART_TERMS:
            parts[n] = f"{parts.get(n, '')} {own}"  # a marker used twice cites both stretches
        else:
            parts[n] = claim
        start = match.end()
    return {n: part.strip() for n, part in parts.items()}


def support(
    claim: str, passage: Passage, embedder: BaseEmbedding, extra: tuple[Sentence, ...] = ()
) -> tuple[Sentence, bool]:
    """The passage's sentence (or one of `extra`: a quote) closest to `claim`, and whether it
    bears the claim out: by shared content words or by embedding similarity."""
    candidates = [*extra, *sentences(passage)] or [Sentence(passage, 0, len(passage.text))]
    words = terms(claim)
    lexical = [len(words & terms(c.text)) / len(words) for c in candidates]
    texts = [_MARKER.sub("", claim), *(c.text for c in candidates)]
    vectors = np.asarray(embedder.get_text_embedding_batch(texts))
    semantic = vectors[1:] @ vectors[0]
    best = int(np.argmax(np.asarray(lexical) + semantic))
    supported = max(lexical) >= LEXICAL_SUPPORT or float(semantic.max()) >= SEMANTIC_SUPPORT
    return candidates[best], supported


def _annotate(line: str, results: list[CheckedSentence]) -> str:
    for result in results:
        if not result.supported:
            line = line.replace(result.text, f"{result.text} ⚠️ *unverified: {result.reason}*", 1)
    return line
