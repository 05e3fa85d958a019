"""Synthetic corpora for the benchmarks, and a Chroma server to run them against.

Chunks are made of sentences sampled from the seed corpus and recombined (about 100 words each,
like our real chunks), so BM25 sees realistic vocabulary and lengths. Their vectors are random
unit vectors: embedding 100k chunks here would take about an hour, and the store's search cost
does not depend on what the vectors mean. Nothing is downloaded; everything is written under the
folder given (use /tmp, not the repo).
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIMENSIONS = 384  # all-MiniLM-L6-v2
CHUNKS_PER_DOCUMENT = 100
BATCH = 5000  # chunks per Chroma write
CRITIC_SHARE = 0.2  # the seed corpus is about 80% company text, 20% critic text


def seed_sentences(texts: list[str]) -> list[str]:
    """Sentences of at least five words from the given texts."""
    found = []
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            if len(sentence.split()) >= 5:
                found.append(" ".join(sentence.split()))
    return found


def synthetic_nodes(count: int, sentences: list[str], seed: int = 7) -> Iterator[list]:
    """`count` chunks as llama-index TextNodes with random unit vectors, in write batches."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    rng, vectors = random.Random(seed), np.random.default_rng(seed)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        matrix = vectors.standard_normal((size, DIMENSIONS)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        batch = []
        for offset, vector in enumerate(matrix):
            n = start + offset
            document = n // CHUNKS_PER_DOCUMENT
            side = "critic" if rng.random() < CRITIC_SHARE else "company"
            text = _chunk_text(rng, sentences)
            metadata = {
                "doc_id": f"synthetic-{document:05d}",
                "doc_hash": f"synthetic{document:05d}",
                "doc_chunks": CHUNKS_PER_DOCUMENT,
                "side": side,
                "title": f"Synthetic document {document}",
                "position": n % CHUNKS_PER_DOCUMENT,
                "section": "",
            }
            batch.append(
                TextNode(
                    id_=f"synthetic-{n:07d}",
                    text=text,
                    metadata=metadata,
                    relationships={
                        NodeRelationship.SOURCE: RelatedNodeInfo(node_id=metadata["doc_id"])
                    },
                    excluded_embed_metadata_keys=list(metadata),
                    excluded_llm_metadata_keys=list(metadata),
                    embedding=vector.tolist(),
                )
            )
        yield batch


def _chunk_text(rng: random.Random, sentences: list[str], words: int = 100) -> str:
    chosen: list[str] = []
    while sum(len(s.split()) for s in chosen) < words:
        chosen.append(rng.choice(sentences))
    return " ".join(chosen)


def fill_store(store, count: int, sentences: list[str]) -> float:  # noqa: ANN001 - a ChunkStore
    """Write `count` synthetic chunks into the store; returns the seconds it took."""
    started = time.perf_counter()
    for batch in synthetic_nodes(count, sentences):
        store.add(batch)
    return time.perf_counter() - started


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def chroma_server(path: Path) -> Iterator[int]:
    """`chroma run` on `path` at 127.0.0.1; yields its port and stops it afterwards."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, 120)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")
