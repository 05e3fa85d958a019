"""A document's cleaned text, page by page, with every line marked: the author's text, or page
furniture of some kind (set apart: kept in the text, out of retrieval), or a reader's comment.

Running headers, footers and page numbers are split from each raw page before it is cleaned
(`ingest.layout`), so cleaning never joins them to a paragraph; the page's other lines are
marked by their shape (`ingest.furniture`). Blocks the manifest asks to keep (`keep`: a kind, or
a block's first words) stay the author's text.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ingest.furniture import PROSE, Verdict, line_kinds, page_kind
from ingest.layout import running_lines, split_page
from ingest.loaders import RawPage
from ingest.webpage import clean_web_text, web_marks

PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Line:
    """One line of the document text: `text[start:end]`, on page `page` (an index into the
    document's pages), with its verdict."""

    start: int
    end: int
    page: int
    verdict: Verdict = PROSE


@dataclass(frozen=True)
class DocumentText:
    """A document's cleaned text with the character offset at which each page starts, and its
    lines marked (see the module docstring)."""

    text: str
    page_starts: list[int]
    page_numbers: list[int | None]
    lines: list[Line] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page holding character `offset` (None for a document without pages)."""
        index = bisect.bisect_right(self.page_starts, offset) - 1
        return self.page_numbers[max(index, 0)]

    def set_apart(self) -> list[Line]:
        """The furniture lines, in order."""
        return [line for line in self.lines if line.verdict.kind]


def assemble_text(
    pages: list[RawPage], clean: Callable[[str], str], keep: Iterable[str] = ()
) -> DocumentText:
    """Clean each page and join them, remembering where every page starts and what each line
    is. A web page's lines are marked by what its main-content extractor read as the article
    (`ingest.webpage`), other pages' by the shape rules."""
    running = running_lines([page.text for page in pages])
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int | None] = []
    lines: list[Line] = []
    offset = 0
    for index, page in enumerate(pages):
        pieces = _page_pieces(page, index, running, clean_web_text if page.main else clean)
        if not pieces:
            continue
        if parts:
            offset += len(PAGE_SEPARATOR)
        text = PAGE_SEPARATOR.join(piece for piece, _ in pieces)
        starts.append(offset)
        numbers.append(page.number)
        parts.append(text)
        marks = web_marks(page.main) if page.main is not None else None
        lines.extend(_marked(pieces, offset, len(starts) - 1, len(pages), index, marks))
        offset += len(text)
    lines = _kept(PAGE_SEPARATOR.join(parts), lines, {k.strip().lower() for k in keep})
    return DocumentText(PAGE_SEPARATOR.join(parts), starts or [0], numbers or [None], lines)


def _page_pieces(page: RawPage, index: int, running, clean) -> list[tuple[str, str]]:  # noqa: ANN001
    """The page's cleaned parts: (text, "running header" | "" | "running footer")."""
    split = split_page(page.text, running, index)
    pieces = [(split.head, "running header"), (split.body, ""), (split.foot, "running footer")]
    cleaned = [(clean(text).strip(), kind) for text, kind in pieces]
    return [(text, kind) for text, kind in cleaned if text]


def _marked(
    pieces: list[tuple[str, str]],
    offset: int,
    page: int,
    pages: int,
    index: int,
    marks: Callable[[list[str]], list[Verdict]] | None,
) -> list[Line]:
    """The lines of one page's pieces, at their document offsets, with their verdicts."""
    found: list[Line] = []
    at = offset
    for text, kind in pieces:
        rows = text.split("\n")
        if kind:
            verdicts = [Verdict(_running_kind(row, kind)) for row in rows]
        elif marks is not None:
            verdicts = marks(rows)
        elif whole := page_kind(rows, index, pages):
            verdicts = [Verdict(whole)] * len(rows)
        else:
            verdicts = line_kinds(rows)
        for row, verdict in zip(rows, verdicts, strict=True):
            if row.strip():
                found.append(Line(at, at + len(row), page, verdict))
            at += len(row) + 1
        at += len(PAGE_SEPARATOR) - 1
    return found


def _running_kind(line: str, kind: str) -> str:
    from ingest.layout import is_page_number

    return "page number" if is_page_number(line) else kind


def _kept(text: str, lines: list[Line], keep: set[str]) -> list[Line]:
    """The lines with the blocks the manifest keeps (by kind or first words) made prose."""
    if not keep:
        return lines
    kept: list[Line] = []
    keeping = False
    for n, line in enumerate(lines):
        kind = line.verdict.kind
        opens = kind and (n == 0 or lines[n - 1].verdict.kind != kind)
        if opens:
            head = text[line.start : line.end].strip().lower()
            keeping = kind in keep or any(head.startswith(words) for words in keep)
        kept.append(Line(line.start, line.end, line.page) if kind and keeping else line)
    return kept
