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
    """The keys of a document's running headers and footers, and how its printed page numbers
    follow the pages (number = page index + `offset`; None: it prints none)."""

    keys: frozenset[str]
    offset: int | None

    def kind(self, line: str, index: int | None = None) -> str:
        """ "page number" or "running line" for a line of that kind on page `index` (0-based;
        None: any page), else ""."""
        if not line.strip():
            return ""
        if self._page_number(line, index):
            return "page number"
        key = line_key(line)
        return "running line" if key and key in self.keys else ""

    def _page_number(self, line: str, index: int | None) -> bool:
        """A number-only line that counts up with the pages (on any page when `index` is None)."""
        if self.offset is None or not is_page_number(line):
            return False
        return index is None or _first_number(line) == index + self.offset


def running_lines(pages: list[str]) -> RunningLines:
    """The running lines of a document's raw pages (none for fewer than MIN_PAGES pages).
    Page numbers are the number-only lines that count up with the pages: a table's figures at
    a page's edge are number-only lines too, but do not."""
    if len(pages) < MIN_PAGES:
        return RunningLines(frozenset(), None)
    seen: Counter[str] = Counter()
    offsets: Counter[int] = Counter()
    for index, page in enumerate(pages):
        zone = _zone(page)
        seen.update({line_key(line) for line in zone} - {""})
        offsets.update({_first_number(line) - index for line in zone if is_page_number(line)})
    needed = max(MIN_PAGES, math.ceil(MIN_SHARE * len(pages)))
    keys = frozenset(k for k, n in seen.items() if n >= needed and len(k) <= MAX_KEY)
    offset, count = offsets.most_common(1)[0] if offsets else (0, 0)
    return RunningLines(keys, offset if count >= needed else None)


def _first_number(line: str) -> int:
    found = _DIGITS.search(line)
    return int(found.group()) if found else -1


def _zone(page: str) -> list[str]:
    lines = [line for line in page.split("\n") if line.strip()]
    return lines[:ZONE] + lines[-ZONE:] if len(lines) > 2 * ZONE else lines


@dataclass(frozen=True)
class PageParts:
    """A raw page split into its running lines at the top, its body, and those at the bottom."""

    head: str
    body: str
    foot: str


def split_page(page: str, running: RunningLines, index: int | None = None) -> PageParts:
    """Set the page's leading and trailing running lines (and page numbers) apart from its
    body. Only whole lines move; `head + body + foot` is the page with its line breaks."""
    lines = page.split("\n")
    top = _run(lines, running, index)
    bottom = _run(lines[top:][::-1], running, index)
    end = len(lines) - bottom
    return PageParts("\n".join(lines[:top]), "\n".join(lines[top:end]), "\n".join(lines[end:]))


def _run(lines: list[str], running: RunningLines, index: int | None) -> int:
    """How many of `lines` (blank ones included) are the page's running lines at this end: up
    to the innermost running line among its first ZONE lines (what stands between it and the
    edge goes with it: a chapter marker printed beside the footer, one line at most; more
    is the page's own text, a table's figures under a label that repeats), then any running
    lines that follow, at most MAX_RUN lines in all."""
    filled = [n for n, line in enumerate(lines) if line.strip()]
    hits = [k for k, n in enumerate(filled[:ZONE]) if running.kind(lines[n], index)]
    if not hits:
        return 0
    if hits[-1] + 1 - len(hits) > 1:  # two lines or more of other text stand at the edge
        hits = [k for i, k in enumerate(hits) if k == i]  # only those from the edge in
        if not hits:
            return 0
    k = hits[-1] + 1
    while k < min(len(filled), MAX_RUN) and running.kind(lines[filled[k]], index):
        k += 1
    return filled[k - 1] + 1
