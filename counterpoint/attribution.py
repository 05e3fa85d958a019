"""Whose words a critic's sentence is: the critic's own, or the company's as the critic quotes them.

Critics quote the company in order to attack it ("Hikvision responded:" and a block quote; "its
report states that ..."). Shown as the critic's view, such a sentence inverts what it says. No
model here reads voice, so this is written by hand from two structures every investigative piece
uses: a block quote introduced by a line that names the company and ends with a colon, and a
sentence of reported speech whose subject is the company (or its spokesperson, or its report)
and which adds nothing of the critic's own (no "but", "despite", ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

SAY = (
    r"(?:says|said|states|stated|tells|told|claims|claimed|responded|replied|writes|wrote|"
    r"insists|insisted|maintains|maintained|asserts|asserted|explained|added|pledges|pledged)"
)
# Who may speak for the company besides its name: its people and its publications.
GENERIC_SUBJECTS = re.compile(
    r"\b(?:the company|the group|(?:a|the|its) (?:company )?(?:spokes(?:person|woman|man)|"
    r"representative)|(?:sustainability|annual|esg|csr) report|privacy notice|statement)\b",
    re.IGNORECASE,
)
PRONOUN_START = re.compile(rf"^\s*(?:it|she|he|they)\s+(?:also\s+)?{SAY}\b", re.IGNORECASE)
# The critic's own framing: a reported statement set against something is the critic speaking.
FRAMING = re.compile(
    r"\b(?:but|however|despite|although|though|yet|whereas|while|contradict\w*|even as|"
    r"in fact|actually|falsely|misleading)\b",
    re.IGNORECASE,
)
CORPORATE_WORDS = frozenset(
    {"co", "ltd", "inc", "plc", "llc", "nv", "sa", "ag", "group", "holdings", "limited"}
    | {"corporation", "corp", "company", "the", "and", "of", "report", "esg", "annual"}
    | {"digital", "technology", "technologies", "sustainability"}
)
QUOTES = ('"', "“", "”", "'", "‘", "’")
RELATIVE = re.compile(r"\b(?:which|who|whom|that)\b", re.IGNORECASE)
# Sentences end at a stop followed by a space and a capital or quote, not inside "2.3 million".
SENTENCE = re.compile(r"[^\n]+?(?:[.!?]+[\"”’']?(?=\s+[A-Z\"“‘(])|[.!?]+[\"”’']?(?=\s*$)|$)", re.M)
_NAME = re.compile(r"[A-Z][A-Za-z&\-]{2,}")


def company_names(publishers: Iterable[str], critic_titles: Iterable[str]) -> set[str]:
    """The company's names: capitalised words of the company side's publishers, preferring those
    the critics' titles repeat (critics name whom they write about)."""
    own = {w for p in publishers for w in _NAME.findall(p) if w.lower() not in CORPORATE_WORDS}
    titles = " ".join(critic_titles)
    named = {w for w in own if re.search(rf"\b{re.escape(w)}\b", titles)}
    return named or own


class Published(Protocol):
    """What names the company in a retrieved passage (a `models.Passage`, which this layer may
    not import)."""

    publisher: str
    title: str


def names_in(passages: Mapping[str, Sequence[Published]]) -> set[str]:
    """The company's names as the retrieved passages give them: their publishers and titles."""
    company, critic = passages.get("company", []), passages.get("critic", [])
    return company_names([f"{p.publisher} {p.title}" for p in company], [p.title for p in critic])


def voice_spans(text: str, names: set[str]) -> list[tuple[int, int]]:
    """Character spans of `text` that are the company's words: block quotes introduced by a line
    naming the company and ending with a colon, and sentences of reported company speech."""
    spans = _block_quotes(text, names)
    spans += [s for s in _reported(text, names) if not any(a <= s[0] < b for a, b in spans)]
    return sorted(spans)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _names_company(text: str, names: set[str]) -> bool:
    if any(re.search(rf"\b{re.escape(n)}\b", text) for n in names):
        return True
    return bool(GENERIC_SUBJECTS.search(text))


def _block_quotes(text: str, names: set[str]) -> list[tuple[int, int]]:
    spans = []
    lines = _paragraphs(text)
    for (start, end), following in zip(lines, lines[1:], strict=False):
        intro = text[start:end].strip()
        if not intro.endswith(":") or len(intro.split()) > 40:
            continue
        if _names_company(intro, names) and re.search(rf"\b{SAY}\b", intro, re.IGNORECASE):
            spans.append(following)
    return spans


def _reported(text: str, names: set[str]) -> list[tuple[int, int]]:
    spans, previous_quoted = [], False
    for match in SENTENCE.finditer(text):
        sentence = match.group()
        if not sentence.rstrip().endswith((".", "!", "?", *QUOTES)):
            previous_quoted = False  # a heading or a list line, not reported speech
            continue
        quoted = _is_reported(sentence, names) or (
            previous_quoted and bool(PRONOUN_START.match(sentence)) and not FRAMING.search(sentence)
        )
        if quoted:
            spans.append((match.start(), match.end()))
        previous_quoted = quoted
    return spans


def _is_reported(sentence: str, names: set[str]) -> bool:
    """The company (or its spokesperson or report) says something, and the critic adds nothing."""
    if FRAMING.search(sentence):
        return False
    clause = sentence.split(",", 1)[1] if re.match(r"^\s*In [^,]{0,60},", sentence) else sentence
    verb = re.search(rf"\b{SAY}\b(?!\s+to\b)", clause, re.IGNORECASE)
    if not verb:
        return False
    subject = clause[: verb.start()].strip()
    if subject.startswith(QUOTES) or subject.endswith((",", *QUOTES)):
        # "..., said X" and "“...” X said": the speaker comes after the verb.
        return _names_company(clause[verb.end() : verb.end() + 60], names)
    if RELATIVE.search(subject):
        return False  # "the app, which the company says ...": the company is not the subject
    return len(subject.split()) <= 10 and _names_company(subject, names)


def is_company_voice(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """True when the span [start, end) lies mostly inside the company's words."""
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
    return end > start and inside >= 0.6 * (end - start)


def neutral(text: str, names: set[str]) -> str:
    """`text` with the company's names replaced by "the company" (for embedding only)."""
    if not names:
        return text
    pattern = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.sub(rf"\b(?:{pattern})(?:[’']s)?\b", "the company", text)
