"""The optional reranker: a cross-encoder that reads the question and each candidate chunk
together and re-orders a side's fused candidates before the best `k` are taken.

Off by default: none is bundled (no cross-encoder installs from a package), so the offline
default ranks by rank fusion alone. `COUNTERPOINT_RERANKER` names one, a folder or a Hugging
Face id (`counterpoint.hub`); llama-index's `SentenceTransformerRerank` runs it through
sentence-transformers' `CrossEncoder`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from counterpoint.config import Settings, offline_environment
from counterpoint.hub import model_folder, model_identity

if TYPE_CHECKING:
    from llama_index.core.schema import NodeWithScore

# Candidates re-scored per side: every fused candidate the retriever keeps (25 dense + 25 BM25
# at most, the CLI's --k limit); a cross-encoder reads each with the question, so it costs per
# candidate, unlike the fusion.
RERANK_DEPTH = 50


@dataclass
class Reranker:
    """A cross-encoder over (question, chunk) pairs; `name` as the user gave it."""

    name: str
    identity: str
    model: Any  # llama_index.core.postprocessor.SentenceTransformerRerank
    depth: int = RERANK_DEPTH

    def rerank(self, question: str, hits: list[NodeWithScore]) -> list[NodeWithScore]:
        """`hits` in the cross-encoder's order (the first `depth`; the rest after them, as
        they were). Each keeps its fusion score: the order is the reranker's, the score the
        one `counterpoint search` has always shown."""
        from llama_index.core.schema import NodeWithScore

        head, tail = hits[: self.depth], hits[self.depth :]
        if len(head) < 2:
            return hits
        fused = {hit.node.node_id: hit.score for hit in head}
        copies = [NodeWithScore(node=hit.node, score=hit.score) for hit in head]
        ranked = self.model.postprocess_nodes(copies, query_str=question)
        return [NodeWithScore(node=h.node, score=fused[h.node.node_id]) for h in ranked] + tail


def get_reranker(settings: Settings) -> Reranker | None:
    """The configured reranker, loaded once per process; None when none is set."""
    if not settings.reranker:
        return None
    return _load(settings.reranker, settings.allow_downloads)


@lru_cache(maxsize=2)
def _load(name: str, allow_downloads: bool) -> Reranker:
    offline_environment()
    from llama_index.core.postprocessor import SentenceTransformerRerank

    folder = model_folder(name, allow_downloads, "COUNTERPOINT_RERANKER")
    model = SentenceTransformerRerank(
        top_n=RERANK_DEPTH,
        model=str(folder),
        device="cpu",
        trust_remote_code=False,  # a downloaded model's own code never runs
    )
    return Reranker(name, model_identity(name, folder), model)
