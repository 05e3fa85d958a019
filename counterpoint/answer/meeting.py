"""Where the two sides meet: disputed, consistent, or no direct engagement, from what can be shown.

No NLI model runs offline here, so the verdict is written by hand from signals that do not rest
on similarity alone, and a wrong "disputed" or "consistent" costs more than "no direct
engagement":
- disputed: the critic engages the company (it cites the company's document or statement, or it
  answers an absolute company claim, "no", "never", "all", "zero", with a concrete finding) and
  sets itself against it (contrast or a counter-finding), on shared specific terms;
- consistent: both sides give the same specific figure or phrase, and the critic adds no contrast;
- anything else: no direct engagement, with the closest pair shown for the reader to judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from counterpoint.answer.relevance import Scored, has_figure, phrases
from counterpoint.text import terms

# The critic citing the company's own document or words.
_CITES_COMPANY = re.compile(
    r"\b(?:report|statement|claims?|claimed|says|said|states|stated|promises?|promised|pledge\w*|"
    r"document|told|tells|insists)\b",
    re.IGNORECASE,
)
_CRITIC_CONTRAST = re.compile(
    r"\b(?:but|however|despite|contradict\w*|contrary|instead|yet|although|whereas|false|only)\b",
    re.IGNORECASE,
)
# An absolute claim a single counter-finding can refute.
_ABSOLUTE = re.compile(
    r"\b(?:no|never|none|zero|all|every|fully|always|nothing|any)\b|100\s?%", re.IGNORECASE
)
# A concrete finding: something found, counted or sanctioned.
_FINDING = re.compile(
    r"\b(?:found|find|met|fined|sanction\w*|recorded|logged|identified|revealed|detected|"
    r"cleared|showed?|shows|confirmed)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
MIN_SHARED = 2  # specific terms a pair must share to be about the same thing
# A dispute asserts more, so it needs more shared ground: with 2 terms, a critic's "despite the
# ESG report" was paired with any report sentence naming a stakeholder (hand labels, both sets).
MIN_SHARED_DISPUTE = 3


@dataclass(frozen=True)
class Verdict:
    """The outcome, its confidence, the evidence pair (None when one side is silent) and why."""

    outcome: str
    confidence: float
    company: Scored | None = None
    critic: Scored | None = None
    reason: str = ""


def judge(company: list[Scored], critic: list[Scored], names: set[str]) -> Verdict:
    """The meeting of the quoted sentences of both sides (critic sentences in its own voice)."""
    if not company or not critic:
        silent = "the critics say" if company else "the company's own documents say"
        return Verdict("no_direct_engagement", 0.9, reason=f"{silent} nothing on this")
    pairs = [(_evidence(a, b, names), a, b) for a in company for b in critic]
    for outcome in ("disputed", "consistent"):
        found = [(e, a, b) for e, a, b in pairs if e.outcome == outcome]
        if found:
            best = max(found, key=lambda item: item[0].confidence)
            return Verdict(outcome, best[0].confidence, best[1], best[2], best[0].reason)
    similarity, a, b = max(
        ((float(a.vector @ b.vector), a, b) for a in company for b in critic),
        key=lambda item: item[0],
    )
    return Verdict(
        "no_direct_engagement",
        round(min(0.9, 1.0 - similarity / 2), 2),
        a,
        b,
        "the critics neither take up nor confirm the company's statements",
    )


def _evidence(company: Scored, critic: Scored, names: set[str]) -> Verdict:
    ours, theirs = company.sentence.text, critic.sentence.text
    shared = _shared_specific(ours, theirs, names)
    similarity = float(company.vector @ critic.vector)
    if len(shared) < MIN_SHARED and similarity < 0.6:
        return Verdict("no_direct_engagement", 0.0)
    engaged = len(shared) >= MIN_SHARED_DISPUTE or similarity >= 0.6
    if engaged and _CITES_COMPANY.search(theirs) and _CRITIC_CONTRAST.search(theirs):
        return Verdict(
            "disputed",
            _confidence(shared, similarity),
            reason="the critic sets itself against the company's own statement",
        )
    if engaged and _ABSOLUTE.search(ours) and _FINDING.search(theirs) and has_figure(theirs):
        return Verdict(
            "disputed",
            _confidence(shared, similarity),
            reason="a counted finding against an absolute company claim",
        )
    # A critic quoting the company repeats it without agreeing: only the company's own
    # documents can be consistent with a critic.
    own = company.sentence.passage.side == "company"
    same = _same_figures(ours, theirs) or phrases(ours) & phrases(theirs)
    if own and same and similarity >= 0.55 and not _CRITIC_CONTRAST.search(theirs):
        return Verdict(
            "consistent",
            _confidence(shared, similarity),
            reason="both give the same figure or phrase",
        )
    return Verdict("no_direct_engagement", 0.0)


def _shared_specific(ours: str, theirs: str, names: set[str]) -> set[str]:
    own = {n.lower()[:5] for n in names} | {"compa"}
    return (terms(ours) & terms(theirs)) - own


def _same_figures(ours: str, theirs: str) -> set[str]:
    def figures(text: str) -> set[str]:
        return {n.rstrip(".,") for n in _NUMBER.findall(text) if not _YEAR.match(n.rstrip(".,"))}

    return figures(ours) & figures(theirs)


def _confidence(shared: set[str], similarity: float) -> float:
    return round(float(np.clip(0.5 + 0.05 * len(shared) + 0.3 * similarity, 0.5, 0.95)), 2)
