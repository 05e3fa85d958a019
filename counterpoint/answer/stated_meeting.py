"""The verdict a generated answer states under "Where they meet", held to what it cites.

The model is told to open that part with one of the three outcomes (prompts/system.txt). A
*disputed* or *consistent* verdict stands only when the part cites a company passage and a
critic passage and the sentences citing them hold against those passages (the citation check of
counterpoint/answer/verification.py). Otherwise it is recorded as no direct engagement and the
text says so where the verdict stands: a verdict the answer cannot show is not passed on, the
rule the extractive answer follows (counterpoint/answer/meeting.py). No library parses this; it
is a few regular expressions over the model's own headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from counterpoint.models import CheckedSentence, Meeting, Passage

_HEADING = re.compile(r"^[#*\s]*where they meet[*:\s]*", re.IGNORECASE | re.MULTILINE)
# The outcome opens the part: "not consistent with" later in a sentence is no verdict.
_OUTCOME = re.compile(r"^\W*(disputed|consistent|no direct engagement)\b", re.IGNORECASE)
NOT_SHOWN = " ⚠️ *not shown: no company and critic passage cited here bear it out*"


@dataclass(frozen=True)
class StatedMeeting:
    """The structured verdict, and the answer text with an unshown verdict marked."""

    meeting: Meeting | None
    text: str


def stated_meeting(
    text: str, checked: list[CheckedSentence], numbered: dict[int, Passage]
) -> StatedMeeting:
    """The outcome the answer states under "Where they meet", with the pair it cites."""
    heading = _HEADING.search(text)
    if heading is None:
        return StatedMeeting(None, text)
    part = text[heading.end() :]
    mine = [c for c in checked if c.text and c.text in part]
    pair = {side: _first_cited(mine, numbered, side) for side in ("company", "critic")}
    confidence = round(sum(c.supported for c in mine) / len(mine), 2) if mine else 0.0
    said = _OUTCOME.search(part)
    outcome = said.group(1).lower().replace(" ", "_") if said else "no_direct_engagement"
    reason = "the outcome the answer states, its cited pair checked against the passages"
    if outcome != "no_direct_engagement" and None in pair.values():
        start = heading.end() + said.end()
        start += text[start : start + 1] == ":"  # the mark follows "Disputed:", not splits it
        text = text[:start] + NOT_SHOWN + text[start:]
        outcome, reason = "no_direct_engagement", f"stated as {said.group(1).lower()}, not shown"
    elif said is None:
        reason = "the answer states no outcome"
    meeting = Meeting(
        outcome=outcome,  # type: ignore[arg-type]
        confidence=confidence,
        company_citation=pair["company"],
        critic_citation=pair["critic"],
        reason=reason,
    )
    return StatedMeeting(meeting, text)


def _first_cited(
    checked: list[CheckedSentence], numbered: dict[int, Passage], side: str
) -> int | None:
    """The first passage of `side` cited by a sentence whose citations hold."""
    return next(
        (
            n
            for c in checked
            if c.supported
            for n in c.citations
            if n in numbered and numbered[n].side == side
        ),
        None,
    )
