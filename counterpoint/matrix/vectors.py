"""Sentence vectors by text, embedded in batches and kept for the whole matrix build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding


@dataclass
class SentenceVectors:
    """Sentence vectors by text, embedded in batches and kept for the whole build.

    `rewrite`, when set, is applied to a text before it is embedded (the vector is still filed
    under the original text): the extractor uses it to blank out the company's name, which
    otherwise makes any two sentences that mention it look alike.
    """

    embedder: BaseEmbedding
    rewrite: Callable[[str], str] | None = None
    _vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, texts: list[str]) -> None:
        """Embed, in one batched call, the texts not seen before."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            rewrite = self.rewrite or (lambda text: text)
            found = self.embedder.get_text_embedding_batch([rewrite(t) for t in missing])
            for text, vector in zip(missing, found, strict=True):
                array = np.asarray(vector, dtype=np.float32)
                self._vectors[text] = array / (np.linalg.norm(array) or 1.0)

    def __getitem__(self, text: str) -> np.ndarray:
        if text not in self._vectors:
            self.add([text])
        return self._vectors[text]

    def matrix(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
        """The vectors of `texts` as rows of one array (unit length: dot product = cosine)."""
        self.add(list(texts))
        return np.stack([self._vectors[t] for t in texts])
