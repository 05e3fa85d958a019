"""The conversation as a due-diligence brief: Markdown, PDF (reportlab) or DOCX (python-docx).

A brief holds every answer as it was given, every quote with its document, page and side, and
the sources with the SHA-256 of their files and the date of the export, so a reader can check
each quote against the very file it came from.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from counterpoint.evidence import file_sha256, source_file
from counterpoint.models import Answer, Citation

if TYPE_CHECKING:
    from counterpoint.config import Settings
    from counterpoint.matrix_models import Matrix, Timeline

SIDE_LABELS = {"company": "COMPANY", "critic": "CRITIC"}
SIDE_COLOURS = {"company": "#1D5FA8", "critic": "#B4530A"}  # as on the page: blue, orange
HEADING_SIDES = {
    "What the company says": "company",
    "What critics say": "critic",
    "Where they meet": "both",
}


@dataclass(frozen=True)
class Source:
    """One document cited in the brief."""

    doc_id: str
    title: str
    side: str
    publisher: str = ""
    date: str = ""
    file: str = ""
    sha256: str | None = None


@dataclass(frozen=True)
class Brief:
    """Everything an export shows: the answers, their sources, when and how they were made."""

    answers: list[Answer]
    sources: list[Source]
    exported_at: datetime
    answerer: str = "extractive"
    timeline: Timeline | None = None
    matrix: Matrix | None = None
    matrix_note: str = ""  # why the matrix is missing, when it is

    @property
    def stamp(self) -> str:
        """The export date and time, in UTC."""
        return self.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

    @property
    def header(self) -> str:
        """The line under the title: when, how, how much."""
        return (
            f"Exported {self.stamp} by Counterpoint · answerer: {self.answerer} · "
            f"{len(self.answers)} questions · {len(self.sources)} sources"
        )


def make_brief(
    answers: list[Answer],
    documents: dict[str, dict[str, Any]],
    settings: Settings,
    answerer: str,
    timeline: Timeline | None = None,
    matrix: Matrix | None = None,
    matrix_note: str = "",
) -> Brief:
    """A brief of these answers; `documents` is the store's doc_id -> metadata listing. The
    timeline and the claims matrix, when given, get sections of their own."""
    sources: dict[str, Source] = {}
    for citation in (c for answer in answers for c in answer.citations):
        if citation.doc_id not in sources:
            sources[citation.doc_id] = _source(citation, documents.get(citation.doc_id), settings)
    return Brief(
        answers, list(sources.values()), datetime.now(UTC), answerer, timeline, matrix, matrix_note
    )


def _source(citation: Citation, meta: dict[str, Any] | None, settings: Settings) -> Source:
    if meta is None:  # removed from the index since it was cited
        return Source(citation.doc_id, citation.title, citation.side)
    digest = meta.get("content_hash")  # the SHA-256 of the file's bytes, recorded at ingest
    if not digest and (path := source_file(settings, meta)):
        digest = file_sha256(path)
    return Source(
        doc_id=citation.doc_id,
        title=str(meta.get("title") or citation.title),
        side=str(meta.get("side") or citation.side),
        publisher=str(meta.get("publisher", "")),
        date=str(meta.get("date", "")),
        file=str(meta.get("file", "")),
        sha256=str(digest) if digest else None,
    )


def citation_line(c: Citation) -> str:
    """`[n] SIDE · title · p. N · verified` — how every format labels a quote."""
    page = f"p. {c.page}" if c.page else "no page numbers"
    check = "verified verbatim" if c.supported else "UNVERIFIED: not found verbatim"
    return f"[{c.n}] {SIDE_LABELS.get(c.side, c.side.upper())} · {c.title} · {page} · {check}"


def source_line(s: Source) -> str:
    """Document, side, publisher, date and file of a source (its hash is shown apart)."""
    parts = [s.title, SIDE_LABELS.get(s.side, s.side.upper()), s.publisher, s.date, s.file]
    return " · ".join(part for part in parts if part)


# Markdown ------------------------------------------------------------------------------------


def to_markdown(brief: Brief) -> str:
    """The brief as Markdown."""
    out = [
        "# Due-diligence brief",
        "",
        brief.header,
    ]
    for number, answer in enumerate(brief.answers, 1):
        out += ["", f"## {number}. {answer.question}", ""]
        if notice := getattr(answer, "notice", None):
            out += [f"> {notice}", ""]
        out += [answer.answer, "", "### Evidence", ""]
        for c in answer.citations:
            out += [f"- {citation_line(c)}", f"  > {c.quote}"]
    out += _markdown_sections(extra_blocks(brief))
    out += ["", "## Sources", ""]
    for s in brief.sources:
        digest = f"`{s.sha256}`" if s.sha256 else "file not available"
        out += [f"- **{s.doc_id}**: {source_line(s)}", f"  SHA-256: {digest}"]
    return "\n".join(out) + "\n"


# Answer text as blocks, shared by the PDF and DOCX writers ----------------------------------


def answer_blocks(markdown: str) -> list[tuple[str, Any]]:
    """("heading" | "bullet" | "para", text) and ("table", rows) from an answer's Markdown."""
    blocks: list[tuple[str, Any]] = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("|"):
            if re.fullmatch(r"\|[\s:|-]+\|", line):
                continue  # the header separator row
            cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)]
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
    parts = re.split(r"\*\*(.+?)\*\*", text)
    return [(part, index % 2 == 1) for index, part in enumerate(parts) if part]


