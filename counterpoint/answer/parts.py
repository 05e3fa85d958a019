"""The extractive answer's text: each side's answers, then its closest passages, then where the
sides meet. Two tiers, never mixed:

- *answers*: sentences the relevance model is confident answer the question, quoted verbatim;
- *closest passages*: the best sentence of other passages retrieval found, which may not
  answer, under their own line with their relevance, below the answers (or below the line
  saying the side does not answer).

A side never says it does not address the question and then quotes itself: the company's words
as a critic quotes them are the company speaking (labelled as quoted, cited to the critic
document), and a reader's comment under a critic's page is labelled as a reader's, never as the
critic's view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from counterpoint.answer.citations import CitationList
from counterpoint.answer.relevance import ANSWER_TIER

if TYPE_CHECKING:
    from counterpoint.answer.meeting import Verdict
    from counterpoint.answer.relevance import Scored

SIDE_HEADINGS = {"company": "What the company says", "critic": "What critics say"}
SIDE_SILENT = {
    "company": "Nothing in the company's documents clearly answers this.",
    "critic": "Nothing in the critics' documents clearly answers this.",
}
NO_EVIDENCE = (
    "Nothing in the company's documents or the critics' clearly answers this question. The "
    "closest passages found are below; they may not answer it."
)
CLOSEST_LINE = "*Closest passages, which may not answer:*"
OUTCOME_TEXT = {
    "disputed": "Disputed: the critics take up the company's position and contradict it",
    "consistent": "Consistent: both sides state the same thing",
    "no_direct_engagement": "No direct engagement: the sides speak past each other here",
}


@dataclass
class SideTiers:
    """One side's answer tier (its own words, and for the company its words as critics quote
    them) and its closest passages."""

    own: list[Scored] = field(default_factory=list)
    quoted: list[Scored] = field(default_factory=list)
    closest: list[Scored] = field(default_factory=list)

    @property
    def answers(self) -> list[Scored]:
        """Every answer-tier sentence of the side."""
        return self.own + self.quoted


def side_part(side: str, tiers: SideTiers, citations: CitationList) -> str:
    """One side's part: its answers (or the line saying it has none), then its closest."""
    lines = [f"**{SIDE_HEADINGS[side]}**", ""]
    answers = [_answer_line(item, citations) for item in tiers.own]
    answers += [_answer_line(item, citations, quoted=True) for item in tiers.quoted]
    lines += answers or [SIDE_SILENT[side]]
    if tiers.closest:
        lines += ["", CLOSEST_LINE]
        lines += [_closest_line(item, citations) for item in tiers.closest]
    return "\n".join(lines)


def meeting_part(verdict: Verdict, citations: CitationList) -> str:
    """Where they meet: the outcome, its confidence, and the pair it rests on."""
    heading = "**Where they meet**"
    if verdict.company is None or verdict.critic is None:
        return f"{heading}\n\nOnly one side speaks to this: {verdict.reason}."
    text = f"{heading}\n\n{OUTCOME_TEXT[verdict.outcome]} (confidence {verdict.confidence:.2f}"
    if verdict.outcome == "no_direct_engagement":
        return f"{text}): {verdict.reason}."
    return (
        f"{text}; {verdict.reason}):\n\n"
        f"| Company | Critics |\n| --- | --- |\n"
        f"| “{_cell(verdict.company.sentence.text)}” [{cite(verdict.company, citations, None)}] "
        f"| “{_cell(verdict.critic.sentence.text)}” [{cite(verdict.critic, citations, None)}] |"
    )


def cite(item: Scored, citations: CitationList, tier: str | None = "answer") -> int:
    """The item's citation number, recording its tier, relevance and voice. With no tier (the
    verdict's pair), a sentence already shown keeps the tier it is shown in; one shown only in
    the verdict's table takes the tier its relevance gives."""
    first = citations.number_of(item.sentence) is None
    n = citations.cite(item.sentence)
    citation = citations.items[n - 1]
    if first:
        citation.tier = tier or ("answer" if item.relevance >= ANSWER_TIER else "closest")
    elif tier == "answer":  # shown as an answer anywhere wins
        citation.tier = "answer"
    citation.relevance = max(citation.relevance or 0.0, item.relevance)
    passage = item.sentence.passage
    if passage.voice == "reader":
        citation.voice = "reader"
    return n


def _answer_line(item: Scored, citations: CitationList, quoted: bool = False) -> str:
    n = cite(item, citations)
    return f"- “{item.sentence.text}”{_voice(item, citations, n, quoted)} [{n}]"


def _closest_line(item: Scored, citations: CitationList) -> str:
    n = cite(item, citations, "closest")
    label = _voice(item, citations, n, False)
    return f"- “{item.sentence.text}”{label} [{n}] (relevance {item.relevance:.2f})"


def _voice(item: Scored, citations: CitationList, n: int, quoted: bool) -> str:
    """ " — the company's statement as quoted by X" (recorded on the citation), " — a
    reader's comment under X", or "" for the document's own words."""
    passage = item.sentence.passage
    source = passage.publisher or passage.title
    if quoted:
        citations.items[n - 1].quoted_by = source
        return f" — the company's statement as quoted by {source}"
    if passage.voice == "reader":
        return f" — a reader's comment under {source}'s page, not {source}'s view"
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
