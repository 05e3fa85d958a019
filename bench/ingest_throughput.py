"""Ingest throughput (chunks/s for the whole ingest: load, clean, chunk, embed, write) next to the
bare embedder's own throughput (`SentenceTransformer.encode` on the same chunk texts, batch 32).
The ratio is our overhead; the target is >= 0.8.

Run by hand: `.venv/bin/python bench/ingest_throughput.py [--rounds 3]`. Rounds alternate the two
measurements so that load from other processes hits both alike; medians are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402

BATCH = 32


def whole_ingest() -> tuple[float, list[str]]:
    """Chunks/s of a full ingest of the seed corpus into a fresh index, and the chunk texts."""
    from counterpoint.assistant import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=Path(tmp), CHROMA_HOST="")
        assistant = Assistant(settings, notify=lambda m: None)
        assistant.embedder.get_query_embedding("load the model first")  # not part of ingest
        report = assistant.ingest(progress=False)
        texts = [node.get_content() for node in assistant.store.nodes()]
    return report.chunks_written / report.seconds, texts


def bare_encoder():  # noqa: ANN201 - a SentenceTransformer
    """The bundled model in sentence-transformers, truncating where our embedder does."""
    from sentence_transformers import SentenceTransformer

    from counterpoint.embedding import BUNDLED_MAX_TOKENS, bundled_model_path

    model = SentenceTransformer(bundled_model_path(), device="cpu")
    model.max_seq_length = BUNDLED_MAX_TOKENS
    model.encode(["warm up"], batch_size=BATCH)
    return model


def bare_throughput(model, texts: list[str]) -> float:  # noqa: ANN001
    """Texts/s of `encode` on the chunk texts."""
    started = time.perf_counter()
    model.encode(texts, batch_size=BATCH, normalize_embeddings=True)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    """Alternate whole ingests and bare encodes; print medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    offline_environment()
    import torch

    model, ours, bare = None, [], []
    for _ in range(args.rounds):
        rate, texts = whole_ingest()
        ours.append(rate)
        model = model or bare_encoder()
        bare.append(bare_throughput(model, texts))
    words = statistics.mean(len(t.split()) for t in texts)
    print(
        f"chunks {len(texts)} (mean {words:.0f} words), batch {BATCH}, torch threads "
        f"{torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        "whole ingest  "
        + " ".join(f"{r:5.1f}" for r in ours)
        + f"  median {statistics.median(ours):5.1f} chunks/s"
    )
    print(
        "bare encode   "
        + " ".join(f"{r:5.1f}" for r in bare)
        + f"  median {statistics.median(bare):5.1f} texts/s"
    )
    print(f"ratio {statistics.median(ours) / statistics.median(bare):.2f} (target >= 0.8)")


if __name__ == "__main__":
    main()
