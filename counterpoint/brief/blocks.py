"""What every brief format writes alike: quote and source lines, an answer's Markdown as blocks,
and the Timeline and Claims matrix sections as (kind, text, side) blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from counterpoint.brief.model import counted
from counterpoint.markup import answer_markdown, md_unescape

if TYPE_CHECKING:
    from counterpoint.brief.model import Brief, Source
    from counterpoint.matrix.models import Matrix, Timeline
    from counterpoint.models import Citation

SIDE_LABELS = {"company": "COMPANY", "critic": "CRITIC"}
NO_SOURCES = "No document is cited in these answers."
HEADING_SIDES = {
    "What the company says": "company",
    "What critics say": "critic",
    "Where they meet": "both",
}


def citation_line(c: Citation) -> str:
    """`[n] SIDE · title · p. N · verbatim · relevance 0.72` — how every format labels a quote:
    whether its words are the passage's own, apart from how likely it is to answer."""
    page = f"p. {c.page}" if c.page else "no page numbers"
    check = "verbatim" if c.supported else "NOT VERBATIM: not found in the passage"
    side = SIDE_LABELS.get(c.side, c.side.upper())
    if c.quoted_by:  # the company's words inside a critic's document: the company's voice
        side = f"COMPANY · as quoted by {c.quoted_by}"
    elif c.voice == "reader":
        side = "A READER'S COMMENT (not the critic's view)"
    tier = "may not answer" if c.tier == "closest" else "answers"
    return f"[{c.n}] {side} · {c.title} · {page} · {check} · {tier}, {c.relevance_words}"


def source_line(s: Source) -> str:
    """Document, side, publisher, date and file of a source (its hash is shown apart)."""
    parts = [s.title, SIDE_LABELS.get(s.side, s.side.upper()), s.publisher, s.date, s.file]
    return " · ".join(part for part in parts if part)


def answer_blocks(markdown: str, quotes: Iterable[str] = ()) -> list[tuple[str, Any]]:
    """("heading" | "bullet" | "para", text) and ("table", rows) from an answer's Markdown.

    The text is escaped Markdown (`answer_markdown`): only our own `**bold**` is bold, never a
    document's, and `inline_runs` gives it back as written.
    """
    blocks: list[tuple[str, Any]] = []
    for line in answer_markdown(markdown, quotes).splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("|"):
            if re.fullmatch(r"\|[\s:|-]+\|", line):
                continue  # the header separator row
            cells = [md_unescape(cell.strip()) for cell in re.split(r"(?<!\\)\|", line)]
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(cells[1:-1])
            else:
                blocks.append(("table", [cells[1:-1]]))
        elif re.fullmatch(r"\*\*[^*]+\*\*", line):
            blocks.append(("heading", line.strip("*")))
        elif line.startswith(("- ", "* ")):
            blocks.append(("bullet", line[2:]))
        else:
            blocks.append(("para", line))
    return blocks


def inline_runs(text: str) -> list[tuple[str, bool]]:
    """(text, bold) runs of a line with `**bold**` spans."""
    parts = re.split(r"(?<!\\)\*\*(.+?)(?<!\\)\*\*", text)
    return [(md_unescape(part), index % 2 == 1) for index, part in enumerate(parts) if part]


def side_heading(text: str) -> tuple[str, str]:
    """A part heading with its side label first: the label names the side, not colour alone."""
    side = HEADING_SIDES.get(text, "")
    label = {"company": "COMPANY", "critic": "CRITICS", "both": "BOTH SIDES"}.get(side, "")
    return (f"{label} — {text}" if label else text), side


MAX_TIMELINE_EVENTS = 200
MAX_MATRIX_ROWS = 40
RELATION_WORDS = {
    "contested": "CONTESTED",
    "corroborated": "CORROBORATED",
    "not_addressed": "NOT ADDRESSED BY CRITICS",
    "unaddressed": "UNADDRESSED BY THE COMPANY",
    "addressed": "ADDRESSED BY THE COMPANY",
}
Block = tuple[str, str, str]  # (kind, text, side): h2 | h3 | meta | item | quote | evidence


