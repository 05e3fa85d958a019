"""Page furniture: the lines of a cleaned page that are not the author's statements.

Written by hand because no library reads this off plain text or a PDF's text layer (for HTML,
`ingest.webpage` asks trafilatura instead). Every rule reads the shape of the text and where it
stands in the document, never a company's or a document's name:
- a cover or back cover: the first or last page of a long document without a sentence of prose
  (or, last pages, made of colophon lines: credits, addresses, print and accessibility notes);
- a table of contents: an early page of mostly "title ... page" lines;
- a content index (GRI, SASB, TCFD, ESRS tables of references): a page headed as an index whose
  lines are mostly reference codes;
- chart residue: a line of numbers with hardly a word (axis ticks, data labels, legends);
- web-page furniture in text: lists of teasers ("Title on Jul 29, 2019" / "First words..."),
  share, subscribe, sign-in and cookie lines, an image's file name;
- reader comments: what follows a "Comments (4)" line is a reader's voice, not the publisher's.
Running headers, footers and page numbers are `ingest.layout`'s (repetition across pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COVER_WORDS = 80  # a first or last page shorter than this, without prose, is a cover
PROSE_WORDS = 9  # a sentence of prose has at least this many words, mostly lower case
EARLY_PAGES = 0.12  # a table of contents stands in this first share of the pages (or page 1-6)
_NUMBER = re.compile(r"^[-−–+(]?[$€£¥]?\d[\d,.]*%?\)?$|^[-−–—]$")
_TOC_ENTRY = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?[^\d]{3,90}?(?:\s*\.{2,}\s*|\s+)(\d{1,3})$"
)
_CODE = re.compile(
    r"\b(?:[A-Z]{2}-[A-Z]{2}-\d{3}[a-z]\.\d|(?:GRI\s?)?\d{1,3}-\d{1,2}[a-z]?|"
    r"(?:ESRS\s?)?[ESG]\d-\d{1,2}|[A-Z]{2,4}-\d{1,2})\b"
)
_INDEX_TITLE = re.compile(r"\b(?:index|table of references|cross-reference)\b", re.IGNORECASE)
_TEASER_TITLE = re.compile(r"\bon [A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}$")
_CUT_OFF = re.compile(r"(?:\.\.\.|…)$")
_WEB_LINE = re.compile(
    r"^(?:share (?:this|on)\b|follow us\b|subscribe\b|sign (?:up|in)\b|log ?in\b|register\b|"
    r"get notified\b|get (?:our|the) newsletter\b|newsletter\b|read (?:more|next)\b|"
    r"(?:this (?:site|website) )?uses? cookies\b|we use cookies\b|accept (?:all )?cookies\b|"
    r"cookie (?:settings|policy)\b|(?:only )?\S+ members may comment\b|you may also like\b|"
    r"back to top\b|skip to (?:main )?content\b|all rights reserved\b)",
    re.IGNORECASE,
)
_LIST_HEAD = re.compile(
    r"^(?:related\b|most (?:recent|popular|read)\b|recommended\b|see also\b|further reading\b|"
    r"more (?:from|on|stories)\b|\d+ (?:reports?|articles?|stories) cites? this)",
    re.IGNORECASE,
)
_COMMENTS = re.compile(
    r"^(?:comments?\s*\(\d+\)|\d+\s+comments?|comments?:?|leave a (?:comment|reply)|"
    r"reader comments?)$",
    re.IGNORECASE,
)
_IMAGE_NAME = re.compile(r"^[a-z0-9 -]+_\d+$|\.(?:jpe?g|png|gif|svg|webp)$", re.IGNORECASE)
_COLOPHON = re.compile(
    r"©|\bcredits?\b|\bphoto(?:s|graphs?|graphy)?\b|\bdesign(?:ed)? by\b|\bgraphic design\b|"
    r"\bprinted\b|\bpaper\b|\brecycl|\baccessib|\bwww\.|\.com\b|\+\d{1,3}\s?\(?\d|"
    r"\bpublished by\b|\bcontact\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """What a line is: furniture of a `kind` ("" for the document's own text), and whose voice
    it is ("reader" for a reader's comment, "" for the author's)."""

    kind: str = ""
    voice: str = ""


PROSE = Verdict()


def words(text: str) -> list[str]:
    """The tokens of a line, with " · " table-cell separators left out."""
    return [w for w in text.split() if w != "·"]


def is_prose_sentence(line: str) -> bool:
    """A line holding a sentence of prose: enough words, mostly lower case, ending a sentence
    (or long enough to be one wrapped on)."""
    tokens = words(line)
    if len(tokens) < PROSE_WORDS or " · " in line:
        return False
    lower = sum(t[:1].islower() for t in tokens) / len(tokens)
    ends = line.rstrip().endswith((".", "!", "?", ":", ";", "”", '"', ")"))
    return lower >= 0.5 and (ends or len(tokens) >= 2 * PROSE_WORDS)


def number_share(text: str) -> float:
    """The share of a text's tokens that are numbers or lone separators."""
    tokens = words(text)
    return sum(bool(_NUMBER.match(t)) for t in tokens) / len(tokens) if tokens else 0.0


def is_chart_residue(line: str) -> bool:
    """A chart's ticks or markers, not a table: an evenly stepped run of four or more numbers
    with at most two words ("-300 · -200 · -100 · 0 · 100 MAC ($/t)"; years are a table's
    header, not ticks), or a run of small numbers alone ("01 · 02 · 03")."""
    tokens = words(line)
    values = [_value(t) for t in tokens]
    numbers = [v for v in values if v is not None]
    labels = sum(len(re.sub(r"[^A-Za-z]", "", t)) >= 3 for t in tokens)
    if len(numbers) == len(tokens) >= 3 and all(v.is_integer() and 0 <= v < 100 for v in numbers):
        return True
    if len(numbers) < 4 or labels > 2 or len(numbers) < 0.6 * len(tokens):
        return False
    steps = {round(b - a, 6) for a, b in zip(numbers, numbers[1:], strict=False)}
    years = all(v.is_integer() and 1900 <= v <= 2100 for v in numbers)
    return len(steps) == 1 and 0 not in steps and not years


def _value(token: str) -> float | None:
    """A token's number ("1,200" -> 1200.0, "-300" -> -300.0), or None."""
    cleaned = token.replace(",", "").replace("−", "-").replace("–", "-").strip("()$€£¥%")
    try:
        return float(cleaned)
    except ValueError:
        return None


def page_kind(lines: list[str], page: int, pages: int) -> str:
    """A kind for the whole page ("cover", "back cover", "table of contents", "content
    index"), or "" when its lines are to be read one by one. `page` counts from 0."""
    text = [line for line in lines if line.strip()]
    if not text:
        return ""
    prose = any(is_prose_sentence(line) for line in text)
    count = sum(len(words(line)) for line in text)
    if pages >= 3 and page == 0 and not prose and count < COVER_WORDS:
        return "cover"
    if page < max(6, EARLY_PAGES * pages) and _table_of_contents(text):
        return "table of contents"
    if _content_index(text):
        return "content index"
    if pages >= 3 and page >= pages - 2 and _back_matter(text, prose, count):
        return "back cover"
    return ""


def _back_matter(lines: list[str], prose: bool, count: int) -> bool:
    if not prose and count < COVER_WORDS:
        return True
    colophon = sum(bool(_COLOPHON.search(line)) for line in lines)
    return colophon >= 3 and colophon >= 0.3 * len(lines)


def _table_of_contents(lines: list[str]) -> bool:
    entries = [line for line in lines if _toc_entries(line)]
    cells = sum(_toc_entries(line) for line in lines)
    return cells >= 5 and len(entries) >= 0.5 * len(lines)


def _toc_entries(line: str) -> int:
    """How many "title page" entries a line holds (several when cleaning joined cells)."""
    parts = line.split(" · ") if " · " in line else [line]
    found = 0
    for part in parts:
        match = _TOC_ENTRY.match(part.strip())
        found += bool(match and len(words(part)) <= 14 and number_share(part) <= 0.5)
    return found


def _content_index(lines: list[str]) -> bool:
    cells = [cell for line in lines[:8] for cell in line.split(" · ")]
    titled = any(_INDEX_TITLE.search(cell) and len(words(cell)) <= 8 for cell in cells)
    coded = [line for line in lines if _CODE.search(line)]
    codes = sum(len(_CODE.findall(line)) for line in lines)
    return titled and codes >= 8 and len(coded) >= 0.3 * len(lines)


def line_kinds(lines: list[str]) -> list[Verdict]:
    """A verdict for each line of a page's body (in order), page-level kinds aside."""
    verdicts = [PROSE] * len(lines)
    _mark_lists(lines, verdicts)
    in_comments = False
    for n, line in enumerate(lines):
        text = line.strip()
        if not text or verdicts[n].kind:
            continue
        if _COMMENTS.match(text):
            verdicts[n], in_comments = Verdict("comments heading"), True
        elif _WEB_LINE.match(text) and len(words(text)) <= 14:
            verdicts[n] = Verdict("share, subscribe or sign-in")
        elif _repeats_above(lines, n):
            verdicts[n] = Verdict("repeated line")
        elif _IMAGE_NAME.search(text) and len(words(text)) <= 8:
            verdicts[n] = Verdict("image label")
        elif is_chart_residue(text):
            verdicts[n] = Verdict("chart residue")
        elif in_comments:
            verdicts[n] = Verdict(voice="reader")
    return verdicts


def _repeats_above(lines: list[str], n: int) -> bool:
    """A short line that repeats the line just above it (a widget drawn twice)."""
    above = next((line for line in reversed(lines[:n]) if line.strip()), "")
    return above.strip() == lines[n].strip() and len(words(lines[n])) <= 12


def _mark_lists(lines: list[str], verdicts: list[Verdict]) -> None:
    """Lists of teasers: a run of "Title on Mon D, YYYY" lines, each with or without a
    cut-off first line ("The US government has passed ..."), and the short line heading it."""
    n = 0
    while n < len(lines):
        end, entries = n, 0
        while end < len(lines):
            text = lines[end].strip()
            if _TEASER_TITLE.search(text):
                entries += 1
            elif not (text and _CUT_OFF.search(text) and entries) and text:
                break
            end += 1
        if entries >= 2:
            head = _list_head(lines, n)
            for k in range(head, end):
                verdicts[k] = Verdict("related list")
            n = end
        else:
            n += 1


def _list_head(lines: list[str], start: int) -> int:
    """The start of a teaser list, moved up over its heading ("Related Reports")."""
    above = start - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and (_LIST_HEAD.match(lines[above].strip()) or len(words(lines[above])) <= 5):
        return above
    return start
