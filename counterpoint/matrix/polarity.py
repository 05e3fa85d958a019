"""Negation aimed at one subject: the company says there was none, a critic reports one.

"No deforestation was detected" against "1,900 hectares of rainforest were cleared"; "we never
sell the personal data" against "the app sent each user's purchase history to a data broker";
"no significant fines" against "the agency fined Quillmere". Neither critic sentence holds a
pushback word: the contradiction is in the polarity. A claim denies (`denies`) when it says
no, none, never, zero or not; a critic sentence affirms (`affirms`) when it reports a harm, a
finding or a legal step and denies nothing itself. Read only for sentences on the claim's
subject (the caller checks closeness or shared phrases).
"""

from __future__ import annotations

import re

from counterpoint.matrix.cues import FINDING, HARM

DENIAL = re.compile(
    r"\b(no|none|never|zero|nor|(?:do|does|did|have|has|had|is|are|was|were) not|without)\b"
    r"(?! (?:only|just|least|longer|doubt)\b)",
    re.IGNORECASE,
)
# Negation in the critic's sentence: it denies something itself, so it affirms nothing plainly.
NEGATED = re.compile(r"\b(no|none|never|not|nor|without|neither)\b|n[’']t\b", re.IGNORECASE)
# Legal steps taken against someone: as strong a report as a harm.
LEGAL_STEP = re.compile(
    r"\b(fined|sanctioned|sued|charged|convicted|prosecuted|suspended|banned|blacklisted|"
    r"filed|opened an investigation|class action|lawsuit)\b",
    re.IGNORECASE,
)


def denies(text: str) -> str:
    """The word by which a claim denies something ("no", "never", "did not"), or ""."""
    match = DENIAL.search(text)
    return match.group().lower() if match else ""


def affirms(text: str) -> str:
    """The word by which a critic sentence reports a harm, a finding or a legal step, when it
    negates nothing itself; else ""."""
    if NEGATED.search(text):
        return ""
    for pattern in (HARM, LEGAL_STEP, FINDING):
        if match := pattern.search(text):
            return match.group().lower()
    return ""
