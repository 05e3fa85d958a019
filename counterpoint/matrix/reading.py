"""How one side's documents read, line by line: each sentence and heading in reading order,
and whose voice it is.

A critic document mixes voices. Its own sentences argue; a paragraph after a lead-in line that
attributes to the company and ends in a colon ("Hikvision responded:", "Its report states that
it respects human rights law:") is the company's words as the critic quotes them; the same after
a lead-in naming anyone else ("the website explicitly states:") is a third party. Headings carry
the critic's verdicts ("X Contradicts Itself"), so they are read too, however short: the sentence
splitter drops lines of under four words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from counterpoint.answer.citations import Sentence, sentences
from counterpoint.matrix.cues import ATTRIBUTION
from counterpoint.models import Passage

# The critic's mark at the end of a quotation it reproduces.
EDITORIAL = re.compile(r"\[(?:emphasis (?:added|mine|ours)|sic|end quote)\]", re.IGNORECASE)
# "own" (the document's author), "company" (quoted by a critic), "other" (another party quoted)
# or "comment" (a reader's comment under a web page)
QUOTED = re.compile(r"“[^”]{12,}”|\"[^\"]{12,}\"")
Voice = str


@dataclass(frozen=True)
class Unit:
    """A sentence or heading of a document, where it is, and whose words it is."""

    passage: Passage
    sentence: Sentence
    at: int  # offset in the document
    heading: bool
    voice: Voice = "own"

    @property
    def text(self) -> str:
        """The verbatim text."""
        return self.sentence.text


class DocumentReading:
    """The quotable sentences and headings of one side's documents in reading order, across
    chunks, with the voice of each (see the module docstring)."""

    def __init__(
        self,
        chunks: list[tuple[Passage, int]],
        quotable: Callable[[Sentence], bool],
        attributes: Callable[[str], bool],
        region: Callable[[Sentence], str] = lambda sentence: "",
    ) -> None:
        self._region = region
        self._order: dict[str, list[Unit]] = {}
        texts: dict[str, list[str]] = {}  # doc_id -> its text, put together from the chunks
        for passage, start in chunks:
            self._read(passage, start, quotable)
            _paste(texts.setdefault(passage.doc_id, []), start, passage.text)
        lines = {doc_id: _lines("".join(chars)) for doc_id, chars in texts.items()}
        self.where: dict[tuple[str, str], Unit] = {}  # (doc_id, text) -> a quotable sentence
        for doc_id, order in self._order.items():
            order.sort(key=lambda unit: unit.at)
            self._order[doc_id] = _voiced(order, lines[doc_id], attributes)
            for unit in self._order[doc_id]:
                if not unit.heading:
                    self.where.setdefault((doc_id, unit.text), unit)
        self.quoted = {key[1] for key, unit in self.where.items() if unit.voice == "company"}

    def _read(
        self,
        passage: Passage,
        start: int,
        quotable: Callable[[Sentence], bool],
    ) -> None:
        from ingest.chunking import is_heading

        seen = {u.at for u in self._order.get(passage.doc_id, [])}
        found = []
        for sentence in _with_short_lines(passage):
            at = start + sentence.start
            prose = quotable(sentence)
            heading = not prose and _whole_line(sentence) and is_heading(sentence.text.strip())
            if at not in seen and (heading or prose):
                seen.add(at)
                voice = "comment" if self._region(sentence) == "comments" else "own"
                found.append(Unit(passage, sentence, at, heading, voice))
        self._order.setdefault(passage.doc_id, []).extend(found)

    def documents(self) -> list[str]:
        """The ids of the documents read."""
        return list(self._order)

    def units(self, doc_id: str) -> list[Unit]:
        """The document's sentences and headings in reading order."""
        return self._order.get(doc_id, [])

    def index(self, doc_id: str, text: str) -> int | None:
        """Where the sentence `text` stands in the document's reading order."""
        return next((i for i, u in enumerate(self.units(doc_id)) if u.text == text), None)

    def section(self, doc_id: str, text: str, count: int) -> tuple[list[Unit], list[Unit]]:
        """Around the sentence `text` of that document, within its section: up to `count`
        units before it (nearest first, then the section's heading, a verdict as often as not:
        "X Contradicts Itself") and `count` after it."""
        order = self.units(doc_id)
        index = self.index(doc_id, text)
        if index is None:
            return [], []
        before: list[Unit] = []
        for unit in reversed(order[max(index - count - 1, 0) : index]):
            before.append(unit)
            if unit.heading:
                break
        after: list[Unit] = []
        for unit in order[index + 1 : index + 1 + count]:
            if unit.heading:
                break
            after.append(unit)
        return before, after


def _mostly_quoted(text: str) -> bool:
    """Most of the sentence's letters stand inside quotation marks."""
    inside = sum(len(m.group()) for m in QUOTED.finditer(text))
    return inside >= 0.6 * len(text.strip())


def _paste(chars: list[str], start: int, text: str) -> None:
    """Write `text` at `start` of a document being put together from overlapping chunks."""
    if len(chars) < start + len(text):
        chars.extend(" " * (start + len(text) - len(chars)))
    chars[start : start + len(text)] = text


def _lines(text: str) -> dict[int, str]:
    """Every line of a document by the offset it starts at."""
    return {match.start(): match.group() for match in re.finditer(r"[^\n]+", text)}


def _with_short_lines(passage: Passage) -> list[Sentence]:
    """The passage's sentences plus the whole lines too short to be one (headings such as
    "X Contradicts Itself", lead-ins such as "X responded:"), in text order."""
    found = sentences(passage)
    covered = {s.start for s in found}
    for match in re.finditer(r"[^\n]+", passage.text):
        line = match.group()
        start = match.start() + len(line) - len(line.lstrip())
        if start not in covered and line.strip() and len(line.split()) < 4:
            found.append(Sentence(passage, start, match.start() + len(line.rstrip())))
    return sorted(found, key=lambda s: s.start)


def _whole_line(sentence: Sentence) -> bool:
    text = sentence.passage.text
    starts = sentence.start == 0 or text[sentence.start - 1] == "\n"
    return starts and (sentence.end >= len(text) or text[sentence.end :].startswith("\n"))


def _voiced(
    order: list[Unit], lines: dict[int, str], attributes: Callable[[str], bool]
) -> list[Unit]:
    """The units with their voice: the line after a lead-in line ending in a colon is the
    words of whom the lead-in names (the company, or another party)."""
    voices: dict[int, Voice] = {}  # document offset of a line -> its voice
    offsets = sorted(lines)
    for k, at in enumerate(offsets[:-1]):
        line = lines[at].strip()
        if not line.endswith(":") or not ATTRIBUTION.search(line):
            continue
        voices[offsets[k + 1]] = "company" if attributes(line) else "other"
    voiced: list[Unit] = []
    closed: set[int] = set()  # quoted lines whose quotation has ended
    for unit in order:
        line_at = offsets[max(bisect_right(offsets, unit.at) - 1, 0)] if offsets else 0
        voice = voices.get(line_at, "own") if not unit.heading else "own"
        if line_at in closed or unit.text.lstrip().startswith("("):
            voice = "own"  # the critic's aside after the quotation: "(Note: ...)"
        if voice == "own" and not unit.heading and _mostly_quoted(unit.text):
            voice = "other"  # a quotation set out on its own: "• Religion: “No one may ...”"
        if unit.voice == "comment":
            voice = "comment"
        if EDITORIAL.search(unit.text):
            closed.add(line_at)  # "[emphasis added]" ends the quotation
        voiced.append(Unit(unit.passage, unit.sentence, unit.at, unit.heading, voice))
    return voiced
