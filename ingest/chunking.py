"""Chunks that end where pages end, sized for the embedder, each carrying its page, section,
offsets and what it is (the author's text, a table, furniture, a reader's comment).

The marked lines of a document (`ingest.structure`) are cut into segments: one page, one kind
(page furniture apart from the text, a reader's comment apart from the article), tables apart
from prose. Prose segments are split by llama-index's `SentenceSplitter`, counting length in the
bundled model's own word pieces (the unit in which all-MiniLM-L6-v2 truncates at 256); what it
cannot do (stop at a page, keep a table's rows whole, record offsets) is done here. A table is
one chunk when it fits, else it is split by rows, and every chunk after its first carries the
table's heading and header rows as `context`, so a figure keeps its label and year.

Section headings are recorded (each chunk's `section`) but do not end a chunk: cutting there
made chunks so short that MiniLM ranked them above the passages that answer (recall within
1,000 words on Climate Finance Bench 34.3% -> 27.1%; bench/RESULTS.md, "Chunk boundaries").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ingest.segments import Segment, cut, find_headings, is_heading, is_table_row
from ingest.structure import PAGE_SEPARATOR, DocumentText, Line, assemble_text

__all__ = [
    "PAGE_SEPARATOR",
    "Chunk",
    "DocumentText",
    "assemble_text",
    "chunk_document",
    "find_headings",
    "is_heading",
]

_YEAR = re.compile(r"\b(?:FY\s?)?(?:19|20)\d\d\b")
_WORD = re.compile(r"\S+")
MAX_SPLIT_CHARS = 20_000  # the sentence splitter reads at most this much at once


@dataclass(frozen=True)
class Chunk:
    """One passage to embed: exact text of the document between `start` and `end`."""

    position: int
    text: str
    start: int
    end: int
    page: int | None
    page_end: int | None
    section: str
    furniture: str = ""  # the kind of page furniture, "" for the document's own text
    voice: str = ""  # "reader" for a reader's comment
    context: str = ""  # a heading and table header the text lost to a split, for search


def chunk_document(
    document: DocumentText,
    chunk_tokens: int,
    overlap: int,
    count_tokens: Callable[[str], int],
) -> list[Chunk]:
    """Split a document into chunks of at most `chunk_tokens` word pieces that never cross a
    page break, a table's edge or the edge of page furniture."""
    chunks: list[Chunk] = []
    segments, headings = cut(document)
    offsets = [offset for offset, _ in headings]
    for segment in segments:
        if segment.verdict.kind or segment.table:  # furniture and tables: whole lines
            pieces = _rows(document, segment, chunk_tokens, count_tokens)
        else:
            pieces = _sentences(document, segment, chunk_tokens, overlap, count_tokens)
        for start, end, context in pieces:
            section = _section_at(headings, offsets, start, end) if not segment.verdict.kind else ""
            chunk = _chunk(document, segment, len(chunks), start, end, context)
            chunks.append(replace(chunk, section=section))
    return chunks


def _chunk(
    document: DocumentText, segment: Segment, position: int, start: int, end: int, context: str
) -> Chunk:
    return Chunk(
        position=position,
        text=document.text[start:end],
        start=start,
        end=end,
        page=document.page_at(start),
        page_end=document.page_at(end - 1),
        section=segment.section,
        furniture=segment.verdict.kind,
        voice=segment.verdict.voice,
        context=context,
    )


def _section_at(headings: list[tuple[int, str]], offsets: list[int], start: int, end: int) -> str:
    """The last section heading before the chunk, or the chunk's own first heading."""
    index = bisect.bisect_right(offsets, start) - 1
    if index >= 0:
        return headings[index][1]
    if offsets and offsets[0] < end:
        return headings[0][1]
    return ""


