"""Rankings into passages: reciprocal-rank fusion, and neighbouring chunks read as one passage.

A chunk ranked right after its neighbour in the document joins the neighbour's passage: the
reader sees continuous text, the overlap once (`Passage.chunk_ids` lists the chunks, and a
citation points to the stored chunk that holds its quote). `node_passage` turns any stored
chunk into a `Passage`, for retrieval, the claims matrix and the timeline alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from counterpoint.models import Passage

if TYPE_CHECKING:
    from llama_index.core.schema import BaseNode, NodeWithScore

RRF_K = 60.0  # the constant of reciprocal-rank fusion (Cormack et al.; llama-index's too)
MAX_GAP = 2  # characters between neighbouring chunks that do not overlap (a paragraph break)


def hit_passage(hit: NodeWithScore, rank: int) -> Passage:
    """A fused hit as a one-chunk `Passage`; a score of 1.0 means ranked first by both."""
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
        voice=str(meta.get("voice") or ""),
        context=str(meta.get("context") or ""),
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
        return hit_passage(run.hits[0], 0)
    best = hit_passage(max(run.hits, key=lambda hit: hit.score or 0.0), 0)
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


# --- near-duplicate passages -------------------------------------------------------------------

SHINGLE = 5  # words per shingle
DUPLICATE_SHARE = 0.8  # a passage this much of whose text a better one holds is a duplicate


def distinct(passages: list[Passage]) -> list[Passage]:
    """The passages without those most of whose text (by 5-word shingles) a better-ranked
    passage already holds: a page repeated in an appendix, a certification signed twice, the
    same paragraph in two documents. Order kept."""
    kept: list[Passage] = []
    seen: set[tuple[str, ...]] = set()
    for passage in passages:
        shingles = _shingles(passage.text)
        if shingles and len(shingles & seen) >= DUPLICATE_SHARE * len(shingles):
            continue
        kept.append(passage)
        seen |= shingles
    return kept


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split()]
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[n : n + SHINGLE]) for n in range(len(words) - SHINGLE + 1)}


# --- what a chunk introduces -------------------------------------------------------------------


class _Following(Protocol):
    def following(self, node: BaseNode) -> BaseNode | None: ...


def with_what_follows(fused: list[NodeWithScore], side: _Following) -> list[NodeWithScore]:
    """The ranking with each chunk that ends introducing what follows ("Hikvision
    responded:") followed by the next chunk of its document, at its score: a reply or a list
    split from its introduction is found with it. Written by hand: no retriever reads it."""
    from llama_index.core.schema import NodeWithScore

    out: dict[str, NodeWithScore] = {}  # first place wins; insertion order is the ranking
    for hit in fused:
        out.setdefault(hit.node.node_id, hit)
        if hit.node.get_content().rstrip().endswith(":"):
            after = side.following(hit.node)
            if after is not None:
                out.setdefault(after.node_id, NodeWithScore(node=after, score=hit.score))
    return list(out.values())