def extra_blocks(brief: Brief) -> list[Block]:
    """The brief's Timeline and Claims matrix sections as blocks every format can write."""
    blocks: list[Block] = []
    if brief.timeline is not None:
        blocks += timeline_blocks(brief.timeline)
    if brief.matrix is not None:
        blocks += matrix_blocks(brief.matrix)
    elif brief.matrix_note:
        blocks += [("h2", "Claims matrix (machine-made)", ""), ("meta", brief.matrix_note, "")]
    return blocks


def timeline_blocks(timeline: Timeline) -> list[Block]:
    """Every dated point, oldest first, with its source and sentence."""
    events = timeline.events
    blocks: list[Block] = [
        ("h2", "Timeline", ""),
        (
            "meta",
            f"{counted(len(events), 'dated point')}, oldest first. Each date comes from the "
            "corpus manifest (publication or reporting period) or from a sentence of the "
            "document, as marked.",
            "",
        ),
    ]
    for event in events[:MAX_TIMELINE_EVENTS]:
        when = f"{event.date} to {event.end}" if event.end else event.date
        kind = event.kind.replace("_", " ")
        line = f"{when} · {_where(event.side, event.title, event.page)} · {kind} · date from the "
        blocks += [("item", line + event.date_from, event.side), ("quote", event.text, "")]
    if len(events) > MAX_TIMELINE_EVENTS:
        blocks.append(("meta", f"… and {len(events) - MAX_TIMELINE_EVENTS} more.", ""))
    return blocks


def matrix_blocks(matrix: Matrix) -> list[Block]:
    """The unaddressed allegations and the contested claims, each with its evidence, in the
    order the matrix gives them (the page's order: `ui.claims.in_page_order`)."""
    from counterpoint.matrix.models import THEME_TITLES

    counts = {r: sum(1 for row in matrix.claims if row.relation == r) for r in RELATION_WORDS}
    open_ones = [row for row in matrix.allegations if row.coverage == "unaddressed"]
    contested = [row for row in matrix.claims if row.relation == "contested"]
    blocks: list[Block] = [
        ("h2", "Claims matrix (machine-made)", ""),
        (
            "meta",
            f"Every label is machine-made ({matrix.mode}), with a confidence and the quotes it "
            f"rests on. {counted(len(matrix.claims), 'company claim')}: {counts['contested']} "
            f"contested, {counts['corroborated']} corroborated, {counts['not_addressed']} not "
            f"addressed by critics. {counted(len(matrix.allegations), 'critic allegation')}: "
            f"{len(open_ones)} unaddressed by the company.",
            "",
        ),
    ]
    if matrix.notice:
        blocks.append(("meta", matrix.notice, ""))
    sections = (("Unaddressed allegations", open_ones), ("Contested claims", contested))
    for heading, rows in sections:
        blocks.append(("h3", f"{heading} · {len(rows)}", ""))
        if not rows:
            blocks.append(("meta", "None.", ""))
        for row in rows[:MAX_MATRIX_ROWS]:
            blocks += _row_blocks(row, THEME_TITLES)
        if len(rows) > MAX_MATRIX_ROWS:
            blocks.append(("meta", f"… and {len(rows) - MAX_MATRIX_ROWS} more.", ""))
    return blocks


def _row_blocks(row: Any, theme_titles: dict[str, str]) -> list[Block]:
    statement = getattr(row, "claim", None) or row.allegation
    label = getattr(row, "relation", None) or row.coverage
    theme = theme_titles.get(statement.theme, statement.theme)
    line = (
        f"{_where(statement.side, statement.title, statement.page)} · {theme} · "
        f"{RELATION_WORDS[label]} · machine-made, confidence {row.confidence:.2f}"
    )
    blocks: list[Block] = [("item", line, statement.side), ("quote", statement.text, "")]
    if row.reason:
        blocks.append(("meta", row.reason, ""))
    for quote in row.evidence[:3]:
        where = _where(quote.side, quote.title, quote.page)
        blocks.append(("evidence", f"{where}: “{quote.quote}”", quote.side))
    return blocks


def _where(side: str, title: str, page: int | None) -> str:
    page_text = f"p. {page}" if page else "no page numbers"
    return f"{SIDE_LABELS.get(side, side.upper())} · {title} · {page_text}"
