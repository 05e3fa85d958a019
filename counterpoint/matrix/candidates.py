"""The claims matrix's candidates: for a statement, the other side's sentences a judge reads.

`CandidateFinder` retrieves the other side's best passages for each statement, embeds their
sentences in one batch and ranks them by closeness and shared terms; for a company claim it adds
the critics' plain criticism on its topic and what a critic says around a restatement of it.
`reading.DocumentReading` holds one side's sentences in reading order, for that context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from counterpoint.answer.citations import Sentence, is_verbatim, sentences
from counterpoint.matrix.claims import RuleExtractor
from counterpoint.matrix.closeness import TOPIC, same_claim
from counterpoint.matrix.credibility import doubts, is_candour_claim
from counterpoint.matrix.cues import attributes_to, contrast_cues, is_strong
from counterpoint.matrix.models import EvidenceQuote, Statement
from counterpoint.matrix.phrases import PhraseStats
from counterpoint.matrix.polarity import affirms, denies
from counterpoint.matrix.reading import DocumentReading, Unit
from counterpoint.matrix.vectors import SentenceVectors
from counterpoint.models import Passage
from counterpoint.text import normalise, terms

if TYPE_CHECKING:
    from counterpoint.retrieval import HybridRetriever

PASSAGES = 4  # of the other side, retrieved per statement
CANDIDATES = 6  # sentences handed to the judge, best first (plus the extras below)
CRITICISM = 2  # extra: the closest sentences of plain criticism on the topic (TOPIC)
DOUBTS = 2  # extra, for a claim of candour: the critic's sentences doubting the company's word
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
        self._company = ""  # the company's text, normalised: critics quoting it restate it
        self._phrases: PhraseStats | None = None
        self._doubting: list[tuple[Unit, str]] | None = None

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
                (unit.passage, unit.sentence)
                for p in passages
                for s in sentences(p)
                if (unit := where.get((p.doc_id, s.text))) is not None
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
        for quote in chosen:
            quote.shared = [p for p, _ in self.phrases.shared(statement.text, quote.quote)][:3]
        query = self.vectors[statement.text]
        for quote in [q for q in chosen if q.restates and same_claim(q)]:
            for passage, sentence in self._context(quote.doc_id, quote.quote):
                known = next((q for q in chosen if q.quote == sentence.text), None)
                if known is None:
                    cosine = float(np.clip(self.vectors[sentence.text] @ query, 0.0, 1.0))
                    chosen.append(self._quote(passage, sentence.text, cosine, quote.quote))
                elif not known.restates and not known.follows:
                    known.follows = quote.quote  # ranked already: now also read with it
        if is_candour_claim(statement.text):
            chosen += self._doubts(statement, {q.quote for q in chosen})
        if denies(statement.text):
            for quote in chosen:
                on_subject = quote.follows or quote.shared or quote.similarity >= TOPIC
                if on_subject and not quote.restates:
                    quote.affirms = affirms(quote.quote)
        return chosen

    def _doubts(self, claim: Statement, known: set[str]) -> list[EvidenceQuote]:
        """The critic's sentences and headings that doubt the company's word, closest to the
        claim first: the evidence against a claim of candour (see `credibility`)."""
        query = self.vectors[claim.text]
        found = []
        for unit, cue in self.doubting:
            if unit.text not in known:
                cosine = float(np.clip(self.vectors[unit.text] @ query, 0.0, 1.0))
                quote = _quote(unit.passage, unit.text, cosine)
                quote.doubts = cue
                found.append(quote)
        return sorted(found, key=lambda q: -q.similarity)[:DOUBTS]

    @property
    def doubting(self) -> list[tuple[Unit, str]]:
        """Every critic sentence or heading, in the critic's own voice, that doubts the
        company's word, with how it does."""
        if self._doubting is None:
            reading = self._document("critic")
            units = [u for d in reading.documents() for u in reading.units(d) if u.voice == "own"]
            found = [(u, doubts(u.text, self.rules.subject)) for u in units]
            self._doubting = [(u, cue) for u, cue in found if cue]
        return self._doubting

    @property
    def phrases(self) -> PhraseStats:
        """How rare each phrase is among the quotable sentences of both sides."""
        if self._phrases is None:
            texts = [k[1] for side in ("company", "critic") for k in self._document(side).where]
            self._phrases = PhraseStats(texts)
        return self._phrases

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
            unit = self._document("critic").where.get((passage.doc_id, text))
            quote.part = self.rules.region(unit.sentence) if unit is not None else ""
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
        (a finding often comes first, then "the report states ..."); restatements and
        quotations skipped."""
        before, after = self._document("critic").section(doc_id, text, FOLLOW + 2)
        after = [u for u in after if not self._restating(u)][:FOLLOW]
        before = [u for u in before if not self._restating(u)][:FOLLOW]
        chosen = after + [u for u in before if is_strong(contrast_cues(u.text))]
        return [(u.passage, u.sentence) for u in chosen]

    def _restating(self, unit: Unit) -> bool:
        return unit.voice != "own" or self.restates(unit.text)

    def _sequels(self, found: list[Item]) -> list[Item]:
        return [
            item
            for passage, sentence in found
            if self.restates(sentence.text)
            for item in self._context(passage.doc_id, sentence.text)
        ]

    def _document(self, side: str) -> DocumentReading:
        return self.rules.reading(side)


def _criticism(quote: EvidenceQuote) -> bool:
    return quote.similarity >= TOPIC and not quote.restates and is_strong(quote.contrast)


Item = tuple[Passage, Sentence]


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
