"""A chunk as a llama-index node: its text, its metadata, a deterministic id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.chunking import Chunk

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode


def chunk_node(described: dict, chunk: Chunk) -> TextNode:
    """A chunk as the node the index stores: the document's description, the chunk's place,
    what it is (furniture, a reader's comment) and a deterministic id."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    metadata = {
        **described,
        "position": chunk.position,
        "section": chunk.section,
        "start_char": chunk.start,
        "end_char": chunk.end,
        # Furniture stays in the index for the evidence viewer's context, never for retrieval:
        # `set_apart` is a boolean so that chunks written before it (no key) read as text.
        "set_apart": bool(chunk.furniture),
        "furniture": chunk.furniture,
        "voice": chunk.voice,
    }
    if chunk.page is not None:
        metadata["page"] = chunk.page
        metadata["page_end"] = chunk.page_end or chunk.page
    if chunk.context:
        metadata["context"] = chunk.context
    # The vector and BM25 see the passage alone (its heading and table header embedded with it
    # ranked worse: bench/RESULTS.md, "Chunk boundaries"); metadata is for display and filters.
    hidden = list(metadata)
    return TextNode(
        id_=f"{described['doc_hash'][:16]}-{chunk.position:04d}",
        text=chunk.text,
        metadata=metadata,
        # llama-index writes the source's id into Chroma as `doc_id`: it must be ours.
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=described["doc_id"])},
        excluded_embed_metadata_keys=hidden,
        excluded_llm_metadata_keys=list(metadata),
    )
