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
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import DIMENSIONS, chroma_server  # noqa: E402

BATCH = 5000
QUERIES = 600
WORKING = 50  # cases queried in a run
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


def timed_queries(client, cases: int, filtered: bool) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Milliseconds per case-scoped query over `WORKING` random cases (an analyst's cases of the
    day): the first query on each case (the store loads its index: opening the case), then the
    rest (warm), with random query vectors."""
    rng = np.random.default_rng(11)
    shared = client.get_collection(SHARED) if filtered else None
    pool = [f"{int(n):04d}" for n in rng.choice(cases, size=min(WORKING, cases), replace=False)]
    collections, cold, warm = {}, [], []
    for vector in unit_vectors(rng, QUERIES):
        case = pool[int(rng.integers(len(pool)))]
        first = case not in collections
        start = time.perf_counter()
        if filtered:
            shared.query(query_embeddings=[vector], n_results=16, where={"case": case})
            collections[case] = shared
        else:
            if first:  # the assistant keeps its case's collection open
                collections[case] = client.get_collection(f"{PER_CASE}{case}")
            collections[case].query(query_embeddings=[vector], n_results=16)
        (cold if first else warm).append((time.perf_counter() - start) * 1000)
    return cold, warm


def query_one_case(rng: np.random.Generator, opened: dict) -> float:
    """Milliseconds of one query on a random case among those open."""
    collection = list(opened.values())[int(rng.integers(len(opened)))]
    start = time.perf_counter()
    collection.query(query_embeddings=[unit_vectors(rng, 1)[0]], n_results=16)
    return (time.perf_counter() - start) * 1000


def during_ingest(client, cases: int, ingest: Callable[[], None]) -> tuple[list[float], float]:  # noqa: ANN001
    """Warm case-scoped queries over `WORKING` open cases, timed while `ingest` (one more, real
    case) runs; and the ingest's seconds."""
    rng, times = np.random.default_rng(13), []
    pool = rng.choice(cases, size=min(WORKING, cases), replace=False)
    opened = {int(n): client.get_collection(f"{PER_CASE}{int(n):04d}") for n in pool}
    for collection in opened.values():  # each case's index loaded, as on a running page
        collection.query(query_embeddings=[unit_vectors(rng, 1)[0]], n_results=16)
    done = threading.Event()

    def run() -> None:
        try:
            ingest()
        finally:
            done.set()

    started = time.perf_counter()
    threading.Thread(target=run, daemon=True).start()
    while not done.is_set():
        times.append(query_one_case(rng, opened))
    return times, time.perf_counter() - started


def embedded_ingest(data: Path) -> Callable[[], None]:
    """The bundled corpus ingested again (--rebuild) as one more case, in this process: the page
    uploading into a case while other cases are searched."""
    from counterpoint.assistant import Assistant
    from counterpoint.config import Settings

    settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=data, CHROMA_HOST="")
    assistant = Assistant(settings, notify=lambda message: None)
    assistant.embedder.get_query_embedding("load the model first")
    return lambda: assistant.ingest(rebuild=True, progress=False)


def server_ingest(port: int, data: Path) -> Callable[[], None]:
    """The bundled corpus ingested again as one more case by the CLI, another process."""
    env = {**os.environ, "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)}
    env["COUNTERPOINT_DATA_DIR"] = str(data)
    command = [sys.executable, "-m", "counterpoint", "ingest", "--rebuild"]
    root = Path(__file__).resolve().parent.parent
    return lambda: subprocess.run(command, env=env, cwd=root, check=True, capture_output=True)


def figures(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms (n={len(ordered)})"


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
            ingest = server_ingest(port, args.data / "server-ingest")
        else:
            # Counterpoint's embedded store is <data>/chroma: the ingest shares the bench's.
            path = args.data / "embedded" / "chroma"
            client = chromadb.PersistentClient(path=str(path), settings=settings)
            ingest = embedded_ingest(args.data / "embedded")
        seconds = build(client, args.cases, args.chunks)
        store = "server" if args.server else "embedded"
        print(f"{args.cases} cases, {args.chunks:,} chunks, {store}; written in {seconds:.0f} s")
        for label, filtered in (("collection per case", False), ("one collection, where", True)):
            cold, warm = timed_queries(client, args.cases, filtered)
            print(f"  {label}: first query on a case {figures(cold)}; then {figures(warm)}")
        times, took = during_ingest(client, args.cases, ingest)
        print(f"  per case, while one more case is ingested ({took:.1f} s): {figures(times)}")


if __name__ == "__main__":
    main()
