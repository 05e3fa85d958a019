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

A chunk ranked right after its neighbour in the document joins the neighbour's passage: the
reader sees continuous text, the overlap once (`Passage.chunk_ids` lists the chunks, and a
citation points to the stored chunk that holds its quote).
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
    from llama_index.core.schema import BaseNode, NodeWithScore, QueryBundle

    from counterpoint.store import ChunkStore

RRF_K = 60.0  # the constant of reciprocal-rank fusion (Cormack et al.; llama-index's too)
CANDIDATES_PER_RETRIEVER = 25  # per retriever; so up to 50 fused, the CLI's --k limit
MERGE_CHUNKS = 2  # chunks in one passage at most (3 and more: no better, bench/RESULTS.md)
MAX_GAP = 2  # characters between neighbouring chunks that do not overlap (a paragraph break)
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
    _sides: dict[str, _SideIndex] = field(default_factory=dict, init=False)

    def refresh(self) -> None:
        """Forget the BM25 indexes so the next query sees newly ingested chunks."""
        self._sides.clear()

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
        dense = self.dense(bundle, sides) if "dense" in self.methods else {}
        found = {}
        for name in sides:
            rankings = [dense[name]] if name in dense else []
            if "bm25" in self.methods and (bm25 := self._side(name).bm25) is not None:
                rankings.append(bm25.retrieve(bundle))
            fused = fuse(rankings)
            found[name] = (
                merge_neighbours(fused, k, self.merge_chunks)
                if self.merge_chunks > 1
                else [_passage(hit, 0) for hit in fused[:k]]
            )
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

    def dense(self, bundle: QueryBundle, sides: list[str]) -> dict[str, list[NodeWithScore]]:
        """Each side's `candidates` nearest chunks: from one shared query where it holds enough
        of them, else from a query filtered on the side."""
        from llama_index.core.schema import NodeWithScore

        shared = self.store.nearest(bundle.embedding, self.shared_results)
        complete = len(shared) < self.shared_results  # the shared query returned every chunk
        side_of = self._sides_of([chunk_id for chunk_id, _ in shared])
        found = {}
        for side in sides:
            mine = [(i, distance) for i, distance in shared if side_of.get(i) == side]
            if len(mine) < self.candidates and not complete:
                mine = self.store.nearest(bundle.embedding, self.candidates, {"side": side})
            mine = mine[: self.candidates]
            chunks = self._chunks([chunk_id for chunk_id, _ in mine])
            found[side] = [
                NodeWithScore(node=chunks[i], score=1.0 - distance)
                for i, distance in mine
                if i in chunks
            ]
        return found

    def _sides_of(self, ids: list[str]) -> dict[str, str]:
        """chunk id -> side, from the ids the sides' BM25 corpora hold, else from the store."""
        sides = {}
        for side in SIDES:
            positions = self._side(side).positions
            sides.update((chunk_id, side) for chunk_id in ids if chunk_id in positions)
        unknown = [chunk_id for chunk_id in ids if chunk_id not in sides]
        sides.update((node.node_id, _side_of(node)) for node in self.store.nodes_by_id(unknown))
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

    def _side(self, side: str) -> _SideIndex:
        # Read once: another thread's refresh() may clear the cache between check and use.
        index = self._sides.get(side)
        if index is None:
            index = self._sides[side] = _SideIndex(self._bm25(side))
        return index

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

        try:
            ids = self.store.ids(side)
        except Exception:  # noqa: BLE001 - reading the chunks next reports store failures
            return None
        if not ids:
            return None
        key = hashlib.sha256("\n".join([*sorted(ids), str(self.candidates)]).encode())
        return Path(self.store.settings.data_dir) / "bm25" / f"{side}-{key.hexdigest()[:24]}"


class _SideIndex:
    """A side's BM25 and its chunks by id. BM25 holds every chunk of the side, so the dense
    ranking's ids are told apart by side and made into nodes without asking Chroma again."""

    def __init__(self, bm25: BaseRetriever | None) -> None:
        self.bm25 = bm25
        self.corpus: list[dict] = bm25.corpus if bm25 is not None else []
        self.positions = {chunk["node_id"]: at for at, chunk in enumerate(self.corpus)}

    def nodes(self, ids: list[str]) -> dict[str, BaseNode]:
        """The nodes of those ids that are this side's chunks."""
        from llama_index.core.vector_stores.utils import metadata_dict_to_node

        return {
            chunk_id: metadata_dict_to_node(self.corpus[self.positions[chunk_id]])
            for chunk_id in ids
            if chunk_id in self.positions
        }


def _side_of(node: BaseNode) -> str:
    return str(node.metadata.get("side", ""))


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
    # A fused score of 1.0 means ranked first by both retrievers.
    best = 2.0 / (RRF_K + 1.0)
    return node_passage(hit.node, rank, round(min((hit.score or 0.0) / best, 1.0), 4))


