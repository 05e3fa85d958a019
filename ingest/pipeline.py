"""The ingest step: manifest or file -> load -> clean -> chunk -> embed -> Chroma.

Incremental and idempotent: each document's chunks carry a hash of its bytes, its manifest
entry and the chunking settings, and how many chunks that version has. An unchanged document is
skipped; a changed one gets its new chunks written before its old ones are deleted (so a reader
never sees it missing); a document gone from the manifest is deleted.

Atomic per document: a document's chunks are embedded EMBED_BATCH at a time and written in
requests of WRITE_BATCH, each batch made into nodes only then and let go once written (a
book-sized text never holds all its nodes or vectors at once), and a document counts as
unchanged only when every chunk of its version is there and no other version is. So an ingest
killed at any point is repaired by running it again, with the same chunk ids an uninterrupted
run writes. A file whose bytes are already indexed under another id is refused.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from counterpoint.config import Side
from counterpoint.embedding import count_word_pieces
from counterpoint.errors import IngestError
from ingest.chunking import assemble_text, chunk_document
from ingest.cleaning import clean_text
from ingest.identity import (
    PIPELINE_VERSION,  # noqa: F401 - the matrix cache reads it here
    check_takeovers,
    document_hash,
    is_complete,
    loose_id,
    read_file,
)
from ingest.loaders import check_file, load_pages
from ingest.manifest import DocumentEntry, Manifest
from ingest.nodes import chunk_node
from ingest.removals import check_removals

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.schema import TextNode

    from counterpoint.store import ChunkStore
    from ingest.chunking import Chunk

EMBED_BATCH = 32  # texts per call of the embedder
WRITE_BATCH = 2048  # chunks embedded, then written, at a time (every report fits in one)
Done = Callable[[Path, "str | None"], None]  # a document handled: its file, why it was refused
Step = Callable[[str, float], None]  # what one document's ingest is doing, and how far (0-1)


@dataclass
class IngestReport:
    """What an ingest run did: per-document outcome and totals."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    previous: dict | None = None  # a loose file's older version: its first chunk's metadata
    replaced: dict[str, dict] = field(default_factory=dict)  # loose documents a manifest took

    def merge(self, other: IngestReport) -> None:
        """Add another run's outcome to this one (a rebuild's kept sources)."""
        for name in ("added", "updated", "unchanged", "removed"):
            getattr(self, name).extend(getattr(other, name))
        self.replaced.update(other.replaced)
        self.chunks_written += other.chunks_written
        self.chunks_total = other.chunks_total

    def summary(self) -> str:
        """One line for the terminal."""
        docs = len(self.added) + len(self.updated) + len(self.unchanged)
        return (
            f"{docs} documents ({len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed); "
            f"{self.chunks_written} chunks embedded, {self.chunks_total} in the index; "
            f"{self.seconds:.1f} s"
        )


@dataclass
class _Known:
    """What the index holds, read once per run and kept current as documents are written."""

    versions: dict[str, dict[str, tuple[int, int]]]  # doc_id -> {doc_hash: (stored, expected)}
    twins: dict[str, tuple[str, str]]  # content hash of the bytes -> (doc_id, title)


