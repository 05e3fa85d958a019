"""The critic doubting the company's word, and the claims that doubt is aimed at.

A critic may argue not with one figure but with the company's candour: it shows the company
saying one thing here and another there ("X Contradicts Itself"; "X stated it follows ..., but
in an English document ... it claims ..."), reads the company's report against its conduct
("Despite the ESG report, ..."), or finds what the report left out. Such a finding shares no
words with the company's sentences about its own candour ("we will faithfully reflect our
performance in the report", "transparent and honest communication with ... the media"), yet it
is exactly what disputes them. Nothing here names a company or a document: the patterns are
about what a sentence does (doubt someone's word; promise candour).
"""

from __future__ import annotations

import re

from counterpoint.matrix.cues import ATTRIBUTION, OWN_VOICE, TOKEN, possessive

# A claim of candour: a word of honesty or openness in a sentence about communicating or
# reporting. ("open" only in lower case: "Open Platform" is a product.)
CANDOUR = re.compile(
    r"(?i:\b(?:transparen\w*|honest\w*|faithful\w*|truthful\w*|candid\w*|objective(?:ly)?|"
    r"two-way)\b)|\bopen\b",
)
MEDIUM = re.compile(
    r"\b(communicat\w*|report\w*|disclos\w*|dialogue|channels?|media|stakeholders?|"
    r"reflect\w*|information)\b",
    re.IGNORECASE,
)
# Doubt of someone's word: self-contradiction, a report read against conduct, an omission.
DOUBT = re.compile(
    r"\bcontradicts? (?:itself|himself|herself|themselves|its own)\b|"
    r"\bdespite (?:the|its|their)(?: [\w-]+){0,3} (?:report|statement|pledge|policy|"
    r"promises?|commitments?|claims?)\b|"
    r"\bleft (?:\w+ )?out of (?:its|the|their)\b|\bomit\w* from (?:its|the|their)\b|"
    r"\bone thing\b.{0,40}\banother\b|\b(?:tells?|told) a different story\b|"
    r"\bdouble standards?\b|\bnot the case\b",
    re.IGNORECASE,
)
CONTRAST = re.compile(r"\b(but|while|whereas|yet|however)\b", re.IGNORECASE)


def is_candour_claim(text: str) -> bool:
    """A company sentence promising honest, open or faithful communication or reporting."""
    return bool(CANDOUR.search(text)) and bool(MEDIUM.search(text))


def doubts(text: str, subject: set[str]) -> str:
    """How a critic sentence or heading doubts the company's word ("contradicts itself",
    "despite the ... report", "stated ..., but ... claims"), or "" when it does not. It must
    be about the company: name it (`subject`) or speak of "the company", "its report"."""
    named = any(possessive(word) in subject for word in TOKEN.findall(text))
    if not (named or OWN_VOICE.search(text) or re.search(r"\bits\b", text, re.IGNORECASE)):
        return ""
    if match := DOUBT.search(text):
        return match.group().lower()
    said = list(ATTRIBUTION.finditer(text))
    turn = CONTRAST.search(text, said[0].end()) if said else None
    if turn and any(m.start() > turn.end() for m in said) and named:
        return f"{said[0].group().lower()} … {turn.group().lower()} … {said[-1].group().lower()}"
    return ""
