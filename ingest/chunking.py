"""Sentence-aware chunks sized for the embedder, each carrying its page, section and offsets.

llama-index's `SentenceSplitter` does the splitting, counting length in the bundled model's own
word pieces (the unit in which all-MiniLM-L6-v2 truncates at 256). What it does not do is record
pages and sections of a plain string, so that is added here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.loaders import RawPage

PAGE_SEPARATOR = "\n\n"
_SENTENCE_END = (".", "!", "?", ":", ";", "”", '"', ")", ",")


@dataclass(frozen=True)
class DocumentText:
    """A document's cleaned text with the character offset at which each page starts."""

    text: str
    page_starts: list[int]
    page_numbers: list[int | None]

    def page_at(self, offset: int) -> int | None:
        """The page holding character `offset` (None for a document without pages)."""
        index = bisect.bisect_right(self.page_starts, offset) - 1
        return self.page_numbers[max(index, 0)]


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


def assemble_text(pages: list[RawPage], clean: Callable[[str], str]) -> DocumentText:
    """Clean each page and join them, remembering where every page starts."""
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int | None] = []
    offset = 0
    for page in pages:
        cleaned = clean(page.text).strip()
        if not cleaned:
            continue
        if parts:
            offset += len(PAGE_SEPARATOR)
        starts.append(offset)
        numbers.append(page.number)
        parts.append(cleaned)
        offset += len(cleaned)
    return DocumentText(PAGE_SEPARATOR.join(parts), starts or [0], numbers or [None])


def is_heading(line: str) -> bool:
    """A short capitalised line with no sentence punctuation at its end, e.g. `Cybersecurity`."""
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


def chunk_document(
    document: DocumentText,
    chunk_tokens: int,
    overlap: int,
    count_tokens: Callable[[str], int],
) -> list[Chunk]:
    """Split a document into sentence-aware chunks of at most `chunk_tokens` word pieces."""
    splits = _split(document.text, chunk_tokens, overlap, count_tokens)
    headings = find_headings(document.text)
    heading_offsets = [offset for offset, _ in headings]
    chunks: list[Chunk] = []
    cursor = 0
    for text in splits:
        start = _locate(document.text, text, cursor)
        end = start + len(text)
        # Next search starts inside this chunk: overlapping chunks begin before its end.
        cursor = start + 1
        chunks.append(
            Chunk(
                position=len(chunks),
                text=text,
                start=start,
                end=end,
                page=document.page_at(start),
                page_end=document.page_at(end - 1),
                section=_section_at(headings, heading_offsets, start, end),
            )
        )
    return chunks


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


def _section_at(headings: list[tuple[int, str]], offsets: list[int], start: int, end: int) -> str:
    # The section is the last heading before the chunk, or the chunk's own first heading.
    index = bisect.bisect_right(offsets, start) - 1
    if index >= 0:
        return headings[index][1]
    if offsets and offsets[0] < end:
        return headings[0][1]
    return ""
