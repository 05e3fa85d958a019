"""Answerers turn retrieved passages into a three-part cited answer.

`ExtractiveAnswerer` (the offline default) writes nothing of its own about the evidence: it
quotes sentences verbatim, under *What the company says*, *What critics say* and *Where they
meet*, in two tiers (counterpoint/answer/parts.py): the *answers*, sentences whose calibrated
relevance (counterpoint/answer/relevance.py) says they answer the question, and the *closest
passages*, which may not. A side without an answer says so, and with neither side the answer
says there is no answer in the corpus. A critic's quotation of the company's own words is the
company's statement "as quoted by" the critic (counterpoint/attribution.py); the meeting
verdict comes from counterpoint/answer/meeting.py. The LLM answerer shares the interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from counterpoint.answer.citations import CitationList, Sentence, sentences
from counterpoint.answer.meeting import Verdict, judge
from counterpoint.answer.parts import (
    CLOSEST_LINE,
    NO_EVIDENCE,
    SIDE_HEADINGS,
    SideTiers,
    meeting_part,
    side_part,
)
from counterpoint.answer.relevance import ANSWER_TIER, RelevanceScorer, Scored, relevance
from counterpoint.attribution import is_company_voice, names_in, voice_spans
from counterpoint.models import Answer, Meeting, Passage, SideFindings

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

# The answer tier: sentences whose relevance (the calibrated chance that they answer, see
# counterpoint/answer/relevance.py) reaches ANSWER_TIER, at most PER_SIDE per side; the closest
# passages: the best sentence of up to CLOSEST other passages, however low.
PER_SIDE = 2
CLOSEST = 2
JUDGED = 4  # critic sentences the verdict weighs
RELEVANT = 0.9  # the score a critic sentence needs to be weighed by the verdict
QUOTED = "quoted"  # the company's words inside a critic document


class Answerer(Protocol):
    """Anything that answers a question from per-side passages."""

    name: str

    def answer(self, question: str, passages: dict[str, list[Passage]]) -> Answer:
        """A three-part answer with citations; `timings_ms` is filled in by the caller."""
        ...


@dataclass
class Evidence:
    """What the answer may quote: each side's sentences, and the company's words in critics'."""

    names: set[str]
    candidates: dict[str, list[Sentence]]


@dataclass
class ExtractiveAnswerer:
    """Quotes the sentences of each side that answer the question; composes no claim of its own."""

    embedder: BaseEmbedding
    name: str = "extractive"
    scorer: RelevanceScorer = field(init=False)

    def __post_init__(self) -> None:
        self.scorer = RelevanceScorer(self.embedder)

    def answer(self, question: str, passages: dict[str, list[Passage]]) -> Answer:
        """Compose the two-tier, three-part answer from the passages' own sentences."""
        ranked = self.rank_sentences(question, passages)
        tiers = choose_tiers(ranked)
        insufficient = not any(t.answers for t in tiers.values())
        citations = CitationList()
        verdict = None
        parts = [side_part(side, tiers[side], citations) for side in SIDE_HEADINGS]
        if insufficient:
            body = "\n\n".join([NO_EVIDENCE, *[p for p in parts if CLOSEST_LINE in p]])
        else:
            verdict = judge(*_judged(tiers, ranked), names_in(passages))
            body = "\n\n".join([*parts, meeting_part(verdict, citations)])
        sides = {
            side: SideFindings(found=bool(tiers[side].answers), citations=_numbers(citations, side))
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
            meeting=_meeting(verdict, citations) if verdict else None,
        )

    def evidence(self, passages: dict[str, list[Passage]]) -> Evidence:
        """The quotable sentences of each side, the critics' quotations of the company apart."""
        names = names_in(passages)
        candidates: dict[str, list[Sentence]] = {"company": [], "critic": [], QUOTED: []}
        for side, found in passages.items():
            for passage in found:
                spans = voice_spans(passage.text, names) if side == "critic" else []
                for s in sentences(passage):
                    if not _quotable(s.text):
                        continue
                    quoted = spans and is_company_voice(s.start, s.end, spans)
                    candidates[QUOTED if quoted else side].append(s)
        return Evidence(names, {side: _unique(found) for side, found in candidates.items()})

    def score_sentences(
        self, question: str, passages: dict[str, list[Passage]]
    ) -> dict[str, list[Scored]]:
        """Every quotable sentence of each side (and of the company as critics quote it), best
        first."""
        evidence = self.evidence(passages)
        return self.scorer.score(question, evidence.candidates, evidence.names)

    def rank_sentences(
        self, question: str, passages: dict[str, list[Passage]]
    ) -> dict[str, list[Scored]]:
        """`score_sentences` with each sentence's relevance (its chance to answer) set."""
        return {
            side: relevance(ranked)
            for side, ranked in self.score_sentences(question, passages).items()
        }


def _unique(found: list[Sentence]) -> list[Sentence]:
    # Neighbouring passages overlap: the same sentence is one candidate.
    seen: dict[str, Sentence] = {}
    for s in found:
        seen.setdefault(" ".join(s.text.split()), s)
    return list(seen.values())


