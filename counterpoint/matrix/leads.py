"""Claims the rules leave "not addressed" although a critic comes near them: leads for the
analyst, ranked, and an honest confidence for the silence.

"Not addressed" is read from an absence: no critic sentence close enough among the passages
retrieved for the claim. That is weaker evidence than a rebuttal, and weaker still when a critic
does come near: restating the claim, pushing back on its topic at a distance the rules do not
trust, doubting the company's word, or in a reader's comment under the article. Each claim gets
an `engagement` (how closely the nearest such sentence engages it), so the Claims tab can rank
the claims to confirm; a claim with a lead is "not addressed" at low confidence.
"""

from __future__ import annotations

from counterpoint.matrix.closeness import ADDRESSED, confidence, cues_of, how, same_claim, strong
from counterpoint.matrix.models import ClaimRow, EvidenceQuote, Statement

LEAD = 0.40  # engagement from which a not-addressed claim is shown as one to confirm
LEAD_CONFIDENCE = 0.5  # "not addressed" with a lead: the rules cannot tell either way
BONUS = 0.05  # for criticism words, a shared specific phrase, a doubt of the company's word
BARE = 0.10  # a nearby sentence with no pushback engages less than its closeness says


def engagement(quote: EvidenceQuote) -> float:
    """How closely a critic sentence engages the claim: its closeness, raised by pushback
    (more for criticism words), a shared specific phrase or a doubt of the company's word, and
    lowered when it only sits near the claim saying nothing against it."""
    if quote.restates:
        return quote.similarity if same_claim(quote) else quote.similarity - BARE
    score = quote.similarity + (BONUS if quote.shared else 0.0)
    if quote.doubts or strong(quote):
        return score + BONUS
    return score if cues_of(quote) else score - BARE


def lead(candidates: list[EvidenceQuote]) -> tuple[float, EvidenceQuote | None]:
    """The candidate that engages the claim most, and how much (0 and None for none)."""
    scored = [(engagement(q), q) for q in candidates]
    best = max(scored, key=lambda item: item[0], default=(0.0, None))
    return round(max(0.0, min(1.0, best[0])), 3), best[1]


def not_addressed(claim: Statement, candidates: list[EvidenceQuote]) -> ClaimRow:
    """The row of a claim no rule labels: "not addressed", sure only as far as the critics'
    nearest sentences are far from it, with its strongest lead as evidence."""
    best = max((c.similarity for c in candidates), default=0.0)
    score, quote = lead(candidates)
    row = {"claim": claim, "relation": "not_addressed", "engagement": score}
    if quote is None or score < LEAD:
        why = f"no critic sentence is close to it (best similarity {best:.2f})"
        return ClaimRow(**row, **how(confidence(best, ADDRESSED), why))
    who = "a reader's comment" if quote.comment else "a critic"
    if quote.restates:
        why = f"a critic quotes or restates the company ({quote.similarity:.2f}), no pushback"
    elif quote.doubts:
        why = f"{who} doubts the company's word (“{quote.doubts}”), not on this claim: confirm"
    elif cues_of(quote):
        cues = ", ".join(f"“{cue}”" for cue in cues_of(quote)[:3])
        why = f"{who} pushes back ({cues}) near it ({quote.similarity:.2f}), too far to tell"
    else:
        why = f"{who} comes near it ({quote.similarity:.2f}) without pushback: confirm"
    return ClaimRow(**row, evidence=[quote], **how(LEAD_CONFIDENCE, why))
