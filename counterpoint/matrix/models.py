"""The data of the claims matrix, the allegations list and the timeline (`counterpoint claims`,
`counterpoint allegations`, `counterpoint timeline`, the app's Claims and Timeline views).

Pydantic models so that `model_dump()` is the `--json` output. Every label here is made by the
machine: `method` says how, `confidence` how sure, `evidence` what it rests on.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, Field

Relation = Literal["contested", "corroborated", "not_addressed"]
Coverage = Literal["addressed", "unaddressed"]
StatementKind = Literal[
    # claims (company side)
    "commitment", "policy", "figure", "achievement",
    # allegations (critic side)
    "allegation",
]  # fmt: skip
Method = Literal["rules", "llm"]
THEMES = (
    "human_rights",
    "data_security_privacy",
    "governance",
    "environment",
    "labour",
    "sanctions_legal",
    "other",
)
THEME_TITLES = {
    "human_rights": "Human rights",
    "data_security_privacy": "Data security and privacy",
    "governance": "Governance",
    "environment": "Environment",
    "labour": "Labour",
    "sanctions_legal": "Sanctions and legal",
    "other": "Other",
}


class Statement(BaseModel):
    """One sentence of a document, verbatim, that makes a claim (company) or an allegation
    (critic), with where it is."""

    id: str = Field(description="stable: a hash of doc_id and the sentence text")
    text: str = Field(description="verbatim sentence from the chunk")
    side: str
    doc_id: str
    title: str
    page: int | None
    chunk_id: str
    kind: StatementKind
    theme: str = Field("other", description="one of THEMES, found from the text")
    cues: list[str] = Field(default_factory=list, description="what made it a claim/allegation")
    date: str = Field("", description="the document's date (manifest), for the timeline")


class EvidenceQuote(BaseModel):
    """A verbatim sentence from the other side that a label rests on."""

    side: str
    doc_id: str
    title: str
    page: int | None
    chunk_id: str
    quote: str = Field(description="verbatim sentence of the chunk")
    similarity: float = Field(description="how close it is to the statement, 0..1")
    contrast: list[str] = Field(default_factory=list, description="contrast cues found in it")
    supported: bool = Field(True, description="the quote was verified to be in its chunk")
    restates: bool = Field(
        False, description="it reports the statement's author saying it: a restatement, not support"
    )
    follows: str = Field(
        "", description="the restatement it comes right after in its document, when read with it"
    )
    shared: list[str] = Field(
        default_factory=list, description="specific phrases it shares with the statement"
    )
    affirms: str = Field(
        "", description="the harm, finding or legal step it reports that the claim denies"
    )
    part: str = Field(
        "",
        description="where on its page it stands when not in the body: 'comments' (a reader's "
        "comment, not the critic's finding) or 'related' (a teaser for another article)",
    )
    doubts: str = Field(
        "", description="how it doubts the company's word (“contradicts itself”), if it does"
    )

    @property
    def comment(self) -> bool:
        """A reader's comment under the critic's page."""
        return self.part == "comments"


class ClaimRow(BaseModel):
    """A company claim and what the critics' documents do with it."""

    claim: Statement
    relation: Relation
    confidence: float = Field(description="0..1, how sure the machine is of the label")
    evidence: list[EvidenceQuote] = Field(default_factory=list)
    method: Method = "rules"
    reason: str = Field("", description="one line: why this label")
    machine_made: bool = True
    engagement: float = Field(
        0.0,
        description="0..1, how closely the critics' nearest sentences engage it, whatever the "
        "label: ranks the claims an analyst should confirm",
    )


class AllegationRow(BaseModel):
    """A critic allegation and whether the company's documents address it."""

    allegation: Statement
    coverage: Coverage
    confidence: float
    evidence: list[EvidenceQuote] = Field(default_factory=list)
    method: Method = "rules"
    reason: str = ""
    machine_made: bool = True


class Matrix(BaseModel):
    """The claims matrix and the reverse allegations view of one index state."""

    mode: Method
    claims: list[ClaimRow]
    allegations: list[AllegationRow]
    index_key: str = Field("", description="which index state it was built from (cache key)")
    timings_ms: dict[str, float] = Field(default_factory=dict)
    notice: str = Field("", description="e.g. why an LLM build fell back to rules")


class TimelineEvent(BaseModel):
    """A dated point: a document's publication or reporting period, or an event in its text."""

    date: str = Field(description="ISO prefix: YYYY, YYYY-MM or YYYY-MM-DD")
    end: str = Field("", description="end of a period (reporting period), same format")
    precision: Literal["year", "month", "day"]
    kind: Literal["publication", "reporting_period", "event"]
    side: str
    doc_id: str
    title: str
    text: str = Field(description="the sentence (verbatim) or the manifest's description")
    page: int | None = None
    chunk_id: str = ""
    date_from: Literal["manifest", "text"] = Field(
        "text", description="where the date was read: the corpus manifest or the document's text"
    )


class Timeline(BaseModel):
    """Every dated point of the corpus, oldest first."""

    events: list[TimelineEvent]


class ClaimExtractor(Protocol):
    """Finds claims (company side) or allegations (critic side) among a side's chunks."""

    def extract(self, side: str) -> list[Statement]:
        """Statements of that side, in document order."""
        ...


class RelationJudge(Protocol):
    """Labels a statement against candidate sentences from the other side."""

    def judge_claim(self, claim: Statement, candidates: list[EvidenceQuote]) -> ClaimRow:
        """contested / corroborated / not_addressed, with the evidence it rests on."""
        ...

    def judge_allegation(
        self, allegation: Statement, candidates: list[EvidenceQuote]
    ) -> AllegationRow:
        """addressed / unaddressed, with the evidence it rests on."""
        ...
