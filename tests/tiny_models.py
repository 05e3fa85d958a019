"""Tiny models with random weights, written to a folder by the test that uses them: a
sentence-transformers embedder and a cross-encoder, each a 2-layer BERT of width 32 on the
bundled MiniLM's tokenizer. They test the plumbing of `COUNTERPOINT_EMBED_MODEL` and
`COUNTERPOINT_RERANKER` offline in a second, not the quality of any model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from counterpoint.embedding import bundled_model_path

WIDTH = 32


def _bert(folder: Path, head: str, seed: int, spread: float = 0.02) -> None:
    """A random BERT (`head`: the transformers class; weights drawn with deviation `spread`)
    and the bundled tokenizer, saved."""
    import torch
    import transformers

    torch.manual_seed(seed)
    config = transformers.BertConfig(
        vocab_size=30522, hidden_size=WIDTH, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=2 * WIDTH, max_position_embeddings=512, num_labels=1,
        initializer_range=spread,
    )  # fmt: skip
    getattr(transformers, head)(config).save_pretrained(folder)
    transformers.AutoTokenizer.from_pretrained(bundled_model_path()).save_pretrained(folder)


def tiny_embedder(folder: Path, prompts: dict[str, str] | None = None, seed: int = 0) -> Path:
    """A sentence-transformers model folder laid out as the hub's are (the bundled MiniLM's
    modules, mean pooling, normalised), with these saved query/passage `prompts`."""
    _bert(folder, "BertModel", seed)
    bundled = Path(bundled_model_path())
    shutil.copy(bundled / "modules.json", folder / "modules.json")
    shutil.copy(bundled / "sentence_bert_config.json", folder / "sentence_bert_config.json")
    pooling = json.loads((bundled / "1_Pooling" / "config.json").read_text())
    (folder / "1_Pooling").mkdir()
    pooling["word_embedding_dimension"] = WIDTH
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    saved = {"prompts": prompts or {}, "default_prompt_name": None}
    (folder / "config_sentence_transformers.json").write_text(json.dumps(saved))
    return folder


def tiny_cross_encoder(folder: Path, seed: int = 0) -> Path:
    """A cross-encoder folder: a BERT with a one-score classification head, its weights
    spread wide enough that its scores of different texts differ well above float noise."""
    _bert(folder, "BertForSequenceClassification", seed, spread=0.2)
    return folder
