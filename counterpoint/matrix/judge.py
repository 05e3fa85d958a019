"""The offline judge of the claims matrix (`RuleJudge`): labels from similarity and cue words.

A claim is **contested** when a critic pushes back on it, read three ways, strongest first:
- a rebuttal: the critic restates the claim ("X says that ...", or quotes the company's report)
  and a sentence right after it carries pushback ("tell a different story", "however", "only");
- a close sentence with pushback words (the old rule);
- a sentence on the same topic, less close, whose words are criticism in themselves
  ("violations", "misleading", "fined", "in fact").
It is **corroborated** only on independent agreement: a close critic sentence that does not
restate the company and pushes nothing back (or that says "confirmed", "to its credit"). A critic
restating the claim without a rebuttal has said nothing for or against it: not addressed.
"""

from __future__ import annotations

from counterpoint.matrix.cues import agreement_cues, is_strong
from counterpoint.matrix.models import AllegationRow, ClaimRow, EvidenceQuote, Statement

# Cosine between a statement and the other side's sentence for the two to be on one subject.
# Read off the hand labels of both corpora (tests/data/claims/, tests/data/second_corpus/):
# MiniLM puts unrelated sentences of one industry near 0.3 and paraphrases above 0.6.
ADDRESSED = 0.50
COVERED = 0.50  # the same, for an allegation to count as addressed by the company
SLACK = 0.10  # how much further than ADDRESSED a sentence with pushback words may be
RESTATED = 0.45  # a restatement this close is of the claim: its sequel is read as the answer
TOPIC = 0.42  # same topic, not the same point: enough for a sentence of plain criticism (0.35 let
# unrelated cybersecurity claims be "contested" by human-rights sentences; 0.42 kept every labelled
# contested claim of the second corpus)
SPAN = 0.25  # margin from the threshold at which confidence reaches 1
AGREE_BONUS = 0.10  # an agreement word outweighs this much similarity of pushback


def confidence(similarity: float, threshold: float) -> float:
    """0.5 at the threshold, rising to 1 at SPAN away from it on either side."""
    return round(min(1.0, 0.5 + 0.5 * abs(similarity - threshold) / SPAN), 3)


def cue_weight(quote: EvidenceQuote) -> float:
    """How firmly the quote's words push back: a criticism word is firm; "but" alone is not."""
    if is_strong(quote.contrast):
        return 1.0
    return min(1.0, 0.7 + 0.1 * len(quote.contrast))


def _own(quote: EvidenceQuote) -> bool:
    """The critic speaking in its own voice (not restating, not read as a sequel)."""
    return not quote.restates and not quote.follows


class RuleJudge:
    """Labels from similarity and pushback / agreement cues alone (`RelationJudge`)."""

    def judge_claim(self, claim: Statement, candidates: list[EvidenceQuote]) -> ClaimRow:
        """contested / corroborated / not_addressed, with the evidence it rests on."""
        against = _pushback(candidates)
        agree = _agreement(candidates)
        if against and (not agree or against[0] >= agree[0]):
            _, how, evidence = against
            return ClaimRow(claim=claim, relation="contested", evidence=evidence, **how)
        if agree:
            _, how, evidence = agree
            return ClaimRow(claim=claim, relation="corroborated", evidence=evidence, **how)
        return _not_addressed(claim, candidates)

    def judge_allegation(
        self, allegation: Statement, candidates: list[EvidenceQuote]
    ) -> AllegationRow:
        """addressed / unaddressed, with the evidence it rests on."""
        best = max((c.similarity for c in candidates), default=0.0)
        close = [c for c in candidates if c.similarity >= COVERED]
        if not close:
            return AllegationRow(
                allegation=allegation,
                coverage="unaddressed",
                confidence=confidence(best, COVERED),
                reason=f"no company sentence is close to it (best similarity {best:.2f})",
            )
        return AllegationRow(
            allegation=allegation,
            coverage="addressed",
            confidence=confidence(close[0].similarity, COVERED),
            evidence=close[:3],
            reason=f"a company sentence speaks to it (similarity {close[0].similarity:.2f})",
        )


Verdict = tuple[float, dict, list[EvidenceQuote]]  # (strength, confidence+reason, evidence)


def _pushback(candidates: list[EvidenceQuote]) -> Verdict | None:
    """The firmest pushback among the candidates, or None."""
    said = {c.quote: c for c in candidates if c.restates}
    found: list[Verdict] = []
    for quote in candidates:
        if not quote.contrast or quote.restates:
            continue
        cues = ", ".join(f"“{cue}”" for cue in quote.contrast[:3])
        restated = said.get(quote.follows)
        if restated is not None and restated.similarity >= RESTATED:
            sure = confidence(restated.similarity, RESTATED) * cue_weight(quote)
            why = f"a critic restates it ({restated.similarity:.2f}), then pushes back: {cues}"
            found.append((restated.similarity, _how(sure, why), [restated, quote]))
        elif _own(quote) and quote.similarity >= ADDRESSED - SLACK:
            sure = confidence(quote.similarity, ADDRESSED - SLACK) * cue_weight(quote)
            why = f"a close critic sentence ({quote.similarity:.2f}) pushes back: {cues}"
            found.append((quote.similarity, _how(sure, why), [quote]))
        elif _own(quote) and is_strong(quote.contrast) and quote.similarity >= TOPIC:
            # Same topic, not the same point: weaker evidence than a rebuttal of the claim.
            sure = 0.8 * confidence(quote.similarity, TOPIC)
            why = f"a critic sentence on its topic ({quote.similarity:.2f}) criticises: {cues}"
            found.append((quote.similarity, _how(sure, why), [quote]))
    return max(found, key=lambda verdict: verdict[0], default=None)


def _agreement(candidates: list[EvidenceQuote]) -> Verdict | None:
    """The closest independent agreement among the candidates, or None."""
    found: list[Verdict] = []
    for quote in candidates:
        agrees = agreement_cues(quote.quote)
        if not agrees and not _own(quote):
            continue  # a restatement, or the sequel of one: not the critic's own finding
        if agrees and quote.similarity >= ADDRESSED - SLACK:
            why = f"a critic sentence ({quote.similarity:.2f}) confirms it: “{agrees[0]}”"
            sure = confidence(quote.similarity, ADDRESSED - SLACK)
            found.append((quote.similarity + AGREE_BONUS, _how(sure, why), [quote]))
        elif not quote.contrast and quote.similarity >= ADDRESSED:
            # Agreement read from the absence of pushback words: weaker evidence.
            why = f"a close critic sentence ({quote.similarity:.2f}) agrees, without pushback"
            sure = 0.8 * confidence(quote.similarity, ADDRESSED)
            found.append((quote.similarity, _how(sure, why), [quote]))
    return max(found, key=lambda verdict: verdict[0], default=None)


def _not_addressed(claim: Statement, candidates: list[EvidenceQuote]) -> ClaimRow:
    best = max((c.similarity for c in candidates), default=0.0)
    restated = [c for c in candidates if c.restates and c.similarity >= ADDRESSED]
    if restated:
        # The critic repeats the claim and says nothing against or for it: low confidence.
        why = f"a critic only restates it ({restated[0].similarity:.2f}), without pushback"
        return ClaimRow(
            claim=claim, relation="not_addressed", evidence=restated[:1], **_how(0.5, why)
        )
    why = f"no critic sentence is close to it (best similarity {best:.2f})"
    return ClaimRow(claim=claim, relation="not_addressed", **_how(confidence(best, ADDRESSED), why))


def _how(sure: float, reason: str) -> dict:
    return {"confidence": round(min(1.0, sure), 3), "reason": reason}