def _sentences(
    document: DocumentText,
    segment: Segment,
    chunk_tokens: int,
    overlap: int,
    count: Callable[[str], int],
) -> list[tuple[int, int, str]]:
    """(start, end, context) of the segment's sentence-aware chunks (prose has no context)."""
    start, end = segment.lines[0].start, segment.lines[-1].end
    body = document.text[start:end]
    found = []
    for offset, piece in _bounded(body):
        cursor = 0
        for split in _split(piece, chunk_tokens, overlap, count):
            at = _locate(piece, split, cursor)
            cursor = at + 1  # overlapping chunks begin before the last one's end
            found.append((start + offset + at, start + offset + at + len(split), ""))
    return found


def _bounded(body: str) -> list[tuple[int, str]]:
    """The body in pieces of at most MAX_SPLIT_CHARS, cut at line breaks where it can, so that
    the splitter's regular expressions never read a whole book at once."""
    if len(body) <= MAX_SPLIT_CHARS:
        return [(0, body)]
    pieces, at = [], 0
    while at < len(body):
        end = min(at + MAX_SPLIT_CHARS, len(body))
        if end < len(body):
            cut = body.rfind("\n", at, end)
            cut = cut if cut > at else body.rfind(" ", at, end)
            end = cut if cut > at else end
        pieces.append((at, body[at:end]))
        at = end
    return pieces


def _rows(
    document: DocumentText, segment: Segment, chunk_tokens: int, count: Callable[[str], int]
) -> list[tuple[int, int, str]]:
    """(start, end, context) of chunks made of whole lines: a table (or a block of furniture)
    that fits is one chunk; else rows are packed up to the limit, each chunk after the first
    with the table's heading and header rows as its context. A line longer than the limit
    alone is cut between words."""
    text = document.text
    header = _header(text, segment) if segment.table else []
    context = "\n".join(text[x.start : x.end] for x in header)
    if segment.section and not context.startswith(segment.section):
        context = f"{segment.section}\n{context}".strip()
    units = [unit for line in segment.lines for unit in _units(text, line, chunk_tokens, count)]
    found: list[tuple[int, int, str]] = []
    first, last, used = units[0][0], units[0][1], units[0][2]
    for start, end, tokens in units[1:]:
        if used + tokens > chunk_tokens:
            found.append((first, last, context if found else ""))
            first, used = start, 0
        last, used = end, used + tokens
    found.append((first, last, context if found else ""))
    return found


def _units(
    text: str, line: Line, chunk_tokens: int, count: Callable[[str], int]
) -> list[tuple[int, int, int]]:
    """(start, end, word pieces) of a line, cut between words into parts that fit."""
    tokens = count(text[line.start : line.end])
    if tokens <= chunk_tokens:
        return [(line.start, line.end, tokens)]
    spans = [m.span() for m in _WORD.finditer(text, line.start, line.end)]
    units: list[tuple[int, int, int]] = []
    start, end, used = spans[0][0], spans[0][0], 0
    for word_start, word_end in spans:
        size = count(text[word_start:word_end])  # word pieces add up word by word
        if used and used + size > chunk_tokens:
            units.append((start, end, used))
            start, used = word_start, 0
        end, used = word_end, used + size
    units.append((start, end, used))
    return units


def _header(text: str, segment: Segment) -> list[Line]:
    """A table's heading and header rows: its lines up to the first that names a year (within
    its first four), else those before its first row."""
    lines = segment.lines[:4]
    for n, line in enumerate(lines):
        if _YEAR.search(text[line.start : line.end]):
            return segment.lines[: n + 1]
    return [x for x in lines if not is_table_row(text[x.start : x.end])][:3]


def _split(text: str, chunk_tokens: int, overlap: int, count: Callable[[str], int]) -> list[str]:
    from llama_index.core.node_parser import SentenceSplitter

    splitter = SentenceSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=overlap,
        tokenizer=lambda s: [0] * count(s),
        paragraph_separator="\n\n",
    )
    return [split for split in splitter.split_text(text) if split.strip()]


def _locate(text: str, chunk: str, cursor: int) -> int:
    start = text.find(chunk, cursor)
    if start < 0:
        start = text.find(chunk)
    if start < 0:
        raise ValueError(f"chunk not found in its document: {chunk[:60]!r}")
    return start
