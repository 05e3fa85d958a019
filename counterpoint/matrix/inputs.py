"""What a matrix build reads: the settings and the index, handed in by `Assistant.matrix()`.

The matrix never imports the assistant (the facade over the parts, not a part of its own): the
assistant makes one `MatrixInputs` of its settings, store, embedder and retriever and passes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from counterpoint.config import Settings
    from counterpoint.retrieval import HybridRetriever
    from counterpoint.store import ChunkStore


def _quiet(message: str) -> None:
    """No notices."""


@dataclass(frozen=True)
class MatrixInputs:
    """The parts a build reads. The embedder and the retriever are made on first use, so a
    cached matrix is read without loading the embedding model."""

    settings: Settings
    store: ChunkStore
    make_embedder: Callable[[], BaseEmbedding]
    make_retriever: Callable[[], HybridRetriever]
    notify: Callable[[str], None] = _quiet  # where a fallback to the rules is reported

    @property
    def embedder(self) -> BaseEmbedding:
        """The embedding model of the index."""
        return self.make_embedder()

    @property
    def retriever(self) -> HybridRetriever:
        """Hybrid retrieval over the index (the other side's passages for a statement)."""
        return self.make_retriever()
