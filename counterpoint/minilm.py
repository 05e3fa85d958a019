"""The bundled all-MiniLM-L6-v2 run by a few lines of torch, not by sentence-transformers.

Importing sentence-transformers (with transformers and scikit-learn behind it) took about 6 s of
every cold `counterpoint ask` and of the page's first load; torch alone takes about one. The
model is a 6-layer BERT whose sentence vector is the mean of its token vectors, normalised
(the model's `modules.json`: Transformer, Pooling(mean), Normalize). This is that computation
on the same weights (`model.safetensors`) and tokenizer (`tokenizer.json`), so its vectors are
the ones sentence-transformers gives, to float rounding: an index built with either is read by
the other (`tests/test_minilm.py` holds them to 1e-5).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr


class MiniLM:
    """A BERT encoder with mean pooling, from a sentence-transformers model folder."""

    def __init__(self, folder: str | Path, max_tokens: int) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.weights = load_file(str(folder / "model.safetensors"))
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.epsilon = float(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)  # as the model truncates: 256 word pieces
        self.tokenizer.enable_padding()  # to the longest text of the batch

    def encode(self, texts: list[str]) -> list[list[float]]:
        """Unit-length sentence vectors of `texts`, in order."""
        import torch

        encoded = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encoded])
        mask = torch.tensor([e.attention_mask for e in encoded])
        types = torch.tensor([e.type_ids for e in encoded])
        with torch.inference_mode():
            hidden = self._embed(ids, types)
            attend = mask[:, None, None, :].bool()  # no token attends to padding
            for layer in range(self.layers):
                hidden = self._layer(hidden, attend, f"encoder.layer.{layer}.")
            weights = mask[..., None].to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1).tolist()

    def _embed(self, ids: Any, types: Any) -> Any:
        w = self.weights
        positions = w["embeddings.position_embeddings.weight"][: ids.shape[1]]
        words = w["embeddings.word_embeddings.weight"][ids]
        hidden = words + positions + w["embeddings.token_type_embeddings.weight"][types]
        return self._norm(hidden, "embeddings.LayerNorm")

    def _layer(self, hidden: Any, attend: Any, name: str) -> Any:
        from torch.nn.functional import gelu, scaled_dot_product_attention

        batch, length, width = hidden.shape
        size = width // self.heads

        def heads(part: str) -> Any:
            projected = self._linear(hidden, f"{name}attention.self.{part}")
            return projected.view(batch, length, self.heads, size).transpose(1, 2)

        # softmax(QK^T / sqrt(size)) V, padding masked out: BERT's self-attention
        attended = scaled_dot_product_attention(
            heads("query"), heads("key"), heads("value"), attn_mask=attend
        )
        attended = attended.transpose(1, 2).reshape(batch, length, width)
        out = self._linear(attended, f"{name}attention.output.dense") + hidden
        hidden = self._norm(out, f"{name}attention.output.LayerNorm")
        inner = gelu(self._linear(hidden, f"{name}intermediate.dense"))  # BERT's exact (erf) GELU
        out = self._linear(inner, f"{name}output.dense") + hidden
        return self._norm(out, f"{name}output.LayerNorm")

    def _linear(self, x: Any, name: str) -> Any:
        from torch.nn.functional import linear

        return linear(x, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"])

    def _norm(self, x: Any, name: str) -> Any:
        from torch.nn.functional import layer_norm

        w, b = self.weights[f"{name}.weight"], self.weights[f"{name}.bias"]
        return layer_norm(x, x.shape[-1:], w, b, self.epsilon)


class MiniLMEmbedding(BaseEmbedding):
    """llama-index's embedding interface over `MiniLM` (queries and texts alike: the model
    has no instruction prefixes)."""

    max_length: int = 256
    _encoder: MiniLM = PrivateAttr()

    def __init__(self, folder: str, max_length: int, embed_batch_size: int) -> None:
        super().__init__(
            model_name=folder, max_length=max_length, embed_batch_size=embed_batch_size
        )
        self._encoder = MiniLM(folder, max_length)

    @classmethod
    def class_name(cls) -> str:
        """The name llama-index records for this embedding."""
        return "MiniLMEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encoder.encode([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encoder.encode([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encoder.encode(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
