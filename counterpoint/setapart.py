"""What ingest set apart in each document, and why: `counterpoint inspect` and the Corpus tab.

Page furniture (running headers and footers, page numbers, covers, tables of contents, content
indexes, chart residue, web-page navigation and related lists) stays in the index for the
evidence viewer's context but is never retrieved, quoted, or read by the matrix. A user who
disagrees keeps a block with the manifest's `keep` option (its kind, or its first words).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from counterpoint.errors import InputError

if TYPE_CHECKING:
    from counterpoint.store import ChunkStore

FIRST_WORDS = 12


class SetApartBlock(BaseModel):
    """One block of furniture: its kind, page and first words."""

    kind: str
    page: int | None
    first_words: str
    chunk_id: str


class DocumentLayout(BaseModel):
    """A document's passages of its own text, its reader comments, and what was set apart."""

    doc_id: str
    title: str
    side: str
    passages: int
    comments: int
    set_apart: list[SetApartBlock]

    def kinds(self) -> Counter[str]:
        """How many blocks of each kind were set apart."""
        return Counter(block.kind for block in self.set_apart)


def layouts(
    store: ChunkStore, documents: dict[str, dict[str, Any]], doc_id: str | None = None
) -> list[DocumentLayout]:
    """Every document's layout (or one's), in the order of `documents`
    (`ChunkStore.documents()`); an unknown `doc_id` is an `InputError`."""
    if doc_id is not None and doc_id not in documents:
        known = ", ".join(sorted(documents)) or "none"
        raise InputError(f"no document '{doc_id}' in this case (known: {known})")
    blocks: dict[str, list[SetApartBlock]] = {}
    furniture = store.nodes(furniture=True, doc_id=doc_id)
    for node in sorted(furniture, key=lambda n: int(n.metadata.get("position", 0))):
        meta = node.metadata
        first = " ".join(node.get_content().split()[:FIRST_WORDS])
        blocks.setdefault(str(meta.get("doc_id")), []).append(
            SetApartBlock(
                kind=str(meta.get("furniture") or "set apart"),
                page=meta.get("page"),
                first_words=first,
                chunk_id=node.node_id,
            )
        )
    return [
        DocumentLayout(
            doc_id=name,
            title=str(meta.get("title", name)),
            side=str(meta.get("side", "")),
            passages=int(meta.get("chunks", 0)) - int(meta.get("set_apart", 0)),
            comments=int(meta.get("comments", 0)),
            set_apart=blocks.get(name, []),
        )
        for name, meta in documents.items()
        if doc_id is None or name == doc_id
    ]


def render(found: list[DocumentLayout]) -> str:
    """The layouts as lines for the terminal: one head per document, one line per block."""
    lines = []
    for layout in found:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(layout.kinds().items()))
        lines.append(
            f"{layout.doc_id} · {layout.side} · {layout.title}: {layout.passages} passages"
            + (f", {layout.comments} of them reader comments" if layout.comments else "")
            + (f"; set apart: {kinds}" if kinds else "; nothing set apart")
        )
        for block in layout.set_apart:
            page = f"p. {block.page}" if block.page is not None else "no page"
            lines.append(f"  {block.kind} · {page} · {block.first_words}")
    return "\n".join(lines)
