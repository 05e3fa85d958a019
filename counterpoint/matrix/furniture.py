"""Page furniture: what in a chunk is not a statement of the document's author.

Headings, table rows, fragments of layout lines, link titles and navigation lines are not prose
(`is_prose`); a web page's end matter (reader comments, site navigation, related reports) is
found from its marker lines (`end_matter`), so the extractor and the evidence can skip it.
"""

from __future__ import annotations

import re

from counterpoint.matrix.cues import BULLET
from counterpoint.models import Passage

# Lines that open a web page's end matter. Reader comments and site navigation are dropped;
# a list of related reports is kept (its teasers are the publisher's own one-line claims), only
# its link titles go, as headings do.
_END_MATTER = {
    "comments": re.compile(
        r"^\s*(comments?\s*\(\d+\)|\d+\s+comments?\b|leave a (?:comment|reply)\b|"
        r".*\bmay comment\b|.*\blog ?in to comment\b)",
        re.IGNORECASE | re.MULTILINE,
    ),
    "navigation": re.compile(
        r"^\s*(most (?:recent|popular|read)\b|you (?:may|might) also like\b|read next\b|"
        r"share this\b|subscribe\b)",
        re.IGNORECASE | re.MULTILINE,
    ),
    "related": re.compile(
        r"^\s*(related (?:reports|articles|stories|posts|content|reading)\b|"
        r"\d+\s+reports?\s+cites?\b|see also\b|further reading\b)",
        re.IGNORECASE | re.MULTILINE,
    ),
}
_LINK_TITLE = re.compile(r"\bon [A-Z][a-z]{2,8}\.? \d{1,2},?(?: \d{4})?$")


Region = tuple[int, int, str]  # (start, end, kind) in a chunk's text


def end_matter(chunks: list[tuple[Passage, int]]) -> dict[str, list[Region]]:
    """chunk_id -> the regions of its text that are a web page's end matter ("comments",
    "navigation" or "related"), found from marker lines such as `Comments (4)` or `Related
    Reports`. Each region runs to the next marker of the same document. `chunks` as from
    side_passages: markers are placed by document offset, so overlapping chunks agree."""
    markers: dict[str, dict[int, str]] = {}
    for passage, start in chunks:
        for kind, pattern in _END_MATTER.items():
            for match in pattern.finditer(passage.text):
                line = passage.text[match.start() :].split("\n", 1)[0]
                if len(line.split()) <= 8:  # a marker line, not prose that starts alike
                    markers.setdefault(passage.doc_id, {})[start + match.start()] = kind
    regions: dict[str, list[Region]] = {}
    for passage, start in chunks:
        found = sorted(markers.get(passage.doc_id, {}).items())
        if not found:
            continue
        ends = [at for at, _ in found[1:]] + [start + len(passage.text)]
        for (at, kind), end in zip(found, ends, strict=True):
            local = (max(at - start, 0), min(end - start, len(passage.text)), kind)
            if local[0] < local[1]:
                regions.setdefault(passage.chunk_id, []).append(local)
    return regions


def region_at(regions: list[Region], offset: int) -> str:
    """The kind of end matter at `offset` of a chunk ("" in the body of the document)."""
    return next((kind for start, end, kind in regions if start <= offset < end), "")


def is_prose(text: str, teaser_ok: bool = False) -> bool:
    """A sentence worth quoting as a statement: not a heading, table row, fragment, question,
    link title or navigation line. `teaser_ok` accepts a teaser cut off with "..."."""
    from ingest.chunking import is_heading

    stripped = BULLET.sub("", text.strip())
    words = stripped.split()
    if len(words) < 6 or stripped.count(" · ") >= 2 or " | " in stripped:  # " | ": a page title
        return False
    if not (stripped[:1].isupper() or stripped[:1].isdigit() or stripped[:1] in "\"“‘'("):
        return False  # starts mid-sentence: a fragment of a layout line
    cut_off = stripped.endswith(("...", "…")) and not (teaser_ok and len(words) >= 10)
    lead_in = stripped.endswith(":") and len(words) < 12  # "... offers the following:"
    if cut_off or lead_in or stripped.endswith("?") or re.search(r"https?://|www\.|@\w", stripped):
        return False
    if _LINK_TITLE.search(stripped):
        return False
    if stripped.rstrip("”\"’')]").endswith((".", "!", ";", ":")):
        return True
    capitalised = sum(w[:1].isupper() for w in words) / len(words)
    return not (is_heading(stripped) or capitalised >= 0.5 or len(words) < 10)
