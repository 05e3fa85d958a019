"""Case-scoped search in a synthetic portfolio: a collection per case against one collection
filtered by case, embedded and through a Chroma server.

    .venv/bin/python bench/cases_scale.py --cases 500 --chunks 100000 [--server]

Every chunk is a random unit vector (384 dimensions, like all-MiniLM-L6-v2) with a side and a
case in its metadata: the store's search cost does not depend on what the vectors mean. Each
layout is written once per data folder and reused. A query is what `HybridRetriever` asks of
the store for one case: the 16 nearest chunks of either side, from that case only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import DIMENSIONS, chroma_server  # noqa: E402

BATCH = 5000
QUERIES = 300
PER_CASE = "cases--"  # collection-name prefix of the per-case layout
SHARED = "portfolio"  # the one collection of the filtered layout


def unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    matrix = rng.standard_normal((count, DIMENSIONS)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def build(client, cases: int, chunks: int) -> float:  # noqa: ANN001 - a chromadb client
    """Write both layouts unless present; returns the seconds it took."""
    started, rng = time.perf_counter(), np.random.default_rng(7)
    names = {c.name for c in client.list_collections()}
    if SHARED in names and f"{PER_CASE}{cases - 1:04d}" in names:
        return 0.0
    shared = client.get_or_create_collection(SHARED, metadata={"hnsw:space": "cosine"})
    per_case = chunks // cases
    for case in range(cases):
        ids = [f"c{case:04d}-{n:05d}" for n in range(per_case)]
        vectors = unit_vectors(rng, per_case)
        metas = [
            {"case": f"{case:04d}", "side": "critic" if n % 5 == 0 else "company"}
            for n in range(per_case)
        ]
        own = client.get_or_create_collection(
            f"{PER_CASE}{case:04d}", metadata={"hnsw:space": "cosine"}
        )
        own.add(ids=ids, embeddings=vectors, metadatas=metas)
        shared.add(ids=ids, embeddings=vectors, metadatas=metas)
    return time.perf_counter() - started


def timed_queries(client, cases: int, filtered: bool) -> list[float]:  # noqa: ANN001
    """Milliseconds per case-scoped query, over random cases and random query vectors."""
    rng = np.random.default_rng(11)
    shared = client.get_collection(SHARED) if filtered else None
    collections = {}
    times = []
    for vector in unit_vectors(rng, QUERIES):
        case = f"{int(rng.integers(cases)):04d}"
        start = time.perf_counter()
        if filtered:
            shared.query(query_embeddings=[vector], n_results=16, where={"case": case})
        else:
            if case not in collections:  # the assistant keeps its case's collection open
                collections[case] = client.get_collection(f"{PER_CASE}{case}")
            collections[case].query(query_embeddings=[vector], n_results=16)
        times.append((time.perf_counter() - start) * 1000)
    return times[20:]  # the first queries load the indexes


def figures(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/cp-cases"))
    parser.add_argument("--server", action="store_true", help="through a Chroma server")
    args = parser.parse_args()
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    with ExitStack() as stack:
        if args.server:
            port = stack.enter_context(chroma_server(args.data / "server"))
            client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=settings)
        else:
            client = chromadb.PersistentClient(path=str(args.data / "embedded"), settings=settings)
        seconds = build(client, args.cases, args.chunks)
        store = "server" if args.server else "embedded"
        print(f"{args.cases} cases, {args.chunks:,} chunks, {store}; written in {seconds:.0f} s")
        print(f"  collection per case:   {figures(timed_queries(client, args.cases, False))}")
        print(f"  one collection, where: {figures(timed_queries(client, args.cases, True))}")


if __name__ == "__main__":
    main()
