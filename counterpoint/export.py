"""The conversation as a due-diligence brief: Markdown, PDF (reportlab) or DOCX (python-docx).

A brief holds every answer as it was given, every quote with its document, page and side, and
the sources with the SHA-256 of their files and the date of the export, so a reader can check
each quote against the very file it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from counterpoint.evidence import file_sha256, source_file
from counterpoint.export_blocks import (
    SIDE_COLOURS,
    SIDE_LABELS,
    Block,
    answer_blocks,
    citation_line,
    extra_blocks,
    inline_runs,
    matrix_blocks,
    side_heading,
    source_line,
    timeline_blocks,
)
from counterpoint.export_docx import to_docx
from counterpoint.export_pdf import to_pdf
from counterpoint.models import Answer, Citation

if TYPE_CHECKING:
    from counterpoint.config import Settings
    from counterpoint.matrix.models import Matrix, Timeline

# The writers and block helpers live in their own modules; these names stay importable from here.
__all__ = [
    "SIDE_COLOURS",
    "SIDE_LABELS",
    "Brief",
    "Source",
    "answer_blocks",
    "citation_line",
    "extra_blocks",
    "inline_runs",
    "make_brief",
    "matrix_blocks",
    "side_heading",
    "source_line",
    "timeline_blocks",
    "to_docx",
    "to_markdown",
    "to_pdf",
]


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
