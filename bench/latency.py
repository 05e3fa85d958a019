"""Warm query latency (median, p95) of `search` and extractive `ask` at the seed corpus and on
synthetic corpora of any size, with embedded Chroma or a Chroma server; and what the first query
of a process costs (BM25 built per side from the store's chunks).

Run by hand (prints figures; no pass/fail):
    .venv/bin/python bench/latency.py                                  # seed corpus, embedded
    .venv/bin/python bench/latency.py --server                         # seed corpus, server
    .venv/bin/python bench/latency.py --chunks 100000 --data /tmp/cp-100k [--server]

Synthetic chunks carry random unit vectors (see bench/synthetic.py): the store's latency is
real, the dense ranking is meaningless. The query embedding is timed apart, and searches are
also timed with the questions' vectors computed in advance, so the embedder's share is known.
`--data` keeps the index for another run (the first run writes it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import SIDES, Settings, offline_environment  # noqa: E402
from counterpoint.evaluation.figures import spread  # noqa: E402
from counterpoint.evaluation.run import load_questions  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "eval_questions.toml"


def timed(action: Callable[[str], object], questions: list[str]) -> list[float]:
    """Milliseconds per call of `action(question)`."""
    times = []
    for question in questions:
        started = time.perf_counter()
        action(question)
        times.append((time.perf_counter() - started) * 1000)
    return times


def build(assistant, chunks: int) -> str:  # noqa: ANN001 - an Assistant
    """Fill an empty index: the seed corpus (real vectors) or `chunks` synthetic ones."""
    present = assistant.store.count()
    if present and (not chunks or present == chunks):
        return f"reused ({present} chunks)"
    if present:
        raise SystemExit(f"the index holds {present} chunks, not {chunks}: use another --data")
    if not chunks:
        return assistant.ingest(progress=False).summary()
    from bench.synthetic import fill_store, seed_sentences

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    seconds = fill_store(assistant.store, chunks, seed_sentences(texts))
    return f"{chunks} synthetic chunks written in {seconds:.1f} s ({chunks / seconds:.0f}/s)"


def first_query_costs(assistant) -> dict[str, float | bool]:  # noqa: ANN001 - an Assistant
    """Seconds to read each side's chunks and index them for BM25, as a fresh process does."""
    from llama_index.retrievers.bm25 import BM25Retriever

    costs = {}
    for side in SIDES:
        started = time.perf_counter()
        nodes = assistant.store.nodes(side)
        read = time.perf_counter()
        BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(20, len(nodes)))
        costs[f"{side}_chunks"] = len(nodes)
        costs[f"{side}_read_s"] = round(read - started, 2)
        costs[f"{side}_bm25_s"] = round(time.perf_counter() - read, 2)
    # The first search builds BM25 from the chunks and saves it, or loads a saved copy.
    costs["bm25_saved_before"] = any((assistant.settings.data_dir / "bm25").glob("*-*"))
    started = time.perf_counter()
    assistant.search("warm up the retrievers")
    costs["first_search_s"] = round(time.perf_counter() - started, 2)
    return costs


class Precomputed:
    """The embedder with every benchmark question's vector computed in advance, so a search
    times the store, BM25 and the fusion alone."""

    def __init__(self, embedder, questions: list[str]) -> None:  # noqa: ANN001
        self.vectors = {q: embedder.get_query_embedding(q) for q in questions}

    def get_query_embedding(self, question: str) -> list[float]:
        """The vector computed in advance."""
        return self.vectors[question]


def measure(assistant, questions: list[str]) -> dict[str, dict]:  # noqa: ANN001 - an Assistant
    """Warm figures over the evaluation questions."""
    embed = assistant.embedder.get_query_embedding
    retriever = assistant.retriever
    retriever.embedder = Precomputed(assistant.embedder, questions)
    without = spread(timed(assistant.search, questions * 2))
    retriever.embedder = assistant.embedder
    return {
        "query_embedding": spread(timed(embed, questions)),
        "search_without_embedder": without,
        "search": spread(timed(assistant.search, questions * 2)),
        "ask_new_questions": spread(
            timed(lambda q: assistant.ask(q, mode="extractive"), questions)
        ),
        "ask_repeated": spread(timed(lambda q: assistant.ask(q, mode="extractive"), questions)),
    }