def node_passage(node: BaseNode, rank: int = 0, score: float = 0.0) -> Passage:
    """A stored chunk as a one-chunk `Passage`, from the metadata the ingest step wrote."""
    meta, text = node.metadata, node.get_content()
    return Passage(
        rank=rank,
        score=score,
        side=str(meta.get("side", "")),
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        page=meta.get("page"),
        page_end=meta.get("page_end"),
        chunk_id=node.node_id,
        text=text,
        chunk_ids=[node.node_id],
        chunk_spans=[(0, len(text))],
        chunk_pages=[meta.get("page")],
        section=str(meta.get("section", "")),
        publisher=str(meta.get("publisher", "")),
        date=str(meta.get("date", "")),
    )


def fuse(rankings: list[list[NodeWithScore]]) -> list[NodeWithScore]:
    """Reciprocal-rank fusion: each chunk scores the sum of 1 / (RRF_K + rank) over the rankings
    (rank from 0), best first; ties keep the order of first appearance.

    The formula of llama-index's `QueryFusionRetriever`, done here because that class runs its
    retrievers itself, one query each: it cannot fuse dense candidates already fetched for both
    sides by one shared query.
    """
    from llama_index.core.schema import NodeWithScore

    scores: dict[str, float] = {}
    nodes = {}
    for ranking in rankings:
        ordered = sorted(ranking, key=lambda hit: hit.score or 0.0, reverse=True)
        for rank, hit in enumerate(ordered):
            nodes[hit.node.node_id] = hit.node
            scores[hit.node.node_id] = scores.get(hit.node.node_id, 0.0) + 1.0 / (rank + RRF_K)
    best = sorted(scores, key=scores.__getitem__, reverse=True)
    return [NodeWithScore(node=nodes[key], score=scores[key]) for key in best]


# --- neighbouring chunks read as one passage ---------------------------------------------------


@dataclass
class _Run:
    """Neighbouring chunks of one document version, in document order, with their best score."""

    hits: list[NodeWithScore]

    @property
    def key(self) -> tuple[str, str]:
        meta = self.hits[0].node.metadata
        return str(meta.get("doc_id", "")), str(meta.get("doc_hash", ""))

    @property
    def start(self) -> int:
        return int(self.hits[0].node.metadata.get("start_char", -1))

    @property
    def end(self) -> int:
        return int(self.hits[-1].node.metadata.get("end_char", -1))


def merge_neighbours(fused: list[NodeWithScore], k: int, most: int) -> list[Passage]:
    """The `k` best passages, where a chunk that is the document neighbour of the chunk ranked
    just before it joins that chunk's passage (up to `most` chunks): the reader gets
    continuous text with the overlap once, and no text moves ahead of text ranked above it.
    Passages are final once the next one starts, so the first k of a longer list are the same.
    """
    runs: list[_Run] = []
    for hit in fused:
        if runs and len(runs[-1].hits) < most and _touches(runs[-1], hit):
            runs[-1].hits = sorted([*runs[-1].hits, hit], key=_start)
        elif len(runs) < k:
            runs.append(_Run([hit]))
        else:
            break
    return [_joined(run) for run in runs]


def _start(hit: NodeWithScore) -> int:
    return int(hit.node.metadata["start_char"])


def _touches(run: _Run, hit: NodeWithScore) -> bool:
    """The chunk overlaps the run or follows/precedes it with at most a line break between."""
    meta = hit.node.metadata
    if "start_char" not in meta or (str(meta.get("doc_id")), str(meta.get("doc_hash"))) != run.key:
        return False
    start, end = int(meta["start_char"]), int(meta["end_char"])
    return start <= run.end + MAX_GAP and end >= run.start - MAX_GAP


def _joined(run: _Run) -> Passage:
    """One passage of the run's chunks: the overlap once, a gap (whitespace the chunker left
    out) as line breaks, so that no sentence runs across two chunks."""
    if len(run.hits) == 1:
        return _passage(run.hits[0], 0)
    best = _passage(max(run.hits, key=lambda hit: hit.score or 0.0), 0)
    text, spans, end = "", [], _start(run.hits[0])
    for hit in run.hits:
        chunk, start = hit.node.get_content(), _start(hit)
        if start < end:  # overlap: the text already ends with the chunk's head
            at = len(text) - (end - start)
            text = text[:at] + chunk
        else:
            at = len(text) + start - end
            text += "\n" * (start - end) + chunk
        spans.append((at, at + len(chunk)))
        end = start + len(chunk)
    head, tail = run.hits[0].node.metadata, run.hits[-1].node.metadata
    return best.model_copy(
        update={
            "text": text,
            "chunk_id": run.hits[0].node.node_id,
            "chunk_ids": [hit.node.node_id for hit in run.hits],
            "chunk_spans": spans,
            "chunk_pages": [hit.node.metadata.get("page") for hit in run.hits],
            "page": head.get("page"),
            "page_end": tail.get("page_end"),
            "section": str(head.get("section", "")),
        }
    )
