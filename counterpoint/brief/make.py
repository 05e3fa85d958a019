"""A brief of the conversation: its answers, and their sources looked up in the index."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from counterpoint.brief.model import Brief, Source
from counterpoint.evidence import file_sha256, source_file
from counterpoint.models import Answer, Citation

if TYPE_CHECKING:
    from counterpoint.config import Settings
    from counterpoint.matrix.models import Matrix, Timeline


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
