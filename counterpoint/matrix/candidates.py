"""The claims matrix's candidates: for a statement, the other side's sentences a judge reads.

`CandidateFinder` retrieves the other side's best passages for each statement, embeds their
sentences in one batch and ranks them by closeness and shared terms; for a company claim it adds
the critics' plain criticism on its topic and what a critic says around a restatement of it.
`DocumentSentences` holds one side's quotable sentences in reading order for that context.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.answer.citations import Sentence, is_verbatim, sentences
from counterpoint.matrix.claims import RuleExtractor
from counterpoint.matrix.cues import attributes_to, contrast_cues, is_strong
from counterpoint.matrix.judge import RESTATED, TOPIC
from counterpoint.matrix.models import EvidenceQuote, Statement
from counterpoint.matrix.vectors import SentenceVectors
from counterpoint.models import Passage
from counterpoint.text import normalise, terms

if TYPE_CHECKING:
    from counterpoint.retrieval import HybridRetriever

PASSAGES = 4  # of the other side, retrieved per statement
CANDIDATES = 6  # sentences handed to the judge, best first (plus the extras below)
CRITICISM = 2  # extra: the closest sentences of plain criticism on the topic (TOPIC)
FOLLOW = 3  # extra: sentences read after a restatement of the claim (RESTATED)
OVERLAP_WEIGHT = 0.25  # ranking only: shared content terms, as the extractive answerer does


class CandidateFinder:
    """For a statement, the other side's sentences about the same subject, best first; for a
    claim, also the critic's plain criticism on its topic and what the critic says right after
    restating it."""

    def __init__(self, retriever: HybridRetriever, rules: RuleExtractor) -> None:
        self.rules = rules
        self.vectors: SentenceVectors = rules.vectors
        self.retriever = retriever
        self._found: dict[tuple[str, str], list[Item]] = {}
        self._documents: dict[str, DocumentSentences] = {}
        self._company = ""  # the company's text, normalised: critics quoting it restate it

    def prepare(self, statements: list[Statement]) -> None:
        """Retrieve for every statement first, then embed every sentence in one batch."""
        self.vectors.add([s.text for s in statements])
        texts = []
        for statement in statements:
            other = "critic" if statement.side == "company" else "company"
            # Query vectors from the batch embedded above: one query at a time through the
            # model costs more than the rest of the build.
            vector = self.vectors[statement.text].tolist()
            passages = self.retriever.retrieve(statement.text, PASSAGES, other, vector)[other]
            # Each sentence as stored in its own chunk (a retrieved passage may span more).
            where = self._document(other).where
            found = [
                where[k]
                for p in passages
                for s in sentences(p)
                if (k := (p.doc_id, s.text)) in where
            ]
            self._found[(statement.id, other)] = found
            texts.extend(s.text for _, s in found)
            if other == "critic":
                texts.extend(s.text for _, s in self._sequels(found))
        self.vectors.add(texts)

    def candidates(self, statement: Statement, other: str) -> list[EvidenceQuote]:
        """The CANDIDATES quotes of the other side ranked best by closeness and shared terms;
        for a claim, then up to CRITICISM more of plain criticism at TOPIC closeness, and after
        each restatement of it (at RESTATED) the FOLLOW sentences that come next."""
        if (statement.id, other) not in self._found:
            self.prepare([statement])
        ranked = self._ranked(statement, self._found[(statement.id, other)])
        chosen = [quote for _, quote in ranked[:CANDIDATES]]
        if other != "critic":
            return chosen
        criticism = [q for _, q in ranked[CANDIDATES:] if _criticism(q)]
        chosen += criticism[:CRITICISM]
        query = self.vectors[statement.text]
        for quote in [q for q in chosen if q.restates and q.similarity >= RESTATED]:
            for passage, sentence in self._context(quote.doc_id, quote.quote):
                if sentence.text not in {q.quote for q in chosen}:
                    cosine = float(np.clip(self.vectors[sentence.text] @ query, 0.0, 1.0))
                    chosen.append(self._quote(passage, sentence.text, cosine, quote.quote))
        return chosen

    def _ranked(self, statement: Statement, found: list[Item]) -> list[tuple[float, EvidenceQuote]]:
        query = self.vectors[statement.text]
        wanted = terms(statement.text)
        scored, seen = [], set()
        for passage, sentence in found:
            if sentence.text in seen:
                continue  # overlapping chunks repeat sentences
            seen.add(sentence.text)
            cosine = float(np.clip(self.vectors[sentence.text] @ query, 0.0, 1.0))
            shared = len(wanted & terms(sentence.text)) / (len(wanted) or 1)
            rank = (1 - OVERLAP_WEIGHT) * cosine + OVERLAP_WEIGHT * shared
            scored.append((rank, self._quote(passage, sentence.text, cosine)))
        scored.sort(key=lambda item: item[0], reverse=True)
        return scored

    def _quote(
        self, passage: Passage, text: str, similarity: float, follows: str = ""
    ) -> EvidenceQuote:
        quote = _quote(passage, text, similarity)
        if passage.side == "critic":
            quote.restates = self.restates(text)
            quote.follows = follows
        return quote

    def restates(self, text: str) -> bool:
        """A critic sentence that reports the company saying something, or quotes it."""
        if attributes_to(text, self.rules.subject) or text in self._document("critic").quoted:
            return True
        if not self._company:
            chunks = self.rules.passages("company")
            self._company = "\n".join(normalise(passage.text) for passage, _ in chunks)
        return len(text.split()) >= 8 and normalise(text) in self._company

    def _context(self, doc_id: str, text: str) -> list[Item]:
        """What a critic says around a restatement, within its section: the FOLLOW sentences
        after it, and the FOLLOW before it (or the section heading) that carry criticism words
        (a finding often comes first, then "the report states ..."); restatements skipped."""
        before, after = self._document("critic").section(doc_id, text, FOLLOW + 2)
        after = [(p, s) for p, s in after if not self.restates(s.text)][:FOLLOW]
        before = [(p, s) for p, s in before if not self.restates(s.text)][:FOLLOW]
        return after + [(p, s) for p, s in before if is_strong(contrast_cues(s.text))]

    def _sequels(self, found: list[Item]) -> list[Item]:
        return [
            item
            for passage, sentence in found
            if self.restates(sentence.text)
            for item in self._context(passage.doc_id, sentence.text)
        ]

    def _document(self, side: str) -> DocumentSentences:
        if side not in self._documents:
            chunks = self.rules.passages(side)
            attributes = partial(attributes_to, subject=self.rules.subject)
            self._documents[side] = DocumentSentences(chunks, self.rules.quotable, attributes)
        return self._documents[side]


def _criticism(quote: EvidenceQuote) -> bool:
    return quote.similarity >= TOPIC and not quote.restates and is_strong(quote.contrast)


class DocumentSentences:
    """The quotable sentences and headings of one side's documents in reading order, across
    chunks, and which sentences quote the company: the paragraph after a line that attributes
    to it and ends in a colon ("Its report states that it respects human rights law:")."""

    def __init__(
        self,
        chunks: list[tuple[Passage, int]],
        quotable: Callable[[Sentence], bool],
        attributes: Callable[[str], bool],
    ) -> None:
        from ingest.chunking import is_heading

        self.where: dict[tuple[str, str], Item] = {}  # (doc_id, text) -> a quotable sentence
        self._order: dict[str, list[tuple[int, Passage, Sentence, bool]]] = {}
        seen: set[tuple[str, int]] = set()
        for passage, start in chunks:
            for sentence in sentences(passage):
                at, prose = start + sentence.start, quotable(sentence)
                if prose:
                    self.where.setdefault((passage.doc_id, sentence.text), (passage, sentence))
                heading = not prose and _whole_line(sentence) and is_heading(sentence.text.strip())
                if (passage.doc_id, at) not in seen and (heading or prose):
                    seen.add((passage.doc_id, at))
                    self._order.setdefault(passage.doc_id, []).append(
                        (at, passage, sentence, heading)
                    )
        self.quoted: set[str] = set()
        for found in self._order.values():
            found.sort(key=lambda item: item[0])
            self.quoted.update(_quoted([e[:3] for e in found if not e[3]], attributes))

    def section(self, doc_id: str, text: str, count: int) -> tuple[list[Item], list[Item]]:
        """Around the sentence `text` of that document, within its section: up to `count`
        sentences before it (nearest first, then the section's heading) and `count` after."""
        order = self._order.get(doc_id, [])
        index = next((i for i, e in enumerate(order) if e[2].text == text), None)
        if index is None:
            return [], []
        before: list[Item] = []
        for _, passage, sentence, heading in reversed(order[max(index - count - 1, 0) : index]):
            before.append((passage, sentence))
            if heading:
                break
        after: list[Item] = []
        for _, passage, sentence, heading in order[index + 1 : index + 1 + count]:
            if heading:
                break
            after.append((passage, sentence))
        return before, after


Item = tuple[Passage, Sentence]


def _whole_line(sentence: Sentence) -> bool:
    text = sentence.passage.text
    starts = sentence.start == 0 or text[sentence.start - 1] == "\n"
    return starts and (sentence.end >= len(text) or text[sentence.end :].startswith("\n"))


def _quoted(
    order: list[tuple[int, Passage, Sentence]], attributes: Callable[[str], bool]
) -> list[str]:
    """The sentences of the line after each attributing line that ends in a colon."""
    found, open_at = [], None
    for _, passage, sentence in order:
        new_line = sentence.start == 0 or passage.text[sentence.start - 1] == "\n"
        if open_at == "pending" and new_line:
            open_at = "open"
        elif open_at == "open" and new_line:
            open_at = None
        if open_at == "open":
            found.append(sentence.text)
        if sentence.text.rstrip().endswith(":") and attributes(sentence.text):
            open_at = "pending"
    return found


def _quote(passage, text: str, similarity: float) -> EvidenceQuote:  # noqa: ANN001 - Passage
    return EvidenceQuote(
        side=passage.side,
        doc_id=passage.doc_id,
        title=passage.title,
        page=passage.page,
        chunk_id=passage.chunk_id,
        quote=text,
        similarity=round(similarity, 4),
        contrast=contrast_cues(text),
        supported=is_verbatim(text, passage.text),
    )
