"""`counterpoint eval --benchmark PATH`: each report of a benchmark ingested on its own, its
questions asked on the company side, ours and the LlamaIndex starter baseline side by side.

Each report gets its own index, opened by `open_report(report_id)`, which the caller supplies
(the CLI gives an `Assistant` over `<data dir>/benchmarks/<benchmark>/<report id>`), so one
company's text never answers another's question. Ingests are incremental and the baseline's
index is kept next to ours, so a second run embeds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from counterpoint.answer.extractive import ANSWER_TIER
from counterpoint.config import BUNDLED_EMBED_MODEL
from counterpoint.errors import InputError
from counterpoint.evaluation.benchmark import Benchmark, BenchQuestion, load_benchmark
from counterpoint.evaluation.benchmark_scores import (
    BUDGETS,
    DEPTH,
    Ranked,
    Trial,
    answer_figures,
    evidence_trials,
    lead_in_points,
    question_rank,
    retrieval_figures,
)
from counterpoint.evaluation.calibration import reliability_report
from counterpoint.evaluation.figures import spread

if TYPE_CHECKING:
    from counterpoint.config import Settings
    from counterpoint.models import Answer, Passage
    from counterpoint.retrieval import HybridRetriever

SIDE = "company"  # a benchmark's reports are the companies' own words
RANKED = 50  # passages retrieved per question: enough to fill the largest budget


class ReportSystem(Protocol):
    """What a benchmark run reads of the system that indexes one report (the `Assistant`)."""

    settings: Settings
    retriever: HybridRetriever
    embedder: Any  # a llama-index BaseEmbedding

    def ingest_file(self, path: Path, side: str, title: str | None = None) -> Any:
        """Index one file (incremental: an unchanged file is skipped)."""

    def ask(self, question: str, mode: str | None = None) -> Answer:
        """A three-part cited answer."""


Notify = Callable[[str], None]


def report_id(doc: str) -> str:
    """The report's id (its index folder, and later its case): the file's stem, slugged."""
    from ingest.identity import file_doc_id

    return file_doc_id(Path(doc))


def evaluate_benchmark(
    path: Path,
    open_report: Callable[[str], ReportSystem],
    k: int = 4,
    limit: int | None = None,
    with_baseline: bool = True,
    notify: Notify = lambda message: None,
    only: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The benchmark report: the embedder and reranker of `settings`, retrieval (ours, the
    baseline's, our lead), per report and per kind of evidence, the answers' figures, latency
    and the ingest times. `only`: the reports whose file name holds this text; `limit`: the
    first questions of each report."""
    bench = load_benchmark(path)
    docs = [doc for doc in bench.docs if only is None or only.lower() in doc.lower()]
    if not docs:
        raise InputError(f"no report of {bench.name} matches '{only}'")
    runs = [
        _run_report(bench, doc, open_report(report_id(doc)), limit, with_baseline, notify)
        for doc in docs
    ]
    return {**(models_used(settings) if settings else {}), **_report(bench, runs, k, with_baseline)}


def benchmark_settings(
    settings: Settings, path: Path, embedder: str | None = None, reranker: str | None = None
) -> Settings:
    """The settings of a benchmark run: its own data folder under the data folder, one per
    embedder (an index holds one embedder's vectors), with the embedder and reranker chosen
    (`reranker` "none": none, whatever COUNTERPOINT_RERANKER says)."""
    import re

    from counterpoint.embedding import embedder_identity

    update: dict[str, Any] = {"case": None}
    if embedder:
        update["embed_model"] = embedder
    if reranker:
        update["reranker"] = None if reranker.lower() == "none" else reranker
    chosen = settings.model_copy(update=update)
    folder = path.resolve().name
    if chosen.embed_model != BUNDLED_EMBED_MODEL:
        slug = re.sub(r"[^a-z0-9]+", "-", embedder_identity(chosen).lower()).strip("-")
        folder = f"{folder}--{slug[-80:]}"
    return chosen.model_copy(update={"data_dir": settings.data_dir / "benchmarks" / folder})


