"""Untrusted text in Markdown: a document's words, its title, the user's question shown as written.

A document is data. Its text must never render as our own marks: a side badge
(`:blue-badge[COMPANY]`), a verdict (`:green-badge[verified]`), a citation marker (`[1]`), bold,
strike-through, a formula (`$$x$$`), a heading, a link. `md_escape` is the one function that makes
such text inert for Streamlit's Markdown (and for the brief's); `answer_markdown` applies it to an
answer, keeping only our own structure and markers.

Before any of that, `inert` leaves "\n" the only line break and no control character: a document
holding U+2028 (or NEL, VT, FF, the C0 separators) before `**What the company says**` would
otherwise open a part of ours wherever a line is split (`str.splitlines` splits on all of them),
and a terminal acts on ESC. The terminal gets the same text (`for_terminal`, `terminal_json`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

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
# Every line break but "\n" (CR, VT, FF, the C0 separators, NEL, U+2028, U+2029, and the Ogham
# space mark, which `str.split()` splits on) and every control character (C0, DEL, C1).
_BREAKS_AND_CONTROLS = re.compile("\r\n?|[\x00-\x08\x0b-\x1f\x7f-\x9f\u1680\u2028\u2029]")
# What JSON leaves raw in a string that a terminal or a line reader acts on.
_JSON_RAW = re.compile("[\x7f-\x9f\u1680\u2028\u2029]")


def inert(text: str) -> str:
    """`text` with "\n" its only line break and no control character: CR and CR LF become
    "\n"; every other line separator and control character (ESC included) a space."""
    return _BREAKS_AND_CONTROLS.sub(lambda m: "\n" if m.group()[0] == "\r" else " ", text)


def for_terminal(text: str) -> str:
    """Text for the terminal: no escape code, no line break but "\n" (`inert`)."""
    return inert(text)


def terminal_json(value: Any) -> str:
    """`value` as JSON for the terminal: the same JSON, with the characters a terminal acts on
    that `json.dumps` leaves raw (C1 controls, U+2028, U+2029) written as `\\uXXXX` escapes."""
    text = json.dumps(value, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def md_escape(text: str) -> str:
    """`text` shown as written in Markdown: no badge, icon, marker, emphasis, formula or link.

    Line breaks become spaces (the lines of a Markdown block are ours to lay out).
    """
    flat = re.sub(r"\s*\n\s*", " ", inert(text))
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
    spans = {" ".join(inert(q).split()) for q in quotes if q.strip()}
    ordered = sorted(spans, key=len, reverse=True)
    return "\n".join(_line(line, ordered) for line in inert(text).split("\n"))


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
