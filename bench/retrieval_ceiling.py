"""How far re-ordering our two rankers can take recall within a word budget, on a benchmark.

    .venv/bin/python bench/retrieval_ceiling.py ../shared/benchmarks/climate_finance_bench \
        [--data DIR]

Run `counterpoint eval --benchmark PATH` first, with the same data folder: this reads the cases
it indexed and embeds nothing but the questions. It prints two things:
1. The ceiling: the share of gold evidence held by the dense ranking's top k, BM25's top k, and
   either, at k = 10, 25, 50, 100. Our chunks are about 105 words, so 3,000 words of retrieved
   text are some 25 chunks: no fusion of the two rankings beats "either at 25" there by much.
2. The re-orderings tried against it, each scored exactly as `eval --benchmark` scores ours
   (the same fusion, passages and matching rule), so the first line reproduces its figures.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402

DEPTH = 100
DEPTHS = (10, 25, 50, 100)
Ranking = list[tuple[str, float]]  # (chunk id, score), best first


@dataclass
class Asked:
    """One answerable question with both rankings of its report's company chunks."""

    question: object  # counterpoint.evaluation.benchmark.BenchQuestion
    dense: Ranking
    bm25: Ranking
    texts: dict[str, str]
    meta: dict[str, dict]
    vectors: dict[str, np.ndarray]
    query: np.ndarray


def collect(bench_path: Path, data: Path) -> list[Asked]:
    """Both rankings, DEPTH deep, for every answerable question of the benchmark."""
    from llama_index.core.schema import QueryBundle

    from counterpoint.assistant import Assistant
    from counterpoint.evaluation.benchmark import load_benchmark
    from counterpoint.evaluation.benchmark_run import report_id

    bench = load_benchmark(bench_path)
    root = data / "benchmarks" / bench_path.resolve().name
    workspace = Assistant(Settings().model_copy(update={"data_dir": root, "case": None}))
    known = {case.id for case in workspace.cases()}
    asked = []
    for doc in bench.docs:
        if report_id(doc) not in known:
            sys.exit(f"{doc} is not indexed in {root}: run `counterpoint eval --benchmark` first")
        retriever = workspace.for_case(report_id(doc)).retriever
        side = retriever._side("company")  # noqa: SLF001 - the bench reads the loaded BM25
        side.bm25.similarity_top_k = min(DEPTH, len(side.corpus))
        nodes = side.nodes([chunk["node_id"] for chunk in side.corpus])
        stored = retriever.store.collection.get(include=["embeddings"])
        vectors = {
            i: np.asarray(v) for i, v in zip(stored["ids"], stored["embeddings"], strict=True)
        }
        texts = {i: node.get_content() for i, node in nodes.items()}
        meta = {i: dict(node.metadata) for i, node in nodes.items()}
        for question in bench.asked_of(doc):
            if question.kind != "answerable":
                continue
            query = retriever.embedder.get_query_embedding(question.question)
            dense = [
                (i, 1 - d) for i, d in retriever.store.nearest(query, DEPTH, {"side": "company"})
            ]
            bm25 = [
                (hit.node.node_id, hit.score or 0.0)
                for hit in side.bm25.retrieve(QueryBundle(question.question, embedding=query))
            ]
            asked.append(Asked(question, dense, bm25, texts, meta, vectors, np.asarray(query)))
    return asked


def ceiling(asked: list[Asked]) -> list[str]:
    """Share of evidence in each ranking's top k, and in either's."""
    from counterpoint.evaluation.benchmark import hits

    ranks = []
    for item in asked:
        for evidence in item.question.evidence:
            dense, bm25 = (
                next((n for n, (i, _) in enumerate(r, 1) if hits(item.texts[i], evidence)), None)
                for r in (item.dense, item.bm25)
            )
            ranks.append((dense or DEPTH + 1, bm25 or DEPTH + 1))
    lines = [f"evidence strings: {len(ranks)}"]
    for k in DEPTHS:
        share = [
            sum(rank <= k for rank in column) / len(ranks)
            for column in ([d for d, _ in ranks], [b for _, b in ranks], [min(r) for r in ranks])
        ]
        lines.append(
            f"top {k:3}: dense {share[0]:6.1%}  bm25 {share[1]:6.1%}  either {share[2]:6.1%}"
        )
    return lines


# --- the re-orderings ------------------------------------------------------------------------


def rrf(rankings: list[Ranking], weights: tuple[float, ...] = (1.0, 1.0)) -> dict[str, float]:
    """Reciprocal-rank fusion with a weight per ranking (counterpoint.fusion's constant). The
    weighted twin of `counterpoint.fusion.fuse`, which takes no weights and node lists; with
    weights 1 and 1 it ranks as `fuse` does (the first line of the table shows it)."""
    from counterpoint.fusion import RRF_K

    scores: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (chunk_id, _) in enumerate(ranking):
            scores[chunk_id] += weight / (RRF_K + rank)
    return scores


def ordered(scores: dict[str, float]) -> Ranking:
    return sorted(scores.items(), key=lambda kv: -kv[1])


def ours(depth: int = 25, bm25_weight: float = 1.0) -> Callable[[Asked], Ranking]:
    return lambda a: ordered(rrf([a.dense[:depth], a.bm25[:depth]], (1.0, bm25_weight)))


