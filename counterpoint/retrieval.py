"""Hybrid retrieval, balanced per side.

For each side separately, a dense retriever (Chroma, filtered on the side's metadata) and a BM25
retriever (over that side's chunks only) are fused by reciprocal rank with llama-index's
`QueryFusionRetriever`. Ranking each side on its own is the point: in one pooled ranking the long
ESG report drowns the short article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from counterpoint.config import SIDES
from counterpoint.errors import InputError
from counterpoint.models import Passage

if TYPE_CHECKING:
    from pathlib import Path

    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore

    from counterpoint.store import ChunkStore

RRF_K = 60.0  # the constant llama-index's reciprocal-rank fusion uses
CANDIDATES_PER_RETRIEVER = 25  # per retriever; so up to 50 fused, the CLI's --k limit


@dataclass
class HybridRetriever:
    """Dense + BM25 per side over one store. Build once, reuse for every question."""

    store: ChunkStore
    embedder: BaseEmbedding
    candidates: int = CANDIDATES_PER_RETRIEVER
    methods: tuple[str, ...] = ("dense", "bm25")  # one alone only to measure the fusion's gain
    _fusers: dict[str, BaseRetriever] = field(default_factory=dict, init=False)

    def refresh(self) -> None:
        """Forget the BM25 indexes so the next query sees newly ingested chunks."""
        self._fusers.clear()

    def retrieve(self, question: str, k: int, side: str | None = None) -> dict[str, list[Passage]]:
        """The best `k` passages of each side (or of `side` alone), ranked within the side."""
        from llama_index.core.schema import QueryBundle

        sides = [check_side(side)] if side else list(SIDES)
        # One query embedding serves both sides' dense retrievers.
        bundle = QueryBundle(question, embedding=self.embedder.get_query_embedding(question))
        found = {}
        for name in sides:
            fuser = self._fuser(name)
            found[name] = [_passage(hit, 0) for hit in fuser.retrieve(bundle)[:k]]
        return found

    def search(self, question: str, k: int, side: str | None = None) -> list[Passage]:
        """Passages interleaved side by side (company 1, critic 1, company 2, ...), ranked."""
        per_side = self.retrieve(question, k, side)
        merged: list[Passage] = []
        for position in range(k):
            for name in per_side:
                if position < len(per_side[name]):
                    merged.append(per_side[name][position])
        for rank, passage in enumerate(merged[:k] if side else merged, 1):
            passage.rank = rank
        return merged[:k] if side else merged

    def _fuser(self, side: str) -> BaseRetriever:
        # Read once: another thread's refresh() may clear the cache between check and use.
        fuser = self._fusers.get(side)
        if fuser is None:
            fuser = self._fusers[side] = self._build_fuser(side)
        return fuser

    def _build_fuser(self, side: str) -> BaseRetriever:
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever

        retrievers = [self._dense(side)] if "dense" in self.methods else []
        bm25 = self._bm25(side) if "bm25" in self.methods else None
        retrievers += [bm25] if bm25 else []
        # llm=MockLLM(): with num_queries=1 no query is generated, but the default LLM
        # would otherwise look for an OpenAI key.
        return QueryFusionRetriever(
            retrievers,
            mode="reciprocal_rerank",
            similarity_top_k=2 * self.candidates,  # every fused candidate; callers slice to k
            num_queries=1,
            use_async=False,
            llm=MockLLM(),
        )

    def _bm25(self, side: str) -> BaseRetriever | None:
        """BM25 over the side's chunks, saved in the data folder and reloaded while they last.

        Building it reads every chunk of the side: most of a minute per process start at 100k
        chunks (bench/RESULTS.md). The saved copy is named by a hash of the side's chunk ids,
        which are content hashes, so an ingest that changes the side gets a fresh build.
        """
        from llama_index.retrievers.bm25 import BM25Retriever

        folder = self._bm25_folder(side)
        if folder is not None and folder.is_dir():
            try:
                return BM25Retriever.from_persist_dir(str(folder), show_progress=False)
            except Exception:  # noqa: BLE001 - a damaged copy is rebuilt below
                pass
        nodes = self.store.nodes(side)
        if not nodes:
            return None
        top = min(self.candidates, len(nodes))
        retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=top)
        if folder is not None:
            _save_bm25(retriever, folder)
        return retriever

    def _bm25_folder(self, side: str) -> Path | None:
        """Where this side's BM25 is saved; None when the store cannot list the side's ids."""
        import hashlib
        from pathlib import Path

        try:  # ids only: a fraction of a second even at 100k chunks
            ids = self.store.collection.get(where={"side": side}, include=[])["ids"]
        except Exception:  # noqa: BLE001 - reading the chunks next reports store failures
            return None
        if not ids:
            return None
        key = hashlib.sha256("\n".join([*sorted(ids), str(self.candidates)]).encode())
        return Path(self.store.settings.data_dir) / "bm25" / f"{side}-{key.hexdigest()[:24]}"

    def _dense(self, side: str) -> BaseRetriever:
        from llama_index.core import VectorStoreIndex
        from llama_index.core.vector_stores import MetadataFilter, MetadataFilters

        index = VectorStoreIndex.from_vector_store(
            self.store.vector_store, embed_model=self.embedder
        )
        filters = MetadataFilters(filters=[MetadataFilter(key="side", value=side)])
        return index.as_retriever(similarity_top_k=self.candidates, filters=filters)


def _save_bm25(retriever: BaseRetriever, folder: Path) -> None:
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


def check_side(side: str) -> str:
    """Validate a side name given by the user."""
    if side not in SIDES:
        raise InputError(f"unknown side '{side}': use one of {', '.join(SIDES)}")
    return side


def _passage(hit: NodeWithScore, rank: int) -> Passage:
    meta = hit.node.metadata
    # A fused score of 1.0 means ranked first by both retrievers.
    best = 2.0 / (RRF_K + 1.0)
    return Passage(
        rank=rank,
        score=round(min((hit.score or 0.0) / best, 1.0), 4),
        side=str(meta.get("side", "")),
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        page=meta.get("page"),
        page_end=meta.get("page_end"),
        chunk_id=hit.node.node_id,
        text=hit.node.get_content(),
        section=str(meta.get("section", "")),
        publisher=str(meta.get("publisher", "")),
        date=str(meta.get("date", "")),
    )