def side_heading(text: str) -> tuple[str, str]:
    """A part heading with its side label first: the label names the side, not colour alone."""
    side = HEADING_SIDES.get(text, "")
    label = {"company": "COMPANY", "critic": "CRITICS", "both": "BOTH SIDES"}.get(side, "")
    return (f"{label} — {text}" if label else text), side


# PDF -----------------------------------------------------------------------------------------


def to_pdf(brief: Brief) -> bytes:
    """The brief as a PDF (A4, reportlab's standard fonts)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    margins = dict.fromkeys(("leftMargin", "rightMargin", "topMargin", "bottomMargin"), 2 * cm)
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title="Due-diligence brief", author="Counterpoint", **margins
    )
    doc.build(_pdf_story(brief, doc.width))
    return buffer.getvalue()


def _pdf_story(brief: Brief, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    st = _pdf_styles()
    story: list[Any] = [
        Paragraph("Due-diligence brief", st["Title"]),
        Paragraph(_xml(brief.header), st["Meta"]),
    ]
    for number, answer in enumerate(brief.answers, 1):
        story.append(Paragraph(_xml(f"{number}. {answer.question}"), st["Heading2"]))
        if notice := getattr(answer, "notice", None):
            story.append(Paragraph(_xml(notice), st["Meta"]))
        story += [
            _pdf_block(kind, value, st, width) for kind, value in answer_blocks(answer.answer)
        ]
        story.append(Paragraph("Evidence", st["Heading4"]))
        for c in answer.citations:
            colour = SIDE_COLOURS.get(c.side, "#444444")
            story.append(
                Paragraph(f'<font color="{colour}">{_xml(citation_line(c))}</font>', st["Small"])
            )
            story.append(Paragraph(_xml(f"“{c.quote}”"), st["Quote"]))
    story += [_pdf_extra(kind, text, side, st) for kind, text, side in extra_blocks(brief)]
    story += [Spacer(1, 8), Paragraph("Sources", st["Heading2"])]
    for s in brief.sources:
        digest = s.sha256 or "file not available"
        story.append(Paragraph(f"<b>{_xml(s.doc_id)}</b>: {_xml(source_line(s))}", st["Small"]))
        story.append(Paragraph(f'SHA-256: <font name="Courier">{digest}</font>', st["Hash"]))
    return story


def _pdf_block(kind: str, value: Any, st: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table, TableStyle

    if kind == "heading":
        text, side = side_heading(value)
        colour = SIDE_COLOURS.get(side, "#5B3E96")
        return Paragraph(f'<font color="{colour}"><b>{_xml(text)}</b></font>', st["Heading4"])
    if kind == "table":
        rows = [[Paragraph(_runs_xml(cell), st["Small"]) for cell in row] for row in value]
        columns = max(len(row) for row in rows)
        table = Table(rows, colWidths=[width / columns] * columns)
        table.setStyle(
            TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.4, "#BBBBBB"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
            )
        )
        return table
    style = st["Bullet"] if kind == "bullet" else st["BodyText"]
    return Paragraph(_runs_xml(value), style, bulletText="•" if kind == "bullet" else None)


def _pdf_styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    styles = {name: base[name] for name in ("Title", "Heading2", "Heading4", "BodyText")}
    body = base["BodyText"]
    styles["Meta"] = ParagraphStyle("Meta", parent=body, textColor="#555555", fontSize=9)
    styles["Small"] = ParagraphStyle("Small", parent=body, fontSize=9, leading=11)
    styles["Quote"] = ParagraphStyle(
        "Quote", parent=body, leftIndent=14, fontSize=9.5, textColor="#222222", spaceAfter=6
    )
    styles["Hash"] = ParagraphStyle("Hash", parent=body, fontSize=7.5, leftIndent=14)
    styles["Bullet"] = ParagraphStyle("Bullet", parent=body, leftIndent=14, bulletIndent=4)
    return styles


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _runs_xml(text: str) -> str:
    return "".join(f"<b>{_xml(t)}</b>" if bold else _xml(t) for t, bold in inline_runs(text))


# DOCX ----------------------------------------------------------------------------------------


def to_docx(brief: Brief) -> bytes:
    """The brief as a Word document (editable by the analyst)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = "Due-diligence brief"
    doc.core_properties.author = "Counterpoint"
    doc.add_heading("Due-diligence brief", level=0)
    doc.add_paragraph(brief.header)
    for number, answer in enumerate(brief.answers, 1):
        doc.add_heading(f"{number}. {answer.question}", level=1)
        if notice := getattr(answer, "notice", None):
            doc.add_paragraph(notice, style="Intense Quote")
        for kind, value in answer_blocks(answer.answer):
            _docx_block(doc, kind, value)
        doc.add_heading("Evidence", level=3)
        for c in answer.citations:
            doc.add_paragraph(citation_line(c)).runs[0].bold = True
            doc.add_paragraph(f"“{c.quote}”", style="Quote")
    for kind, text, _side in extra_blocks(brief):
        _docx_extra(doc, kind, text)
    doc.add_heading("Sources", level=1)
    for s in brief.sources:
        doc.add_paragraph(f"{s.doc_id}: {source_line(s)}", style="List Bullet")
        run = doc.add_paragraph().add_run(f"SHA-256: {s.sha256 or 'file not available'}")
        run.font.name, run.font.size = "Courier New", Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_block(doc: Any, kind: str, value: Any) -> None:
    if kind == "heading":
        doc.add_heading(side_heading(value)[0], level=2)
    elif kind == "table":
        table = doc.add_table(rows=0, cols=max(len(row) for row in value), style="Table Grid")
        for row in value:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                cell.text = text.replace("**", "")
    else:
        paragraph = doc.add_paragraph(style="List Bullet" if kind == "bullet" else None)
        for text, bold in inline_runs(value):
            paragraph.add_run(text).bold = bold