def score_fusion(alpha: float) -> Callable[[Asked], Ranking]:
    """Min-max normalised scores, `alpha` of the dense one."""

    def rank(a: Asked) -> Ranking:
        out: dict[str, float] = defaultdict(float)
        for ranking, weight in ((a.dense[:50], alpha), (a.bm25[:50], 1 - alpha)):
            low, high = min(s for _, s in ranking), max(s for _, s in ranking)
            for chunk_id, score in ranking:
                out[chunk_id] += weight * (score - low) / ((high - low) or 1.0)
        return ordered(out)

    return rank


def page_boost(weight: float) -> Callable[[Asked], Ranking]:
    """A chunk gains `weight` times the fused score of its whole page."""

    def rank(a: Asked) -> Ranking:
        scores = rrf([a.dense[:25], a.bm25[:25]])
        pages: dict[object, float] = defaultdict(float)
        for chunk_id, score in scores.items():
            pages[a.meta[chunk_id].get("page")] += score
        return ordered({i: s + weight * pages[a.meta[i].get("page")] for i, s in scores.items()})

    return rank


def diverse(keep: float) -> Callable[[Asked], Ranking]:
    """Maximal marginal relevance over the fused top 50, with the chunks' stored vectors."""

    def rank(a: Asked) -> Ranking:
        fused = ordered(rrf([a.dense[:25], a.bm25[:25]]))[:50]
        best = fused[0][1]
        left, chosen = [i for i, _ in fused], []
        relevance = dict(fused)
        while left:
            pick = max(
                left,
                key=lambda i: (
                    keep * relevance[i] / best
                    - (1 - keep)
                    * max((float(a.vectors[i] @ a.vectors[j]) for j in chosen), default=0)
                ),
            )
            chosen.append(pick)
            left.remove(pick)
        return [(i, float(len(chosen) - n)) for n, i in enumerate(chosen)]

    return rank


def feedback(top: int, beta: float) -> Callable[[Asked], Ranking]:
    """Pseudo-relevance feedback: the query moved toward its `top` nearest chunks."""

    def rank(a: Asked) -> Ranking:
        ids = list(a.vectors)
        matrix = np.stack([a.vectors[i] for i in ids])
        moved = a.query + beta * matrix[[ids.index(i) for i, _ in a.dense[:top]]].mean(axis=0)
        sims = matrix @ (moved / np.linalg.norm(moved))
        dense = [(ids[j], float(sims[j])) for j in np.argsort(-sims)[:25]]
        return ordered(rrf([dense, a.bm25[:25]]))

    return rank


def residue_down(factor: float) -> Callable[[Asked], Ranking]:
    """Chunks that are mostly numbers and cells (under half prose words) score `factor` times."""
    prose = re.compile(r"[A-Za-z][a-z]{2,}[,.;:]?")

    def rank(a: Asked) -> Ranking:
        def is_residue(text: str) -> bool:
            words = text.split()
            return sum(bool(prose.fullmatch(w)) for w in words) < 0.5 * max(len(words), 1)

        scores = rrf([a.dense[:25], a.bm25[:25]])
        return ordered(
            {i: s * (factor if is_residue(a.texts[i]) else 1.0) for i, s in scores.items()}
        )

    return rank


VARIANTS: dict[str, Callable[[Asked], Ranking]] = {
    "ours (25 + 25, RRF)": ours(),
    "deeper pools (50 + 50)": ours(50),
    "deeper pools, BM25 at half weight": ours(50, 0.5),
    "score fusion, 0.7 dense": score_fusion(0.7),
    "page boost 0.5": page_boost(0.5),
    "diversity (MMR 0.8)": diverse(0.8),
    "query feedback (top 5, 0.5)": feedback(5, 0.5),
    "residue down-ranked (x0.5)": residue_down(0.5),
}


def score(asked: list[Asked], variant: Callable[[Asked], Ranking]) -> str:
    """The variant's recall within each budget and recall@4, as `eval --benchmark` scores."""
    from llama_index.core.schema import NodeWithScore, TextNode

    from counterpoint.evaluation.benchmark_run import RANKED, passage_pages
    from counterpoint.evaluation.benchmark_scores import BUDGETS, Ranked, evidence_trials
    from counterpoint.fusion import merge_neighbours
    from counterpoint.retrieval import MERGE_CHUNKS, lead_with_decisive

    trials = []
    for item in asked:

        def hit(chunk_id: str, value: float, item: Asked = item) -> NodeWithScore:
            node = TextNode(id_=chunk_id, text=item.texts[chunk_id], metadata=item.meta[chunk_id])
            return NodeWithScore(node=node, score=value)

        fused = lead_with_decisive(
            [hit(i, s) for i, s in variant(item)], [hit(i, s) for i, s in item.bm25[:25]]
        )
        passages = merge_neighbours(fused, RANKED, MERGE_CHUNKS)
        trials += evidence_trials(
            item.question, [Ranked(p.text, passage_pages(p)) for p in passages]
        )
    shares = [sum(t.in_budget[n] for t in trials) / len(trials) for n in range(len(BUDGETS))]
    at_4 = sum(t.rank is not None and t.rank <= 4 for t in trials) / len(trials)
    within = "  ".join(f"{b:,}w {s:6.1%}" for b, s in zip(BUDGETS, shares, strict=True))
    return f"{within}  @4 {at_4:6.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", type=Path)
    parser.add_argument("--data", type=Path, default=Settings().data_dir)
    args = parser.parse_args()
    offline_environment()
    asked = collect(args.benchmark, args.data)
    print("\n".join(ceiling(asked)))
    for name, variant in VARIANTS.items():
        print(f"{name:36} {score(asked, variant)}")


if __name__ == "__main__":
    main()
