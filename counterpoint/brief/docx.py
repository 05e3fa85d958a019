"""The due-diligence brief as a Word document (python-docx)."""

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

if TYPE_CHECKING:
    from counterpoint.brief.model import Brief


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
        for kind, value in answer_blocks(answer.answer, [c.quote for c in answer.citations]):
            _docx_block(doc, kind, value)
        if answer.citations:  # an abstention quotes nothing: no heading over nothing
            doc.add_heading("Evidence", level=3)
        for c in answer.citations:
            doc.add_paragraph(citation_line(c)).runs[0].bold = True
            doc.add_paragraph(f"“{c.quote}”", style="Quote")
    for kind, text, _side in extra_blocks(brief):
        _docx_extra(doc, kind, text)
    doc.add_heading("Sources", level=1)
    if not brief.sources:
        doc.add_paragraph(NO_SOURCES)
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
                cell.text = text  # as written: a document's `**` is not ours to strip
    else:
        paragraph = doc.add_paragraph(style="List Bullet" if kind == "bullet" else None)
        for text, bold in inline_runs(value):
            paragraph.add_run(text).bold = bold


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