# The timeline and the claims matrix, shared by the three writers ------------------------------

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
            f"{len(events)} dated points, oldest first. Each date comes from the corpus manifest "
            "(publication or reporting period) or from a sentence of the document, as marked.",
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
    """The unaddressed allegations and the contested claims, each with its evidence."""
    from counterpoint.matrix_models import THEME_TITLES

    counts = {r: sum(1 for row in matrix.claims if row.relation == r) for r in RELATION_WORDS}
    open_ones = [row for row in matrix.allegations if row.coverage == "unaddressed"]
    contested = [row for row in matrix.claims if row.relation == "contested"]
    blocks: list[Block] = [
        ("h2", "Claims matrix (machine-made)", ""),
        (
            "meta",
            f"Every label is machine-made ({matrix.mode}), with a confidence and the quotes it "
            f"rests on. {len(matrix.claims)} company claims: {counts['contested']} contested, "
            f"{counts['corroborated']} corroborated, {counts['not_addressed']} not addressed by "
            f"critics. {len(matrix.allegations)} critic allegations: {len(open_ones)} unaddressed "
            "by the company.",
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


def _markdown_sections(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for kind, text, _side in blocks:
        if kind in ("h2", "h3"):
            out += ["", f"{'##' if kind == 'h2' else '###'} {text}", ""]
        elif kind == "meta":
            out += [text, ""] if not out or out[-1] == "" else ["", text, ""]
        elif kind == "item":
            out.append(f"- **{text}**")
        elif kind == "quote":
            out.append(f"  > {text}")
        else:
            out.append(f"  - {text}")
    return out


def _pdf_extra(kind: str, text: str, side: str, st: dict[str, Any]) -> Any:
    from reportlab.platypus import Paragraph

    if kind in ("h2", "h3"):
        return Paragraph(_xml(text), st["Heading2" if kind == "h2" else "Heading4"])
    if kind == "item":
        colour = SIDE_COLOURS.get(side, "#444444")
        return Paragraph(f'<font color="{colour}">{_xml(text)}</font>', st["Small"])
    if kind == "quote":
        return Paragraph(_xml(f"“{text}”"), st["Quote"])
    if kind == "evidence":
        return Paragraph(_xml(text), st["Bullet"], bulletText="•")
    return Paragraph(_xml(text), st["Meta"])


def _docx_extra(doc: Any, kind: str, text: str) -> None:
    if kind in ("h2", "h3"):
        doc.add_heading(text, level=1 if kind == "h2" else 2)
    elif kind == "item":
        doc.add_paragraph(text).runs[0].bold = True
    elif kind == "quote":
        doc.add_paragraph(f"“{text}”", style="Quote")
    elif kind == "evidence":
        doc.add_paragraph(text, style="List Bullet")
    else:
        doc.add_paragraph(text)
