"""Hybrid retrieval, balanced per side.

For each side separately, a dense ranking (Chroma) and a BM25 ranking (over that side's chunks
only) are fused by reciprocal rank. Ranking each side on its own is the point: in one pooled
ranking the long ESG report drowns the short article.

Both sides' dense candidates come from one unfiltered Chroma query, split by side: Chroma's
metadata filter is what made a query slow at 100k chunks (bench/RESULTS.md). A side that holds
fewer than `candidates` of the shared results gets its own filtered query. Whenever a side does
hold that many, they are its nearest chunks, in the same order a filtered query gives. The
query asks for ids only and the chunks come from the BM25 corpora already in memory: fetching
400 chunks' metadata from Chroma costs ten times the search.

The fusion, and the joining of neighbouring chunks into one passage, are `counterpoint.fusion`;
a side's BM25 and its chunks by id, `counterpoint.sideindex`. An optional cross-encoder
(`counterpoint.rerank`) re-orders each side's fused candidates before the best `k` are taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from counterpoint.config import SIDES
from counterpoint.errors import InputError
from counterpoint.fusion import distinct, fuse, hit_passage, merge_neighbours, with_what_follows
from counterpoint.models import Passage
from counterpoint.sideindex import SideIndex, save_bm25
from counterpoint.store import TEXT_ONLY

if TYPE_CHECKING:
    from pathlib import Path

    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import BaseNode, NodeWithScore, QueryBundle

    from counterpoint.rerank import Reranker
    from counterpoint.store import ChunkStore

CANDIDATES_PER_RETRIEVER = 25  # per retriever: what the fused ranking's head is made of
# For a long list (`--k 50`), each retriever's ranking is read this deep (at most), and what it
# adds comes after the head: a search for 50 passages gets 50, and the first ones stay the same.
DEEPEST = 100
# BM25's best hit leads the fusion when it outscores BM25's second by this factor: an exact
# match on a rare term (a reference code, a figure) that rank fusion alone would bury under
# chunks that are merely near the question (bench/RESULTS.md, "decisive lexical match").
DECISIVE_BM25 = 3.0
DECISIVE_LEAD = 4  # at most this many decisive hits (a figure quoted on a few pages)
MERGE_CHUNKS = 2  # chunks in one passage at most (3 and more: no better, bench/RESULTS.md)
# One unfiltered query's results, split by side: a side with 25 of the 400 (over 6% of the
# chunks) needs no filtered query; ids only, 400 cost about 4 ms more than 200 at 100k chunks.
SHARED_DENSE_RESULTS = 400


@dataclass
class HybridRetriever:
    """Dense + BM25 per side over one store. Build once, reuse for every question."""

    store: ChunkStore
    embedder: BaseEmbedding
    candidates: int = CANDIDATES_PER_RETRIEVER
    methods: tuple[str, ...] = ("dense", "bm25")  # one alone only to measure the fusion's gain
    shared_results: int = SHARED_DENSE_RESULTS
    merge_chunks: int = MERGE_CHUNKS  # at most this many neighbouring chunks make one passage
    reranker: Reranker | None = None  # a cross-encoder re-ordering each side's fused candidates
    _sides: dict[str, SideIndex] = field(default_factory=dict, init=False)
    _set_apart: set[str] = field(default_factory=set, init=False)  # furniture ids seen

    def refresh(self) -> None:
        """Forget the BM25 indexes so the next query sees newly ingested chunks."""
        self._sides.clear()
        self._set_apart.clear()

    def retrieve(
        self,
        question: str,
        k: int,
        side: str | None = None,
        query_vector: list[float] | None = None,
    ) -> dict[str, list[Passage]]:
        """The best `k` passages of each side (or of `side` alone), ranked within the side.
        `query_vector`: the question's embedding when the caller has it already (a batch)."""
        from llama_index.core.schema import QueryBundle

        sides = [check_side(side)] if side else list(SIDES)
        # One query embedding serves both sides' dense rankings.
        vector = query_vector or self.embedder.get_query_embedding(question)
        bundle = QueryBundle(question, embedding=vector)
        pool = min(max(self.candidates, 2 * k), DEEPEST)
        dense = self.dense(bundle, sides, pool) if "dense" in self.methods else {}
        found = {}
        for name in sides:
            lexical = []
            if "bm25" in self.methods and (bm25 := self._side(name).bm25) is not None:
                lexical = bm25.retrieve(bundle)[:pool]
            fused = self.fused(dense.get(name, []), lexical)
            if self.reranker is not None:
                fused = self.reranker.rerank(question, fused)
            fused = with_what_follows(fused, self._side(name))
            found[name] = distinct(
                merge_neighbours(fused, len(fused), self.merge_chunks)
                if self.merge_chunks > 1
                else [hit_passage(hit, 0) for hit in fused]
            )[:k]
        return found

    def fused(
        self, dense: list[NodeWithScore], lexical: list[NodeWithScore]
    ) -> list[NodeWithScore]:
        """One side's fused ranking: the head fused from each ranking's first `candidates`
        (led by BM25's decisive hits), then what the deeper rankings add. A BM25 hit that
        shares no word with the question (score 0) is no evidence of anything: left out."""
        matched = [hit for hit in lexical if (hit.score or 0.0) > 0]
        rankings = [r for r in (dense, matched) if r]
        head = fuse([ranking[: self.candidates] for ranking in rankings])
        head = lead_with_decisive(head, lexical[: self.candidates])
        seen = {hit.node.node_id for hit in head}
        return head + [hit for hit in fuse(rankings) if hit.node.node_id not in seen]

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

    def dense(
        self, bundle: QueryBundle, sides: list[str], count: int | None = None
    ) -> dict[str, list[NodeWithScore]]:
        """Each side's `count` (default `candidates`) nearest chunks of the documents' own
        text: from one shared query where it holds enough of them, else from a query filtered
        on the side. Page furniture is dropped from the shared results."""
        from llama_index.core.schema import NodeWithScore

        count = count or self.candidates
        shared = self.store.nearest(bundle.embedding, self.shared_results)
        complete = len(shared) < self.shared_results  # the shared query returned every chunk
        side_of = self._sides_of([chunk_id for chunk_id, _ in shared])
        found = {}
        for side in sides:
            mine = [(i, distance) for i, distance in shared if side_of.get(i) == side]
            if len(mine) < count and not complete:
                where = {"$and": [{"side": side}, TEXT_ONLY]}
                mine = self.store.nearest(bundle.embedding, count, where)
            mine = mine[:count]
            chunks = self._chunks([chunk_id for chunk_id, _ in mine])
            found[side] = [
                NodeWithScore(node=chunks[i], score=1.0 - distance)
                for i, distance in mine
                if i in chunks
            ]
        return found

    def _sides_of(self, ids: list[str]) -> dict[str, str]:
        """chunk id -> side, from the ids the sides' BM25 corpora hold, else from the store;
        page furniture (known once seen, until `refresh`) gets no side."""
        sides = {}
        for side in SIDES:
            positions = self._side(side).positions
            sides.update((chunk_id, side) for chunk_id in ids if chunk_id in positions)
        unknown = [i for i in ids if i not in sides and i not in self._set_apart]
        for node in self.store.nodes_by_id(unknown):
            if node.metadata.get("set_apart"):
                self._set_apart.add(node.node_id)
            else:
                sides[node.node_id] = _side_of(node)
        return sides

    def _chunks(self, ids: list[str]) -> dict[str, BaseNode]:
        """The chunks of these ids: from the sides' BM25 corpora, which hold every chunk known
        when they were loaded, else (written since by another process) from the store."""
        known = {}
        for side in SIDES:
            known.update(self._side(side).nodes(ids))
        unknown = [i for i in ids if i not in known]
        known.update((node.node_id, node) for node in self.store.nodes_by_id(unknown))
        return known

    def _side(self, side: str) -> SideIndex:
        # Read once: another thread's refresh() may clear the cache between check and use.
        index = self._sides.get(side)
        if index is None:
            index = self._sides[side] = SideIndex(self._bm25(side))
        return index

    def _bm25(self, side: str) -> BaseRetriever | None:
        """BM25 over the side's chunks, saved in the case's folder and reloaded while they last.

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
        top = min(DEEPEST, len(nodes))
        retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=top)
        if folder is not None:
            save_bm25(retriever, folder)
        return retriever

    def _bm25_folder(self, side: str) -> Path | None:
        """Where this side's BM25 is saved; None when the store cannot list the side's ids."""
        import hashlib
        from pathlib import Path

        try:
            ids = self.store.ids(side)
        except Exception:  # noqa: BLE001 - reading the chunks next reports store failures
            return None
        if not ids:
            return None
        key = hashlib.sha256("\n".join([*sorted(ids), str(DEEPEST)]).encode())
        return Path(self.store.settings.case_dir) / "bm25" / f"{side}-{key.hexdigest()[:24]}"


def _side_of(node: BaseNode) -> str:
    return str(node.metadata.get("side", ""))


def check_side(side: str) -> str:
    """Validate a side name given by the user."""
    if side not in SIDES:
        raise InputError(f"unknown side '{side}': use one of {', '.join(SIDES)}")
    return side


def lead_with_decisive(
    fused: list[NodeWithScore], lexical: list[NodeWithScore]
) -> list[NodeWithScore]:
    """`fused` led by BM25's decisive hits: the first (at most `DECISIVE_LEAD`) that each
    outscore every hit after them by `DECISIVE_BM25` or more, in BM25's order. A hit with no
    score (no word of the question) is never decisive, however little the next one scores."""
    scores = [hit.score or 0.0 for hit in lexical[: DECISIVE_LEAD + 1]]
    cut = next(
        (
            n
            for n in range(1, len(scores))
            if scores[n - 1] > 0 and scores[n - 1] >= DECISIVE_BM25 * scores[n]
        ),
        0,
    )
    if not cut:
        return fused
    lead = [hit.node.node_id for hit in lexical[:cut]]
    return sorted(
        fused, key=lambda hit: lead.index(hit.node.node_id) if hit.node.node_id in lead else cut
    )
