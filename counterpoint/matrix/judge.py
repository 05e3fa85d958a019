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

from counterpoint.matrix.closeness import (
    ADDRESSED,
    COVERED,
    RESTATED,
    SLACK,
    TOPIC,
    confidence,
    cue_weight,
    cues_of,
    how,
    own,
    same_claim,
    strong,
)
from counterpoint.matrix.credibility import is_candour_claim
from counterpoint.matrix.cues import agreement_cues
from counterpoint.matrix.leads import not_addressed
from counterpoint.matrix.models import AllegationRow, ClaimRow, EvidenceQuote, Statement

DOUBT_CONFIDENCE = 0.6  # a claim of candour against a critic doubting the company's word
AGREE_BONUS = 0.10  # an agreement word outweighs this much similarity of pushback


class RuleJudge:
    """Labels from similarity and pushback / agreement cues alone (`RelationJudge`)."""

    def judge_claim(self, claim: Statement, candidates: list[EvidenceQuote]) -> ClaimRow:
        """contested / corroborated / not_addressed, with the evidence it rests on."""
        against = _pushback(claim, candidates)
        agree = _agreement(candidates)
        if against and (not agree or against[0] >= agree[0]):
            _, label, evidence = against
            return ClaimRow(claim=claim, relation="contested", evidence=evidence, **label)
        if agree:
            _, label, evidence = agree
            return ClaimRow(claim=claim, relation="corroborated", evidence=evidence, **label)
        return not_addressed(claim, candidates)

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


def _pushback(claim: Statement, candidates: list[EvidenceQuote]) -> Verdict | None:
    """The firmest pushback among the candidates, or None."""
    said = {c.quote: c for c in candidates if c.restates}
    found: list[Verdict] = []
    for quote in candidates:
        if not cues_of(quote) or quote.restates or quote.comment:
            continue  # a reader's comment is a lead for the analyst (leads.py), not a finding
        cues = ", ".join(f"“{cue}”" for cue in cues_of(quote)[:3])
        restated = said.get(quote.follows)
        if restated is not None and same_claim(restated):
            sure = confidence(restated.similarity, RESTATED) * cue_weight(quote)
            why = f"a critic restates it ({restated.similarity:.2f}), then pushes back: {cues}"
            found.append((restated.similarity, how(sure, why), [restated, quote]))
        elif own(quote) and quote.similarity >= ADDRESSED - SLACK and _specific(quote):
            sure = confidence(quote.similarity, ADDRESSED - SLACK) * cue_weight(quote)
            why = f"a close critic sentence ({quote.similarity:.2f}) pushes back: {cues}"
            found.append((quote.similarity, how(sure, why), [quote]))
        elif own(quote) and strong(quote) and quote.similarity >= TOPIC and _specific(quote):
            # Same topic, not the same point: weaker evidence than a rebuttal of the claim.
            sure = 0.8 * confidence(quote.similarity, TOPIC)
            why = f"a critic sentence on its topic ({quote.similarity:.2f}) criticises: {cues}"
            found.append((quote.similarity, how(sure, why), [quote]))
    doubt = next((q for q in candidates if q.doubts), None)
    if doubt is not None and not found and is_candour_claim(claim.text):
        # Read at the level of the document, not the sentence: a fair inference, less sure.
        why = f"a claim of candour, and the critic doubts the company's word: “{doubt.doubts}”"
        found.append((ADDRESSED, how(DOUBT_CONFIDENCE, why), [doubt]))
    return max(found, key=lambda verdict: verdict[0], default=None)


def _specific(quote: EvidenceQuote) -> bool:
    """Close enough to be on the claim's point, or sharing a specific phrase with it. Below
    ADDRESSED, MiniLM alone pairs sentences that share only a country or an industry: measured
    on both corpora, such pushback was as often beside the point as on it, so it is left to
    the analyst as a lead (`leads`), not made a label."""
    return quote.similarity >= ADDRESSED or bool(quote.shared)


def _agreement(candidates: list[EvidenceQuote]) -> Verdict | None:
    """The closest independent agreement among the candidates, or None."""
    found: list[Verdict] = []
    for quote in candidates:
        agrees = agreement_cues(quote.quote)
        if quote.comment or (not agrees and not own(quote)):
            continue  # a restatement, or the sequel of one: not the critic's own finding
        if agrees and quote.similarity >= ADDRESSED - SLACK:
            why = f"a critic sentence ({quote.similarity:.2f}) confirms it: “{agrees[0]}”"
            sure = confidence(quote.similarity, ADDRESSED - SLACK)
            found.append((quote.similarity + AGREE_BONUS, how(sure, why), [quote]))
        elif not cues_of(quote) and quote.similarity >= ADDRESSED:
            # Agreement read from the absence of pushback words: weaker evidence.
            why = f"a close critic sentence ({quote.similarity:.2f}) agrees, without pushback"
            sure = 0.8 * confidence(quote.similarity, ADDRESSED)
            found.append((quote.similarity, how(sure, why), [quote]))
    return max(found, key=lambda verdict: verdict[0], default=None)