@dataclass
class Ingestor:
    """Writes documents into one store with one embedder and one chunking setting."""

    store: ChunkStore
    embedder: BaseEmbedding
    chunk_tokens: int
    chunk_overlap: int
    progress: bool = True
    on_step: Step | None = None  # the page's progress bar for an upload

    def _step(self, doing: str, done: float) -> None:
        if self.on_step is not None:
            self.on_step(doing, done)

    def ingest_manifest(
        self,
        manifest: Manifest,
        prune: bool = False,
        done: Done | None = None,
        replace: bool = False,
    ) -> IngestReport:
        """Bring the index in line with the manifest: add, update, skip, delete. A manifest
        that would remove every document it indexed, or more than half, is refused unless
        `prune` (an emptied or misspelled corpus.toml must not wipe the index); one whose entry
        takes the id of a loose file or an upload, unless `replace`. With `done`, each document
        is passed to it once handled, with the reason if it was refused, and a refused
        document no longer stops the run (a portfolio ingest)."""
        started = time.perf_counter()
        report = IngestReport()
        documents = self.store.documents()
        report.replaced = check_takeovers(manifest, documents, replace)
        # Documents about to leave the manifest are no originals: a renamed entry is no copy.
        leaving = check_removals(manifest, documents, prune)
        known = self._known({d: m for d, m in documents.items() if d not in leaving})
        for entry in manifest.documents:
            path = manifest.resolve(entry)
            try:
                self._ingest_one(entry, path, "", known, report)
            except IngestError as exc:
                if done is None:
                    raise
                done(path, str(exc))
                continue
            if done is not None:
                done(path, None)
        for doc_id in sorted(leaving):
            self.store.delete_document(doc_id)
            report.removed.append(doc_id)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        return report

    def ingest_file(
        self,
        path: Path,
        side: Side,
        title: str | None = None,
        key: str | None = None,
        replace: bool = False,
        doc_id: str | None = None,
    ) -> IngestReport:
        """Add one file that is not in the manifest, titled from its text unless given.

        `key` is its identity (`ingest.identity`): its absolute path unless given (an upload's
        name); a file that would take another document's place is refused unless `replace`.
        `doc_id`: the id it had (a kept source indexed again), instead of one from its name.
        """
        started = time.perf_counter()
        check_file(path)
        key = key or str(path.resolve())
        content = hashlib.sha256(read_file(path)).hexdigest()
        documents = self.store.documents()
        doc_id = doc_id or loose_id(path, key, side, content, documents, replace)
        entry = DocumentEntry(id=doc_id, title=title or "", side=side, path=path)
        report = IngestReport(previous=documents.get(doc_id))
        self._ingest_one(entry, path, key, self._known(documents), report)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        return report

    def _known(self, documents: dict[str, dict]) -> _Known:
        twins = {
            str(meta["content_hash"]): (doc_id, str(meta.get("title", doc_id)))
            for doc_id, meta in documents.items()
            if meta.get("content_hash")
        }
        return _Known(self.store.versions(), twins)

    def _ingest_one(
        self, entry: DocumentEntry, path: Path, source: str, known: _Known, report: IngestReport
    ) -> None:
        """Index one document; `source` is a loose file's identity, empty for the manifest's."""
        check_file(path)  # size first: an over-large file is refused before it is read
        data = read_file(path)
        digest = document_hash(entry, data, self.chunk_tokens, self.chunk_overlap)
        if is_complete(known.versions.get(entry.id, {}), digest):
            report.unchanged.append(entry.id)
            return
        content = hashlib.sha256(data).hexdigest()
        twin_id, twin_title = known.twins.get(content, (entry.id, ""))
        if twin_id != entry.id:
            raise IngestError(
                f"{path.name} is already in the index as '{twin_title}' (id {twin_id}); "
                "nothing was added"
            )
        origin = "file" if source else "manifest"
        described, chunks = self._chunked(entry, path, digest, origin, content, source)
        count, title = len(chunks), str(described["title"])
        self._embed_and_write(described, chunks, entry.id)  # empties `chunks` as it writes them
        self.store.delete_document(entry.id, keep_hash=digest)
        (report.updated if entry.id in known.versions else report.added).append(entry.id)
        known.versions[entry.id] = {digest: (count, count)}
        known.twins[content] = (entry.id, title)
        report.chunks_written += count
        if self.progress:
            from tqdm import tqdm

            tqdm.write(f"indexed {entry.id}: {count} chunks", file=sys.stderr)

    def prepare(
        self,
        entry: DocumentEntry,
        path: Path,
        digest: str,
        origin: str,
        content: str = "",
        source: str = "",
    ) -> list[TextNode]:
        """Load, clean and chunk one document into nodes with deterministic ids."""
        described, chunks = self._chunked(entry, path, digest, origin, content, source)
        return [chunk_node(described, chunk) for chunk in chunks]

    def _chunked(
        self,
        entry: DocumentEntry,
        path: Path,
        digest: str,
        origin: str,
        content: str,
        source: str,
    ) -> tuple[dict, list[Chunk]]:
        """The document's description (every chunk's metadata) and its chunks."""
        self._step(f"reading {path.name}", 0.0)
        pages = load_pages(path, entry.page_breaks)
        self._step(f"cleaning and chunking {len(pages)} pages", 0.05)
        document = assemble_text(pages, clean_text, entry.keep)
        chunks = chunk_document(document, self.chunk_tokens, self.chunk_overlap, count_word_pieces)
        if not chunks:
            raise IngestError(f"{path.name}: no text left to index after cleaning")
        described = {
            "doc_id": entry.id,
            "side": entry.side,
            "title": entry.title or title_from_text(document.text, path),
            "publisher": entry.publisher,
            "date": entry.date,
            "url": entry.url,
            "file": path.name,
            "origin": origin,
            "source": source,
            "doc_hash": digest,
            "content_hash": content,
            "doc_chunks": len(chunks),
        }
        return described, chunks

    def _embed_and_write(self, described: dict, chunks: list[Chunk], doc_id: str) -> None:
        """Make nodes of the chunks, embed and write them, WRITE_BATCH at a time, taking each
        batch out of `chunks` (emptied on return): a report goes to Chroma in one request, and
        a book-sized text never holds all its nodes, its vectors (as Python lists, ten times
        the text's size) or its written chunks. A write cut short is finished by the next
        ingest (a version counts as written only when all its chunks are there)."""
        from tqdm import tqdm

        total = len(chunks)
        with tqdm(total=total, desc=doc_id[:40], unit="chunk", disable=not self.progress) as bar:
            for start in range(0, total, WRITE_BATCH):
                batch = [chunk_node(described, chunk) for chunk in chunks[:WRITE_BATCH]]
                del chunks[:WRITE_BATCH]  # the batch's nodes carry them now: let them go
                self._embed(batch, start, total, bar)
                self._step(f"writing {len(batch)} passages to the index", 0.95)
                self.store.add(batch)

    def _embed(self, batch: list[TextNode], offset: int, total: int, bar) -> None:  # noqa: ANN001
        texts = [node.get_content() for node in batch]
        for start in range(0, len(batch), EMBED_BATCH):
            vectors = self.embedder.get_text_embedding_batch(texts[start : start + EMBED_BATCH])
            for node, vector in zip(batch[start : start + EMBED_BATCH], vectors, strict=True):
                node.embedding = vector
            bar.update(len(vectors))
            done = offset + min(start + EMBED_BATCH, len(batch))
            # Embedding is most of the time: it fills the bar from 10% to 95%.
            self._step(f"embedding: {done} of {total} passages", 0.1 + 0.85 * done / total)


def title_from_text(text: str, path: Path) -> str:
    """The first short line of the text, else the file name."""
    for line in text.splitlines():
        line = line.strip()
        if 3 <= len(line) <= 150:
            return line
    return path.stem
