"""Writes that keep the index and the kept sources in step: adding a loose file or an upload,
removing a document, and giving a rebuilt index back its documents from outside the manifest."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from counterpoint.config import Side
from counterpoint.errors import IngestError
from ingest.identity import describe_source, document_hash, origin
from ingest.manifest import DocumentEntry
from ingest.sources import FILES, UPLOADS, KeptSource, forget, keep, load_sources

if TYPE_CHECKING:
    from counterpoint.store import ChunkStore
    from ingest.pipeline import Ingestor, IngestReport


def add_file(
    ingestor: Ingestor,
    data_dir: Path,
    path: Path,
    side: Side,
    title: str | None = None,
    key: str | None = None,
    replace: bool = False,
) -> IngestReport:
    """Index a loose file or an upload (`key`: `upload:<name>`) and keep its source. The
    registry of kept sources is read first: when it is damaged nothing is indexed, for a
    document indexed without its source kept would be lost to the next rebuild."""
    load_sources(data_dir)
    report = ingestor.ingest_file(path, side, title, key, replace)
    [doc_id] = report.added + report.updated + report.unchanged
    source = KeptSource(
        doc_id=doc_id,
        side=side,
        title=title or "",
        key=key or str(path.resolve()),
        kept="",
        content_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    keep(data_dir, source, path, report.previous)
    return report


def remove_document(store: ChunkStore, data_dir: Path, doc_id: str) -> None:
    """Delete a document's chunks and, for one added outside the manifest, its kept source."""
    meta = store.documents().get(doc_id)
    store.delete_document(doc_id)
    forget(data_dir, doc_id, meta)


def unkept(documents: dict[str, dict], data_dir: Path) -> dict[str, dict]:
    """The documents added outside the manifest whose source is not kept: a rebuild would lose
    them. Uploads made before sources were recorded are found where the page saved them."""
    sources = load_sources(data_dir)
    lost = {}
    for doc_id, meta in documents.items():
        if origin(meta) != "file" or doc_id in sources and sources[doc_id].path(data_dir).is_file():
            continue
        saved = data_dir / UPLOADS / str(meta.get("content_hash", ""))[:16] / str(meta["file"])
        if saved.is_file():
            adopted = KeptSource(
                doc_id=doc_id,
                side=meta["side"],
                title="",  # unknown: taken from the text again, which is what most uploads had
                key=str(meta.get("source") or f"upload:{meta['file']}"),
                kept=saved.relative_to(data_dir).as_posix(),
                content_hash=str(meta["content_hash"]),
            )
            keep(data_dir, adopted, saved)
        else:
            lost[doc_id] = meta
    return lost


def check_rebuild(documents: dict[str, dict], data_dir: Path, prune: bool) -> None:
    """Refuse a rebuild that would drop documents whose files are not kept, unless `prune`."""
    lost = unkept(documents, data_dir)
    if lost and not prune:
        named = "; ".join(f"{d} ({describe_source(m)})" for d, m in sorted(lost.items())[:5])
        raise IngestError(
            f"--rebuild would drop {len(lost)} document(s) added outside corpus.toml whose "
            f"files are not kept: {named}; nothing was changed. Give --prune to drop them, "
            "or ingest them again after the rebuild"
        )


def restore(ingestor: Ingestor, data_dir: Path, report: IngestReport) -> list[str]:
    """Index every kept source again (after a rebuild); returns the ids whose copy is gone."""
    missing = []
    for doc_id, source in sorted(load_sources(data_dir).items()):
        path = source.path(data_dir)
        if not path.is_file():
            missing.append(doc_id)
            continue
        done = ingestor.ingest_file(
            path, source.side, source.title or None, source.key, doc_id=doc_id
        )
        report.merge(done)
    return missing


def recover_sources(
    documents: dict[str, dict], data_dir: Path, chunk_tokens: int, chunk_overlap: int
) -> tuple[dict[str, KeptSource], list[str]]:
    """The registry of kept sources made again (a damaged `sources.json`) from what the index
    holds of the documents added outside the manifest and the copies kept of them; and the
    ids of those whose copy is gone."""
    sources, missing = {}, []
    for doc_id, meta in sorted(documents.items()):
        if origin(meta) != "file":
            continue
        if (copy := _kept_copy(data_dir, meta)) is None:
            missing.append(doc_id)
            continue
        entry = DocumentEntry(id=doc_id, title="", side=meta["side"], path=copy)
        untitled = document_hash(entry, copy.read_bytes(), chunk_tokens, chunk_overlap)
        sources[doc_id] = KeptSource(
            doc_id=doc_id,
            side=meta["side"],
            # The title the user gave, unless the chunks were made without one (from the text).
            title="" if untitled == meta.get("doc_hash") else str(meta.get("title", "")),
            key=str(meta.get("source") or f"upload:{meta['file']}"),
            kept=copy.relative_to(data_dir).as_posix(),
            content_hash=str(meta["content_hash"]),
        )
    return sources, missing


def _kept_copy(data_dir: Path, meta: dict) -> Path | None:
    """Where a document's file is kept (`files/` or `uploads/`, under its hash), if it is."""
    name, digest = str(meta.get("file", "")), str(meta.get("content_hash", ""))
    for part in (UPLOADS, FILES):
        path = data_dir / part / digest[:16] / name
        if name and path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            return path
    return None
