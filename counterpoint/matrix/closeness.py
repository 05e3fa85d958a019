"""How close, and how firm: the thresholds a rule label rests on and what a quote's words do.

Shared by the judge (`judge`), the leads for the analyst (`leads`) and the evidence gathering
(`candidates`), so that all three read a quote the same way.
"""

from __future__ import annotations

from counterpoint.matrix.cues import is_strong
from counterpoint.matrix.models import EvidenceQuote

# Cosine between a statement and the other side's sentence for the two to be on one subject.
# Read off the hand labels of both corpora (tests/data/claims/, tests/data/second_corpus/):
# MiniLM puts unrelated sentences of one industry near 0.3 and paraphrases above 0.6.
ADDRESSED = 0.50
COVERED = 0.50  # the same, for an allegation to count as addressed by the company
SLACK = 0.10  # how much further than ADDRESSED a sentence with pushback words may be
RESTATED = 0.45  # a restatement this close and sharing a specific phrase is of the claim: its
# sequel is read as the answer
SAME = 0.60  # a restatement this close is of the claim whatever words it shares
TOPIC = 0.42  # same topic, not the same point: enough for a sentence of plain criticism (0.35 let
# unrelated cybersecurity claims be "contested" by human-rights sentences; 0.42 kept every labelled
# contested claim of the second corpus)
SPAN = 0.25  # margin from the threshold at which confidence reaches its most
MOST = 0.9  # the most a rule is sure of: cue words and similarity never prove a label


def confidence(similarity: float, threshold: float) -> float:
    """0.5 at the threshold, rising to MOST at SPAN away from it on either side."""
    return round(min(MOST, 0.5 + (MOST - 0.5) * abs(similarity - threshold) / SPAN), 3)


def cue_weight(quote: EvidenceQuote) -> float:
    """How firmly the quote's words push back: a criticism word is firm, and so is a finding
    the claim denies; "but" alone is not."""
    if strong(quote):
        return 1.0
    return min(1.0, 0.7 + 0.1 * len(quote.contrast))


def cues_of(quote: EvidenceQuote) -> list[str]:
    """The quote's pushback: its contrast words, then what it reports that the claim denies."""
    return quote.contrast + ([quote.affirms] if quote.affirms else [])


def strong(quote: EvidenceQuote) -> bool:
    """Whether the quote's pushback is criticism in itself (not only "but", "not")."""
    return is_strong(quote.contrast) or bool(quote.affirms)


def same_claim(quote: EvidenceQuote) -> bool:
    """A critic's restatement that restates this claim, not one near it: very close, or close
    and sharing a specific phrase (MiniLM puts any two policy sentences near 0.5)."""
    return quote.similarity >= SAME or (quote.similarity >= RESTATED and bool(quote.shared))


def own(quote: EvidenceQuote) -> bool:
    """The critic speaking in its own voice (not restating, not read as a sequel)."""
    return not quote.restates and not quote.follows


def how(sure: float, reason: str) -> dict:
    """A label's confidence (at most MOST) and its reason, as ClaimRow fields."""
    return {"confidence": round(min(MOST, sure), 3), "reason": reason}