def models_used(settings: Settings) -> dict[str, str | None]:
    """The embedder and reranker a run used, as configured and as the index records them."""
    from counterpoint.embedding import embedder_identity
    from counterpoint.rerank import get_reranker

    reranker = get_reranker(settings)
    return {
        "embedder": settings.embed_model,
        "embedder_id": embedder_identity(settings),
        "reranker": settings.reranker,
        "reranker_id": reranker.identity if reranker else None,
    }


def _run_report(
    bench: Benchmark,
    doc: str,
    system: ReportSystem,
    limit: int | None,
    with_baseline: bool,
    notify: Notify,
) -> dict[str, Any]:
    """One report: ingest, rank for each answerable question, ask every question."""
    questions = bench.asked_of(doc)[:limit]
    started = time.perf_counter()
    ingested = system.ingest_file(bench.doc_path(doc), SIDE, bench.companies[doc])
    text = bench.doc_path(doc).read_text(encoding="utf-8")
    run: dict[str, Any] = {"doc": doc, "questions": questions, "words": len(text.split())}
    run["ingest"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "chunks_written": getattr(ingested, "chunks_written", None),
        "chunks": getattr(ingested, "chunks_total", None),
    }
    notify(f"{doc}: indexed ({run['ingest']}); asking {len(questions)} questions")
    answerable = [q for q in questions if q.kind == "answerable"]
    system.retriever.retrieve("warm up", 1, SIDE)
    run["ours"], run["ours_ms"] = _ranked_all(answerable, lambda q: ours_ranked(system, q))
    if with_baseline:
        baseline = _baseline(bench, doc, system)
        run["ingest"]["baseline_built"] = baseline.built
        run["baseline"], run["baseline_ms"] = _ranked_all(
            answerable, lambda q: baseline_ranked(baseline, q, bench.doc_path(doc))
        )
    run["answers"], run["ask_ms"] = [], []
    for question in questions:
        started = time.perf_counter()
        run["answers"].append(system.ask(question.question, mode="extractive"))
        run["ask_ms"].append((time.perf_counter() - started) * 1000)
    run["labelled"] = _labelled(system, answerable)
    return run


def _labelled(system: ReportSystem, questions: list[BenchQuestion]) -> list:
    """The answerer's candidate sentences, labelled by the gold evidence (a sentence inside a
    gold span answers), for the reliability table."""
    from counterpoint.answer.extractive import ExtractiveAnswerer
    from counterpoint.evaluation.benchmark import canonical
    from counterpoint.evaluation.calibration import labelled_sentences

    def labeller(question: BenchQuestion):  # noqa: ANN202 - a calibration.Labeller
        spans = [evidence.canon for evidence in question.evidence]
        return lambda sentence, side: inside_gold(canonical(sentence.text), spans)

    asked = [(q.id, q.question, labeller(q)) for q in questions]
    answerer = ExtractiveAnswerer(system.embedder)
    k = system.settings.top_k
    return labelled_sentences(system.retriever, answerer, asked, k, sides=(SIDE,))


def inside_gold(sentence: str, spans: list[str]) -> bool:
    """A sentence (canonical, 20 characters or more) that stands inside a gold span."""
    return len(sentence) >= 20 and any(sentence in span for span in spans)


def _ranked_all(
    questions: list[BenchQuestion], rank: Callable[[BenchQuestion], list[Ranked]]
) -> tuple[dict[str, list[Ranked]], list[float]]:
    lists, timings = {}, []
    for question in questions:
        started = time.perf_counter()
        lists[question.id] = rank(question)
        timings.append((time.perf_counter() - started) * 1000)
    return lists, timings


def ours_ranked(system: ReportSystem, question: BenchQuestion) -> list[Ranked]:
    """Our ranked company passages for the question, deep enough for the largest budget."""
    found = system.retriever.retrieve(question.question, RANKED, SIDE)[SIDE]
    return [Ranked(p.text, passage_pages(p)) for p in found]


