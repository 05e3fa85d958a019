"""The ingest step: manifest or file -> load -> clean -> chunk -> embed -> Chroma.

Incremental and idempotent: each document's chunks carry a hash of its bytes, its manifest
entry and the chunking settings. An unchanged document is skipped; a changed one gets its new
chunks written before its old ones are deleted (so a reader never sees it missing); a document
gone from the manifest is deleted.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from counterpoint.config import Side
from counterpoint.embedding import count_word_pieces
from counterpoint.errors import IngestError
from ingest.chunking import Chunk, assemble_text, chunk_document
from ingest.cleaning import clean_text
from ingest.loaders import load_pages
from ingest.manifest import DocumentEntry, Manifest

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.schema import TextNode

    from counterpoint.store import ChunkStore

# Bump when cleaning or chunking changes output, so every document is re-chunked once.
PIPELINE_VERSION = "1"


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
class Ingestor:
    """Writes documents into one store with one embedder and one chunking setting."""

    store: ChunkStore
    embedder: BaseEmbedding
    chunk_tokens: int
    chunk_overlap: int
    progress: bool = True

    def ingest_manifest(self, manifest: Manifest) -> IngestReport:
        """Bring the index in line with the manifest: add, update, skip, delete."""
        started = time.perf_counter()
        report = IngestReport()
        stored = self.store.document_hashes()
        for entry in manifest.documents:
            self._ingest_one(entry, manifest.resolve(entry), "manifest", stored, report)
        listed = {entry.id for entry in manifest.documents}
        for doc_id, origin in self._origins().items():
            if origin == "manifest" and doc_id not in listed:
                self.store.delete_document(doc_id)
                report.removed.append(doc_id)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        return report

    def ingest_file(self, path: Path, side: Side, title: str | None = None) -> IngestReport:
        """Add one file that is not in the manifest, titled from its text unless given."""
        started = time.perf_counter()
        entry = DocumentEntry(id=file_doc_id(path), title=title or "", side=side, path=path)
        report = IngestReport()
        self._ingest_one(entry, path, "file", self.store.document_hashes(), report)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_one(
        self,
        entry: DocumentEntry,
        path: Path,
        origin: str,
        stored: dict[str, set[str]],
        report: IngestReport,
    ) -> None:
        digest = document_hash(entry, path, self.chunk_tokens, self.chunk_overlap)
        if stored.get(entry.id) == {digest}:
            report.unchanged.append(entry.id)
            return
        nodes = self.prepare(entry, path, digest, origin)
        self._embed(nodes, entry.id)
        self.store.add(nodes)
        self.store.delete_document(entry.id, keep_hash=digest)
        (report.updated if entry.id in stored else report.added).append(entry.id)
        report.chunks_written += len(nodes)

    def prepare(self, entry: DocumentEntry, path: Path, digest: str, origin: str) -> list[TextNode]:
        """Load, clean and chunk one document into nodes with deterministic ids."""
        document = assemble_text(load_pages(path, entry.page_breaks), clean_text)
        chunks = chunk_document(document, self.chunk_tokens, self.chunk_overlap, count_word_pieces)
        if not chunks:
            raise IngestError(f"{path.name}: no text left to index after cleaning")
        title = entry.title or title_from_text(document.text, path)
        return [_node(entry, title, digest, origin, path, chunk) for chunk in chunks]

    def _embed(self, nodes: list[TextNode], doc_id: str) -> None:
        from tqdm import tqdm

        batch = 32
        texts = [node.get_content() for node in nodes]
        with tqdm(
            total=len(nodes), desc=doc_id[:40], unit="chunk", disable=not self.progress
        ) as bar:
            for start in range(0, len(nodes), batch):
                vectors = self.embedder.get_text_embedding_batch(texts[start : start + batch])
                for node, vector in zip(nodes[start : start + batch], vectors, strict=True):
                    node.embedding = vector
                bar.update(len(vectors))

    def _origins(self) -> dict[str, str]:
        return {
            doc_id: str(meta.get("origin", "manifest"))
            for doc_id, meta in self.store.documents().items()
        }


def document_hash(entry: DocumentEntry, path: Path, chunk_tokens: int, overlap: int) -> str:
    """Hash of everything a document's chunks depend on: bytes, manifest entry, settings."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    described = entry.model_dump(mode="json", exclude={"path"})
    settings = f"{PIPELINE_VERSION}/{chunk_tokens}/{overlap}"
    header = json.dumps([described, settings], sort_keys=True).encode()
    return hashlib.sha256(header + b"\0" + data).hexdigest()


def file_doc_id(path: Path) -> str:
    """A manifest-style id for a loose file, from its name."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:80]
    return slug or "document"


def title_from_text(text: str, path: Path) -> str:
    """The first short line of the text, else the file name."""
    for line in text.splitlines():
        line = line.strip()
        if 3 <= len(line) <= 150:
            return line
    return path.stem


def _node(
    entry: DocumentEntry, title: str, digest: str, origin: str, path: Path, chunk: Chunk
) -> TextNode:
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    metadata = {
        "doc_id": entry.id,
        "side": entry.side,
        "title": title,
        "publisher": entry.publisher,
        "date": entry.date,
        "url": entry.url,
        "file": path.name,
        "origin": origin,
        "doc_hash": digest,
        "position": chunk.position,
        "section": chunk.section,
        "start_char": chunk.start,
        "end_char": chunk.end,
    }
    if chunk.page is not None:
        metadata["page"] = chunk.page
        metadata["page_end"] = chunk.page_end or chunk.page
    return TextNode(
        id_=f"{digest[:16]}-{chunk.position:04d}",
        text=chunk.text,
        metadata=metadata,
        # llama-index writes the source's id into Chroma as `doc_id`: it must be ours.
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=entry.id)},
        # The vector and BM25 see the passage alone; metadata is for display and filters.
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=list(metadata),
    )
