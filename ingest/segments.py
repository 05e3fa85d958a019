"""A document's marked lines cut into segments: one page, one kind (page furniture apart from
the text, a reader's comment apart from the article), tables apart from prose; and the section
headings met on the way. `ingest.chunking` cuts each segment into chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.furniture import PROSE, Verdict, is_prose_sentence, number_share
from ingest.structure import DocumentText, Line

_SENTENCE_END = (".", "!", "?", ":", ";", "”", '"', ")", ",")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?=[A-Z])")
_FIGURE = re.compile(r"^[-−–(]?[$€£¥]?\d[\d,.]*%?\)?$|^[-−–—]$|^[$€£¥]$")


def is_heading(line: str) -> bool:
    """A short capitalised line with no sentence punctuation at its end, e.g. `Cybersecurity`
    or `2.3 Compliance and ethics`."""
    line = _NUMBERED.sub("", line.strip())
    words = line.split()
    return (
        0 < len(words) <= 12
        and line[:1].isupper()
        and not line.rstrip().endswith(_SENTENCE_END)
        and " · " not in line
        and sum(ch.isalpha() for ch in line) >= 0.6 * len(line.replace(" ", ""))
    )


def find_headings(text: str) -> list[tuple[int, str]]:
    """(offset, heading) for every heading paragraph of the text, in order."""
    headings = []
    for match in re.finditer(r"(?m)^[^\n]+$", text):
        line = match.group().strip()
        if is_heading(line):
            headings.append((match.start(), line))
    return headings


def is_table_row(line: str) -> bool:
    """A row of a table: cells joined by " · ", or a label followed by two or more figures."""
    if " · " in line:
        return True
    tokens = line.split()
    trailing = 0
    for token in reversed(tokens):
        if not _FIGURE.match(token):
            break
        trailing += token not in "$€£¥"
    return trailing >= 2 and number_share(line) >= 0.25


@dataclass
class Segment:
    """Consecutive lines of one page, one verdict and one section: a chunk or several."""

    lines: list[Line]
    verdict: Verdict
    section: str
    table: bool = False
    header: list[Line] = field(default_factory=list)  # a table's heading and header rows


def cut(document: DocumentText) -> tuple[list[Segment], list[tuple[int, str]]]:
    """The document's lines cut at every page, verdict and table edge; and the section headings
    met on the way, (offset, heading)."""
    text, lines = document.text, document.lines
    segments: list[Segment] = []
    headings: list[tuple[int, str]] = []
    for n, line in enumerate(lines):
        words = text[line.start : line.end]
        current = segments[-1] if segments else None
        same = current is not None and current.lines[-1].page == line.page
        if line.verdict == PROSE and _is_section_heading(text, lines, n):
            headings.append((line.start, words.strip()))
        section = headings[-1][1] if headings else ""
        if current is not None and same and line.verdict == current.verdict == PROSE:
            if _joins(text, current, line):
                current.table = current.table or is_table_row(words)
                current.lines.append(line)
            else:
                segments.append(_table_or_text(text, current, line, section))
        elif current is not None and same and line.verdict.kind and current.verdict.kind:
            # Adjacent furniture of a page (a running header, then its page number) is one
            # block; its kind names them all.
            current.lines.append(line)
            if line.verdict.kind not in current.verdict.kind.split(" + "):
                current.verdict = Verdict(f"{current.verdict.kind} + {line.verdict.kind}")
        elif current is not None and same and line.verdict == current.verdict:
            current.lines.append(line)
        else:
            table = line.verdict == PROSE and is_table_row(words)
            kept = section if line.verdict == PROSE else ""  # furniture, comments: no section
            segments.append(Segment([line], line.verdict, kept, table))
    return segments, headings


def _table_or_text(text: str, current: Segment, line: Line, section: str) -> Segment:
    """A new segment from `line`: a table takes its caption (the short lines that end the
    segment before it, "Summary of Business Segment Data", "(Dollars in millions)") along."""
    if not is_table_row(text[line.start : line.end]):
        return Segment([line], line.verdict, section)
    caption: list[Line] = []
    while len(current.lines) > 1 and len(caption) < 3:
        last = current.lines[-1]
        piece = text[last.start : last.end]
        if is_prose_sentence(piece) or len(piece.split()) > 12 or is_table_row(piece):
            break
        caption.insert(0, current.lines.pop())
    return Segment([*caption, line], line.verdict, section, table=True)


def _is_section_heading(text: str, lines: list[Line], n: int) -> bool:
    """A heading line followed, on its page, by a line of running text (not a heading, not a
    table row). A long heading must be in title case: a short quoted sentence set on its own
    line is not one; nor is a table's row or its column labels."""
    line = lines[n]
    words = text[line.start : line.end]
    if not is_heading(words) or not _titled(words) or is_table_row(words):
        return False
    following = lines[n + 1] if n + 1 < len(lines) else None
    if following is None or following.page != line.page or following.verdict != PROSE:
        return False
    after = text[following.start : following.end]
    return not is_heading(after) and not is_table_row(after)


def _titled(line: str) -> bool:
    """Up to six words, or most words of four letters or more capitalised."""
    words = line.split()
    long = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    return len(words) <= 6 or sum(w[:1].isupper() for w in long) >= 0.5 * len(long)


def _joins(text: str, segment: Segment, line: Line) -> bool:
    """Whether a line of the author's text continues the segment: text after text; a table's
    rows, and the short lines among them ("Revenues:"); a table after its heading lines."""
    words = text[line.start : line.end]
    row = is_table_row(words)
    if segment.table:
        return row or not is_prose_sentence(words)
    if not row:
        return True
    return (
        all(not is_prose_sentence(text[x.start : x.end]) for x in segment.lines)
        and len(segment.lines) <= 3
    )