def passage_pages(passage: Passage) -> tuple[int, ...]:
    """Every page a passage spans."""
    if passage.page is None:
        return ()
    return tuple(range(passage.page, (passage.page_end or passage.page) + 1))


def _baseline(bench: Benchmark, doc: str, system: ReportSystem):  # noqa: ANN202
    from counterpoint.evaluation.baseline import BaselinePipeline

    folder = Path(system.settings.case_dir) / "baseline"
    return BaselinePipeline.from_files({bench.doc_path(doc): SIDE}, system.settings, folder)


def baseline_ranked(baseline, question: BenchQuestion, path: Path) -> list[Ranked]:  # noqa: ANN001
    """The baseline's ranked chunks, each with the pages its characters span in the file."""
    import bisect

    breaks = _page_breaks(path)
    ranked = []
    for hit in baseline.retrieve_nodes(question.question, SIDE, RANKED):
        node, start = hit.node, hit.node.start_char_idx
        end = node.end_char_idx if node.end_char_idx is not None else start
        pages = ()
        if start is not None:
            first, last = (
                bisect.bisect_right(breaks, at) + 1 for at in (start, max(end - 1, start))
            )
            pages = tuple(range(first, last + 1))
        ranked.append(Ranked(node.get_content(), pages))
    return ranked


def _page_breaks(path: Path) -> list[int]:
    """Offsets of the form feeds that separate pages in the report's text."""
    text = path.read_bytes().decode("utf-8")
    return [at for at, ch in enumerate(text) if ch == "\f"]


def _report(bench: Benchmark, runs: list[dict], k: int, with_baseline: bool) -> dict[str, Any]:
    """The figures of every run together, per report and per kind of evidence."""
    systems = ["ours", "baseline"] if with_baseline else ["ours"]
    report: dict[str, Any] = {
        "benchmark": bench.name,
        "reports": len(runs),
        "questions": sum(len(r["questions"]) for r in runs),
        "k": k,
        "budgets": list(BUDGETS),
        "depth": DEPTH,
        "retrieval": {s: _figures(runs, s, k) for s in systems},
        "by_report": {
            r["doc"]: {"words": r["words"], **{s: _figures([r], s, k) for s in systems}}
            for r in runs
        },
        "by_evidence": {
            kind: {s: _figures(runs, s, k, kind) for s in systems} for kind in ("prose", "table")
        },
    }
    if with_baseline:
        report["retrieval"]["lead_points"] = lead_in_points(*report["retrieval"].values())
    questions = [q for r in runs for q in r["questions"]]
    report["answers"] = answer_figures(questions, [a for r in runs for a in r["answers"]])
    report["latency_ms"] = {f"retrieve_{s}": spread(_all(runs, f"{s}_ms")) for s in systems}
    report["latency_ms"]["ask"] = spread(_all(runs, "ask_ms"))
    report["reliability"] = reliability_report(_all(runs, "labelled"), ANSWER_TIER)
    report["ingest"] = {r["doc"]: r["ingest"] for r in runs}
    return report


def _figures(runs: list[dict], system: str, k: int, kind: str | None = None) -> dict:
    """One system's retrieval figures over the runs' answerable questions; with `kind`, over
    the evidence of that kind only (MRR then over the questions that have such evidence)."""
    trials: list[Trial] = []
    ranks: list[int | None] = []
    for run in runs:
        for question in run["questions"]:
            if question.id not in run[system]:
                continue
            ranked = run[system][question.id]
            mine = [t for t in evidence_trials(question, ranked) if kind in (None, t.kind)]
            if mine:
                trials += mine
                ranks.append(question_rank(question, ranked))
    return retrieval_figures(trials, ranks, k)


def _all(runs: list[dict], key: str) -> list[float]:
    return [value for run in runs for value in run.get(key, [])]
