"""For `counterpoint.retrieval`: a side's BM25 index with its chunks by id, and the saved copy
of a BM25 index, written aside and renamed so no reader sees half of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import BaseNode


class SideIndex:
    """A side's BM25 and its chunks by id. BM25 holds every chunk of the side, so the dense
    ranking's ids are told apart by side and made into nodes without asking Chroma again."""

    def __init__(self, bm25: BaseRetriever | None) -> None:
        self.bm25 = bm25
        self.corpus: list[dict] = bm25.corpus if bm25 is not None else []
        self.positions = {chunk["node_id"]: at for at, chunk in enumerate(self.corpus)}
        self.by_place = {(c["doc_hash"], c.get("position")): c["node_id"] for c in self.corpus}

    def following(self, node: BaseNode) -> BaseNode | None:
        """The chunk that follows this one in its document, if it is this side's text."""
        place = (node.metadata.get("doc_hash"), int(node.metadata.get("position", -2)) + 1)
        next_id = self.by_place.get(place)
        return self.nodes([next_id]).get(next_id) if next_id else None

    def nodes(self, ids: list[str]) -> dict[str, BaseNode]:
        """The nodes of those ids that are this side's chunks."""
        from llama_index.core.vector_stores.utils import metadata_dict_to_node

        return {
            chunk_id: metadata_dict_to_node(self.corpus[self.positions[chunk_id]])
            for chunk_id in ids
            if chunk_id in self.positions
        }


def save_bm25(retriever: BaseRetriever, folder: Path) -> None:
    """Write aside, then rename, so a reader never sees half a copy; older copies of the side go."""
    import os
    import shutil

    partial = folder.with_name(f".{folder.name}.{os.getpid()}")
    try:
        retriever.persist(str(partial), show_progress=False, raise_on_serialization_error=True)
        partial.rename(folder)
    except (OSError, TypeError, ValueError):  # read-only folder, or another process was first
        shutil.rmtree(partial, ignore_errors=True)
        return
    side = folder.name.split("-")[0]
    for stale in folder.parent.glob(f"{side}-*"):
        if stale != folder:
            shutil.rmtree(stale, ignore_errors=True)
