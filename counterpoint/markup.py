"""Untrusted text in Markdown: a document's words, its title, the user's question shown as written.

A document is data. Its text must never render as our own marks: a side badge
(`:blue-badge[COMPANY]`), a verdict (`:green-badge[verified]`), a citation marker (`[1]`), bold,
strike-through, a formula (`$$x$$`), a heading, a link. `md_escape` is the one function that makes
such text inert for Streamlit's Markdown (and for the brief's); `answer_markdown` applies it to an
answer, keeping only our own structure and markers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# What CommonMark, GFM or Streamlit gives a meaning to anywhere in a line (a directive or a link
# needs `[`, an entity `&…;`), and what does so at its start; a backslash makes it literal. The
# rest stays bare, so that a brief read as plain text reads as the document did.
_ACTIVE = re.compile(r"([\\`*_\[\]|~$<]|&(?=#?\w+;))")
_LEADING = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")
# Streamlit turns `:smile:` and `:material/x:` into icons, and GFM turns `https://…`, `www.…` and
# `a@b.org` into links, after escapes are resolved: an invisible word joiner breaks each pattern.
WORD_JOINER = "\u2060"
_LINKISH = re.compile(r"(?<=[:@])(?=[\w/])|(?i:(?<=www)(?=\.))")
_ESCAPED = re.compile(r"\\(.)")
_MARKER = re.compile(r"(?<!\\)\[(\d{1,3})\]")
# Our own line structure in an answer: a bold heading of plain words, a bullet, a table row.
_HEADING = re.compile(r"^(\s*(?:#{1,4}\s*)?\*\*[A-Za-z' ]+:?\*\*:?\s*)(.*)$")
_BULLET = re.compile(r"^(\s*(?:[-*]|\d{1,2}\.)\s+)(.*)$")
_TABLE_RULE = re.compile(r"\|[\s:|-]+\|")
_PIPE = re.compile(r"(?<!\\)\|")


def md_escape(text: str) -> str:
    """`text` shown as written in Markdown: no badge, icon, marker, emphasis, formula or link.

    Line breaks become spaces (the lines of a Markdown block are ours to lay out).
    """
    flat = re.sub(r"\s*\n\s*", " ", text)
    escaped = _ACTIVE.sub(r"\\\1", _LINKISH.sub(WORD_JOINER, flat))
    return _LEADING.sub(lambda m: m.group(1) + _lead(m.group(2)), escaped)


def _lead(mark: str) -> str:
    # `1.` becomes `1\.`: the digit cannot be escaped, the dot can.
    return mark + "\\" if mark[0].isdigit() else "\\" + mark


def md_unescape(text: str) -> str:
    """The text `md_escape` was given (line breaks aside), for formats that are not Markdown."""
    return _ESCAPED.sub(r"\1", text).replace(WORD_JOINER, "")


def answer_markdown(text: str, quotes: Iterable[str]) -> str:
    """An answer's Markdown with everything but our structure escaped.

    Kept: part headings, bullets, table pipes, and `[n]` citation markers outside `quotes` (the
    citations' verbatim quotes). Everything else, a `[n]` inside a quote included, is escaped.
    """
    spans = sorted({" ".join(q.split()) for q in quotes if q.strip()}, key=len, reverse=True)
    return "\n".join(_line(line, spans) for line in text.split("\n"))


def _line(line: str, quotes: list[str]) -> str:
    if line.lstrip().startswith("|"):
        if _TABLE_RULE.fullmatch(line.strip()):
            return line
        cells = [_inline(md_unescape(c), quotes) if c.strip() else c for c in _PIPE.split(line)]
        return "|".join(cells)
    for structure in (_HEADING, _BULLET):
        if found := structure.match(line):
            return found.group(1) + _inline(found.group(2), quotes)
    return _inline(line, quotes)


def _inline(text: str, quotes: list[str]) -> str:
    """Text of one line: quotes escaped whole, our markers outside them kept."""
    inside = _quote_spans(text, quotes)
    out, start = [], 0
    for found in _MARKER.finditer(text):
        if any(a <= found.start() < b for a, b in inside):
            continue
        out += [md_escape(text[start : found.start()]), found.group(0)]
        start = found.end()
    out.append(md_escape(text[start:]))
    return "".join(out)


def _quote_spans(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        at = text.find(quote)
        while at >= 0:
            if not any(a < at + len(quote) and at < b for a, b in spans):
                spans.append((at, at + len(quote)))
            at = text.find(quote, at + 1)
    return spans