def _quotable(text: str) -> bool:
    # Headings, table rows and rows of scattered cells make meaningless quotes on their own.
    stripped = text.strip()
    if text.count(" · ") >= 2 or text.count("|") >= 2 or stripped.startswith("#"):
        return False
    return len(text.split()) >= 8 or stripped.endswith((".", "!", "?", "”", '"'))


def choose_tiers(ranked: dict[str, list[Scored]]) -> dict[str, SideTiers]:
    """Each side's answer tier and closest passages; the company's words as critics quote them
    are the company's answers."""
    tiers = {side: SideTiers(own=answer_tier(ranked.get(side, []))) for side in SIDE_HEADINGS}
    tiers["company"].quoted = answer_tier(ranked.get(QUOTED, []))
    replies = introduced(tiers["critic"].answers, ranked.get(QUOTED, []))
    tiers["company"].quoted += [item for item in replies if item not in tiers["company"].quoted]
    for side in SIDE_HEADINGS:
        tiers[side].closest = closest(ranked.get(side, []), tiers[side].answers)
    return tiers


def answer_tier(ranked: list[Scored]) -> list[Scored]:
    """The side's sentences that answer: the first PER_SIDE (best first) whose relevance
    reaches ANSWER_TIER."""
    return [item for item in ranked if item.relevance >= ANSWER_TIER][:PER_SIDE]


def introduced(answers: list[Scored], quoted: list[Scored]) -> list[Scored]:
    """The company's words a critic's answering sentence introduces ("... Hikvision
    responded:" and the reply): the reply answers as its introduction does, whatever its own
    words score (a reply rarely repeats the question's subject). Of a reply's paragraph, its
    PER_SIDE best sentences, in the reply's order. Written by hand: a document structure no
    library reads."""
    found: list[Scored] = []
    for lead in answers:
        first = next((item for item in quoted if _introduces(lead, item)), None)
        if first is None:
            continue
        reply = [item for item in quoted if _same_paragraph(first, item)]
        best = sorted(reply, key=lambda item: item.score, reverse=True)[:PER_SIDE]
        for item in sorted(best, key=lambda item: item.sentence.start):
            item.relevance = max(item.relevance, lead.relevance)
            if item not in found and item not in answers:
                found.append(item)
    return found


def _introduces(lead: Scored, item: Scored) -> bool:
    before, after = lead.sentence, item.sentence
    if before.passage.chunk_id != after.passage.chunk_id or after.start < before.end:
        return False
    between = before.passage.text[before.end : after.start].strip()
    introduced_by = between if between else before.passage.text[before.start : before.end]
    return len(between) <= 80 and introduced_by.rstrip().endswith(":")


def _same_paragraph(first: Scored, item: Scored) -> bool:
    a, b = first.sentence, item.sentence
    if a.passage.chunk_id != b.passage.chunk_id or b.start < a.start:
        return False
    return "\n\n" not in a.passage.text[a.start : b.start]


def closest(ranked: list[Scored], answers: list[Scored]) -> list[Scored]:
    """The best sentence of each passage not already quoted, up to CLOSEST (most relevant
    first)."""
    seen = {item.sentence.passage.chunk_id for item in answers}
    found = []
    for item in ranked:
        if item.sentence.passage.chunk_id in seen or item in answers:
            continue
        seen.add(item.sentence.passage.chunk_id)
        found.append(item)
        if len(found) == CLOSEST:
            break
    return sorted(found, key=lambda item: item.relevance, reverse=True)


def _judged(
    tiers: dict[str, SideTiers], ranked: dict[str, list[Scored]]
) -> tuple[list[Scored], list[Scored]]:
    """What the verdict weighs: the company's answers, its own and as critics quote them,
    against the critic's answers and every critic sentence that scores as relevant (a rebuttal
    is often not the critic's best-scoring sentence, and is cited in the verdict's table when
    it decides it)."""
    critic = list(tiers["critic"].answers)
    critic += [
        item
        for item in ranked.get("critic", [])[:JUDGED]
        if item.score >= RELEVANT and item not in critic
    ]
    return tiers["company"].answers, critic


def _numbers(citations: CitationList, side: str) -> list[int]:
    """The citations in which a side speaks: the company's include its words as critics quote
    them (cited to the critic document)."""
    if side == "company":
        return [c.n for c in citations.items if c.side == "company" or c.quoted_by]
    return [c.n for c in citations.items if c.side == side and not c.quoted_by]


def _meeting(verdict: Verdict, citations: CitationList) -> Meeting:
    # Only quotes the text shows: a no-engagement pair not quoted above gets no number.
    def number(item: Scored | None) -> int | None:
        return citations.number_of(item.sentence) if item else None

    return Meeting(
        outcome=verdict.outcome,  # type: ignore[arg-type]
        confidence=verdict.confidence,
        company_citation=number(verdict.company),
        critic_citation=number(verdict.critic),
        reason=verdict.reason,
    )
