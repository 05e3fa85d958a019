"""What repeats from page to page: running headers, running footers and page numbers.

A line that opens or closes many pages of one document (a report's title, its chapter bar, a
"Table of Contents" link, "Verizon 2022 Annual Report on Form 10-K 45") is layout, not a
statement. It is found by repetition alone: the same line, digits aside, among the first or last
lines of at least a quarter of the pages (and of three). A line holding only a number there is a
page number. Nothing here knows a company or a document by name.

`split_page` moves those lines out of a page's raw text, before cleaning, so that cleaning never
joins a footer to the paragraph above it; the page's text keeps every character, in order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

ZONE = 3  # lines at each end of a page where running lines stand
MAX_RUN = 5  # at most this many running lines at either end
MIN_PAGES = 3  # a line must repeat on this many pages, and on
MIN_SHARE = 0.25  # ...this share of the pages, to be a running line
MAX_KEY = 200  # longer lines are prose, however often they repeat
_DIGITS = re.compile(r"\d+")
_EDGES = re.compile(r"^[\W#_]+|[\W#_]+$")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—|(\[]?\s*\d{1,4}\s*[-–—|)\]]?(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE
)


def line_key(line: str) -> str:
    """A line as it repeats: lower case, digits as `#`, spaces collapsed, number and
    punctuation at either end dropped ("45 Verizon 2022 Annual Report" ~ "Verizon 2021 ...")."""
    key = _DIGITS.sub("#", " ".join(line.lower().split()))
    return _EDGES.sub("", key).strip()


def is_page_number(line: str) -> bool:
    """A line holding only a page number: "12", "- 12 -", "Page 12", "12 / 80"."""
    return bool(_PAGE_NUMBER.match(line.strip()))


@dataclass(frozen=True)
class RunningLines:
    """The keys of a document's running headers and footers, and whether it numbers pages."""

    keys: frozenset[str]
    numbered: bool

    def kind(self, line: str) -> str:
        """ "page number" or "running line" for a line of that kind, else ""."""
        if not line.strip():
            return ""
        if self.numbered and is_page_number(line):
            return "page number"
        key = line_key(line)
        return "running line" if key and key in self.keys else ""


def running_lines(pages: list[str]) -> RunningLines:
    """The running lines of a document's raw pages (none for fewer than MIN_PAGES pages)."""
    if len(pages) < MIN_PAGES:
        return RunningLines(frozenset(), False)
    seen: Counter[str] = Counter()
    numbers = 0
    for page in pages:
        zone = _zone(page)
        seen.update({line_key(line) for line in zone} - {""})
        numbers += any(is_page_number(line) for line in zone)
    needed = max(MIN_PAGES, math.ceil(MIN_SHARE * len(pages)))
    keys = frozenset(k for k, n in seen.items() if n >= needed and len(k) <= MAX_KEY)
    return RunningLines(keys, numbers >= needed)


def _zone(page: str) -> list[str]:
    lines = [line for line in page.split("\n") if line.strip()]
    return lines[:ZONE] + lines[-ZONE:] if len(lines) > 2 * ZONE else lines


@dataclass(frozen=True)
class PageParts:
    """A raw page split into its running lines at the top, its body, and those at the bottom."""

    head: str
    body: str
    foot: str


def split_page(page: str, running: RunningLines) -> PageParts:
    """Set the page's leading and trailing running lines (and page numbers) apart from its
    body. Only whole lines move; `head + body + foot` is the page with its line breaks."""
    lines = page.split("\n")
    top = _run(lines, running)
    bottom = _run(lines[top:][::-1], running)
    end = len(lines) - bottom
    return PageParts("\n".join(lines[:top]), "\n".join(lines[top:end]), "\n".join(lines[end:]))


def _run(lines: list[str], running: RunningLines) -> int:
    """How many of `lines` (blank ones included) are the page's running lines at this end: up
    to the innermost running line among its first ZONE lines (what stands between it and the
    edge goes with it: a chapter marker printed beside the footer), then any running lines
    that follow, at most MAX_RUN lines in all."""
    filled = [n for n, line in enumerate(lines) if line.strip()]
    hits = [k for k, n in enumerate(filled[:ZONE]) if running.kind(lines[n])]
    if not hits:
        return 0
    k = hits[-1] + 1
    while k < min(len(filled), MAX_RUN) and running.kind(lines[filled[k]]):
        k += 1
    return filled[k - 1] + 1
