"""A web page's main content, its reader comments, and everything else (page furniture).

trafilatura, a maintained main-content extractor, decides what the article is and which part
is reader comments. The page's text is still read whole (`ingest.loaders`), so nothing is
lost: a line that trafilatura keeps is the article, a line of its comments is a reader's
voice, and every other line (navigation, a page title, "Most read" lists, share and subscribe
blocks, cookie and copyright notes, a byline) is furniture, named by its shape where it can be.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.characters import normalize_characters
from ingest.cleaning import normalize_spaces
from ingest.furniture import PROSE, Verdict, line_kinds

_COPYRIGHT = re.compile(r"^©|\ball rights reserved\b|\bcookies?\b", re.IGNORECASE)
_LIST_HEAD = re.compile(
    r"^(?:related\b|most (?:recent|popular|read|viewed)\b|recommended\b|see also\b|"
    r"further reading\b|more (?:from|on|stories)\b|trending\b|popular\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MainContent:
    """What trafilatura reads as the page's article and as its reader comments."""

    text: str
    comments: str


def clean_web_text(text: str) -> str:
    """A web page's text, one block a paragraph: characters and spaces only (it has no PDF
    extraction damage to repair, and its short blocks are no table cells)."""
    return normalize_spaces(normalize_characters(text.replace("\r\n", "\n").replace("\r", "\n")))


def visible_text(html: str) -> str:
    """The page's whole visible text, one block element a paragraph, a table's cells joined
    by " · " (scripts, styles and templates are not text)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.find_all(_CELLS):
        tag.insert_after(" · ")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()).strip(" ·") for line in soup.get_text().split("\n"))
    return "\n\n".join(line for line in lines if line)


_BLOCKS = [
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article",
    "header", "footer", "nav", "aside", "ul", "ol", "table", "blockquote", "pre", "title",
    "figcaption", "dd", "dt", "main", "form", "hr",
]  # fmt: skip
_CELLS = ["td", "th"]


def main_content(html: str) -> MainContent | None:
    """The article and comments of a page, or None when trafilatura finds no article."""
    import trafilatura

    found = trafilatura.bare_extraction(
        html, include_comments=True, include_tables=True, favor_recall=True, with_metadata=False
    )
    if found is None or not (found.text or "").strip():
        return None
    return MainContent(found.text or "", found.comments or "")


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def web_marks(content: MainContent) -> Callable[[list[str]], list[Verdict]]:
    """A function giving the verdict of each cleaned line of the page (see `assemble_text`'s
    `marks`): the article's own lines are prose, the comments' a reader's, the rest furniture."""
    article = f" {_words(content.text)} "
    comments = f" {_words(content.comments)} "
    article_lines = {_words(line) for line in content.text.split("\n")}

    def marks(lines: list[str]) -> list[Verdict]:
        shapes = line_kinds(lines)  # teaser lists, share lines: their names
        verdicts: list[Verdict] = []
        heading = ""
        for line, shape in zip(lines, shapes, strict=True):
            key = _words(line)
            if not key or _holds(article, article_lines, key):
                verdicts.append(PROSE)
                heading = heading if not key else ""
            elif content.comments and _holds(comments, set(), key):
                verdicts.append(Verdict(voice="reader"))
            else:
                if _LIST_HEAD.match(line.strip()):
                    heading = "related list"
                kind = shape.kind or _notice(line) or heading or _kind(line)
                verdicts.append(Verdict(kind))
        return verdicts

    return marks


def _holds(text: str, lines: set[str], key: str) -> bool:
    """The words of `key` stand in `text` as a run (a short line: as a whole line of it)."""
    if len(key.split()) <= 3:
        return key in lines
    return f" {key} " in text


def _notice(line: str) -> str:
    return "copyright or cookie notice" if _COPYRIGHT.search(line) else ""


def _kind(line: str) -> str:
    items = [item.split() for item in re.split(r"\s[|·»›]\s", line.strip())]
    if len(items) > 1 and all(len(item) <= 3 for item in items) or len(line.split()) <= 4:
        return "navigation"
    if len(items) > 1:
        return "page title"
    if re.match(r"^by\s", line.strip(), re.IGNORECASE) and len(line.split()) <= 25:
        return "byline"
    return "web-page furniture"
