"""What in a chunk is not a statement of the document's author, sentence by sentence.

Headings, table rows, fragments of layout lines, link titles and navigation lines are not prose
(`is_prose`). Whole blocks of page furniture (running headers, related-report lists, site
navigation) are set apart at ingest (`ingest.furniture`) and never reach the matrix; reader
comments reach it marked as such (`Passage.voice`).
"""

from __future__ import annotations

import re

from counterpoint.matrix.cues import BULLET

_LINK_TITLE = re.compile(r"\bon [A-Z][a-z]{2,8}\.? \d{1,2},?(?: \d{4})?$")


def is_prose(text: str) -> bool:
    """A sentence worth quoting as a statement: not a heading, table row, fragment, question,
    link title or navigation line."""
    from ingest.chunking import is_heading

    stripped = BULLET.sub("", text.strip())
    words = stripped.split()
    if len(words) < 6 or stripped.count(" · ") >= 2 or " | " in stripped:  # " | ": a page title
        return False
    if not (stripped[:1].isupper() or stripped[:1].isdigit() or stripped[:1] in "\"“‘'("):
        return False  # starts mid-sentence: a fragment of a layout line
    cut_off = stripped.endswith(("...", "…"))
    lead_in = stripped.endswith(":") and len(words) < 12  # "... offers the following:"
    if cut_off or lead_in or stripped.endswith("?") or re.search(r"https?://|www\.|@\w", stripped):
        return False
    if _LINK_TITLE.search(stripped):
        return False
    if stripped.rstrip("”\"’')]").endswith((".", "!", ";", ":")):
        return True
    capitalised = sum(w[:1].isupper() for w in words) / len(words)
    return not (is_heading(stripped) or capitalised >= 0.5 or len(words) < 10)
