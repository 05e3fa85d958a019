"""The due-diligence brief as a PDF (reportlab)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from counterpoint.brief.blocks import (
    NO_SOURCES,
    answer_blocks,
    citation_line,
    extra_blocks,
    inline_runs,
    side_heading,
    source_line,
)
from counterpoint.config import SIDE_COLOURS

if TYPE_CHECKING:
    from counterpoint.brief.model import Brief


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
        quotes = [c.quote for c in answer.citations]
        story += [
            _pdf_block(kind, value, st, width)
            for kind, value in answer_blocks(answer.answer, quotes)
        ]
        if answer.citations:  # an abstention quotes nothing: no heading over nothing
            story.append(Paragraph("Evidence", st["Heading4"]))
        for c in answer.citations:
            colour = SIDE_COLOURS.get("company" if c.quoted_by else c.side, "#444444")
            story.append(
                Paragraph(f'<font color="{colour}">{_xml(citation_line(c))}</font>', st["Small"])
            )
            story.append(Paragraph(_xml(f"“{c.quote}”"), st["Quote"]))
    story += [_pdf_extra(kind, text, side, st) for kind, text, side in extra_blocks(brief)]
    story += [Spacer(1, 8), Paragraph("Sources", st["Heading2"])]
    if not brief.sources:
        story.append(Paragraph(NO_SOURCES, st["Small"]))
    for s in brief.sources:
        digest = s.sha256 or "file not available"
        story.append(Paragraph(f"<b>{_xml(s.doc_id)}</b>: {_xml(source_line(s))}", st["Small"]))
        story.append(Paragraph(f'SHA-256: <font name="Courier">{digest}</font>', st["Hash"]))
    return story


def _pdf_block(kind: str, value: Any, st: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table, TableStyle

    if kind == "heading":
        text, side = side_heading(value)
        colour = SIDE_COLOURS.get(side, SIDE_COLOURS["both"])
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
