"""Answerers turn retrieved passages into a three-part cited answer.

`ExtractiveAnswerer` (the offline default) writes nothing of its own about the evidence: it
quotes the sentences that best answer the question, verbatim, under *What the company says*,
*What critics say* and *Where they meet*. A sentence is quoted only when it scores as answering
the question (counterpoint/answer/relevance.py); a side with no such sentence says so, and with
neither side the answer says there is no answer in the corpus. A critic's quotation of the
company's own words is shown as the company's statement "as quoted by" the critic
(counterpoint/attribution.py); the meeting verdict comes from counterpoint/answer/meeting.py.
The LLM answerer shares the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from counterpoint.answer.citations import CitationList, Sentence, sentences
from counterpoint.answer.meeting import Verdict, judge
from counterpoint.answer.relevance import RelevanceScorer, Scored
from counterpoint.attribution import is_company_voice, names_in, voice_spans
from counterpoint.models import Answer, Meeting, Passage, SideFindings

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
# Chosen on the hand labels of both question sets (bench/answer_signals.py): the score a side's
# best sentence needs to be quoted, and how close to it a second sentence must come.
RELEVANT = 0.9
NEAR_BEST = 0.05
PER_SIDE = 2
JUDGED = 4  # critic sentences the verdict weighs
QUOTED = "quoted"  # the company's words inside a critic document
OUTCOME_TEXT = {
    "disputed": "Disputed: the critics take up the company's position and contradict it",
    "consistent": "Consistent: both sides state the same thing",
    "no_direct_engagement": "No direct engagement: the sides speak past each other here",
}


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
        """Compose the three-part answer from the passages' own sentences."""
        ranked = self.score_sentences(question, passages)
        chosen = {side: choose(items) for side, items in ranked.items()}
        insufficient = not any(chosen.values())
        citations = CitationList()
        verdict = None
        if insufficient:
            body = NO_EVIDENCE
        else:
            verdict = judge(*_judged(chosen, ranked), names_in(passages))
            parts = [
                _company_part(chosen.get("company", []), chosen.get(QUOTED, []), citations),
                _side_part("critic", chosen.get("critic", []), citations),
                _meeting_part(verdict, citations),
            ]
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


def choose(ranked: list[Scored]) -> list[Scored]:
    """The sentences to quote: the best if it answers, and one close to it."""
    if not ranked or ranked[0].score < RELEVANT:
        return []
    floor = max(RELEVANT, ranked[0].score - NEAR_BEST)
    return [item for item in ranked[:PER_SIDE] if item.score >= floor]


def _judged(
    chosen: dict[str, list[Scored]], ranked: dict[str, list[Scored]]
) -> tuple[list[Scored], list[Scored]]:
    """What the verdict weighs: the company's quoted statements, its own and as critics quote
    them, against every critic sentence that answers the question (a rebuttal is often not the
    critic's best-scoring sentence, and is cited in the verdict's table when it decides it)."""
    company = chosen.get("company", []) + chosen.get(QUOTED, [])
    critic = [item for item in ranked.get("critic", [])[:JUDGED] if item.score >= RELEVANT]
    return company, critic


def _quote_line(item: Scored, citations: CitationList) -> str:
    return f"- “{item.sentence.text}” [{citations.cite(item.sentence)}]"


def _side_part(side: str, chosen: list[Scored], citations: CitationList) -> str:
    heading = f"**{SIDE_HEADINGS[side]}**"
    if not chosen:
        return f"{heading}\n\n{SIDE_SILENT[side]}"
    return heading + "\n\n" + "\n".join(_quote_line(item, citations) for item in chosen)


def _company_part(own: list[Scored], quoted: list[Scored], citations: CitationList) -> str:
    """The company's own documents, then its words as a critic quotes them (cited to the critic
    document, which is where the reader can check them)."""
    part = _side_part("company", own, citations)
    lines = []
    for item in quoted:
        n = citations.cite(item.sentence)
        publisher = item.sentence.passage.publisher or item.sentence.passage.title
        citations.items[n - 1].quoted_by = publisher
        lines.append(
            f"- “{item.sentence.text}” — the company's statement as quoted by {publisher} [{n}]"
        )
    return part + ("\n" + "\n".join(lines) if lines else "")


def _meeting_part(verdict: Verdict, citations: CitationList) -> str:
    heading = "**Where they meet**"
    if verdict.company is None or verdict.critic is None:
        return f"{heading}\n\nOnly one side speaks to this: {verdict.reason}."
    text = f"{heading}\n\n{OUTCOME_TEXT[verdict.outcome]} (confidence {verdict.confidence:.2f}"
    if verdict.outcome == "no_direct_engagement":
        return f"{text}): {verdict.reason}."
    return (
        f"{text}; {verdict.reason}):\n\n"
        f"| Company | Critics |\n| --- | --- |\n"
        f"| “{_cell(verdict.company.sentence.text)}” [{citations.cite(verdict.company.sentence)}] "
        f"| “{_cell(verdict.critic.sentence.text)}” [{citations.cite(verdict.critic.sentence)}] |"
    )


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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