def breakdown(assistant, questions: list[str]) -> dict[str, dict]:  # noqa: ANN001
    """Milliseconds of each part of a search alone: the shared dense query (both sides, ids
    only), a side's filtered dense query (the fallback; every query before), BM25 per side."""
    from llama_index.core.schema import QueryBundle

    retriever, store = assistant.retriever, assistant.store
    embed = assistant.embedder.get_query_embedding
    bundles = [QueryBundle(q, embedding=embed(q)) for q in questions]
    count = retriever.candidates
    figures = {
        "dense_shared": spread(
            timed(lambda b: store.nearest(b.embedding, retriever.shared_results), bundles)
        ),
        "dense_both_sides": spread(timed(lambda b: retriever.dense(b, list(SIDES)), bundles)),
    }
    for side in SIDES:
        where = {"side": side}
        figures[f"dense_filtered_{side}"] = spread(
            timed(lambda b, w=where: store.nearest(b.embedding, count, w), bundles)
        )
        figures[f"bm25_{side}"] = spread(timed(retriever._side(side).bm25.retrieve, bundles))
    return figures


def fallbacks(assistant, questions: list[str]) -> dict[str, int]:  # noqa: ANN001
    """Per side, the questions whose shared dense query held too few of the side's chunks, so
    that the side needed its own filtered query."""
    retriever = assistant.retriever
    counts = dict.fromkeys(SIDES, 0)
    for question in questions:
        vector = assistant.embedder.get_query_embedding(question)
        found = assistant.store.nearest(vector, retriever.shared_results)
        side_of = retriever._sides_of([chunk_id for chunk_id, _ in found])
        for side in SIDES:
            held = sum(side_of.get(chunk_id) == side for chunk_id, _ in found)
            full = len(found) == retriever.shared_results
            counts[side] += full and held < retriever.candidates
    return counts


def main() -> None:
    """Build or reuse an index, then time the first query and warm queries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=0, help="synthetic chunks (0: seed corpus)")
    parser.add_argument("--data", type=Path, help="index folder to keep (default: a temp dir)")
    parser.add_argument("--server", action="store_true", help="through a Chroma server")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    offline_environment()
    from bench.synthetic import chroma_server
    from counterpoint.assistant import Assistant

    with ExitStack() as stack:
        data = args.data or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        values: dict = {"COUNTERPOINT_DATA_DIR": data, "CHROMA_HOST": ""}
        if args.server:
            port = stack.enter_context(chroma_server(data / "server"))
            values.update(CHROMA_HOST="127.0.0.1", CHROMA_PORT=port)
        assistant = Assistant(Settings(_env_file=None, **values), notify=lambda m: None)
        assistant.embedder.get_query_embedding("load the model")
        report = {
            "store": "server" if args.server else "embedded",
            "index": build(assistant, args.chunks),
            "load_average": os.getloadavg(),
            "first_query": first_query_costs(assistant),
            "warm_ms": measure(assistant, [q["question"] for q in load_questions(QUESTIONS)]),
        }
        report["parts_ms"] = breakdown(
            assistant, [q["question"] for q in load_questions(QUESTIONS)]
        )
        report["dense_fallbacks"] = fallbacks(
            assistant, [q["question"] for q in load_questions(QUESTIONS)]
        )
        report["load_average_after"] = os.getloadavg()
    print(json.dumps(report) if args.json else render(report))


def render(report: dict) -> str:
    """Readable lines."""
    lines = [f"store {report['store']}; index {report['index']}"]
    for key in ("load_average", "load_average_after"):
        lines.append(f"{key.replace('_', ' ')} " + " ".join(f"{v:.1f}" for v in report[key]))
    lines.append(f"filtered dense fallbacks per side: {report['dense_fallbacks']}")
    lines.append("first query: " + ", ".join(f"{k} {v}" for k, v in report["first_query"].items()))
    for name, t in [*report["warm_ms"].items(), *report["parts_ms"].items()]:
        lines.append(
            f"{name:<24} n={t['n']:>3}  median {t['median']:7.1f} ms  p95 {t['p95']:7.1f} ms"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
