"""The data that crosses modules and leaves the program (the JSON contract of shared/DESIGN.md).

Pydantic models so that `model_dump()` is the `--json` output; adding a field is the only
allowed change to these shapes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Passage(BaseModel):
    """One retrieved chunk, as `counterpoint search --json` prints it."""

    rank: int
    score: float
    side: str
    doc_id: str
    title: str
    page: int | None
    chunk_id: str
    text: str
    section: str = ""
    publisher: str = ""
    date: str = ""
    page_end: int | None = None
    chunk_ids: list[str] = Field(
        default_factory=list, description="the chunks joined in `text`, in document order"
    )
    chunk_spans: list[tuple[int, int]] = Field(
        default_factory=list, description="where each of `chunk_ids` stands in `text`"
    )
    chunk_pages: list[int | None] = Field(
        default_factory=list, description="the page each of `chunk_ids` starts on"
    )
    voice: str = Field(
        "", description='"reader" for a reader\'s comment under a web page, "" for the author'
    )
    context: str = Field(
        "", description="the heading and table header rows the text lost to a split, if any"
    )


class SearchResult(BaseModel):
    """The answer of `counterpoint search`."""

    query: str
    results: list[Passage]


class Citation(BaseModel):
    """A numbered citation: a verbatim quote from one passage."""

    n: int
    side: str
    doc_id: str
    title: str
    page: int | None
    chunk_id: str
    quote: str
    supported: bool
    passage: str = Field("", description="the full text of the cited chunk")
    quoted_by: str = Field(
        "",
        description="set on a critic document's quote of the company's own words: the critic's "
        "publisher (the quote is the company's statement as quoted by them, not the critic's view)",
    )
    tier: Literal["answer", "closest"] = Field(
        "answer",
        description="answer: the answerer is confident the quote answers the question; closest: "
        "the nearest passage found, which may not answer",
    )
    relevance: float | None = Field(
        0.0,
        description="the calibrated chance that the quote answers (what the tiers cut on); null "
        "when a language model chose the quote, which the relevance model does not score",
    )
    voice: str = Field(
        "", description="\"reader\" for a reader's comment under a critic's page, never its view"
    )

    @property
    def relevance_words(self) -> str:
        """How every format states the relevance: its figure, or that none was computed."""
        if self.relevance is None:
            return "relevance not scored (a language model chose this quote)"
        return f"relevance {self.relevance:.2f}"


class SideFindings(BaseModel):
    """Whether a side has evidence for the question, and which citations hold it."""

    found: bool
    citations: list[int]


Outcome = Literal["disputed", "consistent", "no_direct_engagement"]


class Meeting(BaseModel):
    """Where the two sides meet: never a verdict from similarity alone."""

    outcome: Outcome
    confidence: float
    company_citation: int | None = None
    critic_citation: int | None = None
    reason: str = Field("", description="what the outcome rests on, in a few words")


class CheckedSentence(BaseModel):
    """One sentence of a generated answer and whether its citations hold."""

    text: str
    citations: list[int]
    supported: bool
    reason: str = ""


class Answer(BaseModel):
    """The answer of `counterpoint ask`."""

    question: str
    mode: str
    answer: str
    sides: dict[str, SideFindings]
    citations: list[Citation]
    insufficient_evidence: bool
    timings_ms: dict[str, float]
    meeting: Meeting | None = Field(None, description="None when neither side has evidence")
    notice: str = Field("", description="e.g. why an LLM turn fell back to extractive")
    unverified_text: str = Field(
        "",
        description="an LLM turn that fell back to extractive: the model's text, none of it "
        "verified (the page shows it only on request)",
    )
    standalone_question: str = Field("", description="the follow-up as retrieval saw it")
    sentences: list[CheckedSentence] = Field(
        default_factory=list, description="LLM answers: each claim and whether it is supported"
    )
