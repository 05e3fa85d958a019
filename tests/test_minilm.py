"""The bundled embedder run in plain torch gives the vectors sentence-transformers gives, so an
index built by either is read by the other, and the CLI skips seconds of imports."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from counterpoint.embedding import BUNDLED_MAX_TOKENS, bundled_model_path

TEXTS = [
    "Hikvision respects the human rights as set forth in the Universal Declaration.",
    "",  # no words at all: the model still reads [CLS] [SEP]
    "Short.",
    "A long report paragraph that runs past the model's window. " * 60,  # truncated at 256
]


def test_the_torch_embedder_gives_sentence_transformers_vectors():
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from counterpoint.minilm import MiniLMEmbedding

    ours = MiniLMEmbedding(bundled_model_path(), BUNDLED_MAX_TOKENS, 32)
    theirs = HuggingFaceEmbedding(
        model_name=bundled_model_path(), max_length=BUNDLED_MAX_TOKENS, device="cpu"
    )
    mine, reference = (np.array(m.get_text_embedding_batch(TEXTS)) for m in (ours, theirs))
    assert np.abs(mine - reference).max() < 1e-5
    question = "Does the company respect human rights?"
    assert np.allclose(ours.get_query_embedding(question), theirs.get_query_embedding(question),
                       atol=1e-5)  # fmt: skip
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)


def test_loading_the_bundled_embedder_imports_no_sentence_transformers():
    probe = (
        "import sys; from counterpoint.config import Settings; "
        "from counterpoint.embedding import get_embedder; "
        "get_embedder(Settings(_env_file=None)).get_query_embedding('x'); "
        "print(sorted(m for m in ('sentence_transformers', 'transformers', 'sklearn') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
