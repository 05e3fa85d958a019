"""`counterpoint eval`: our retrieval and answers over a question file, next to the baseline.

The system under test is anything shaped like `System` (the `Assistant` is): the evaluation
states what it reads and never imports the assistant.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from counterpoint.evaluation.answer_labels import label_figures
from counterpoint.evaluation.figures import (
    WORD_BUDGET,
    Trial,
    answer_figures,
    lead_in_points,
    retrieval_figures,
    retrieval_trials,
    spread,
)

if TYPE_CHECKING:
    from counterpoint.config import Settings
    from counterpoint.models import Answer
    from counterpoint.retrieval import HybridRetriever
    from counterpoint.store import ChunkStore

DEFAULT_K = 4  # the passages per side the answerer reads (COUNTERPOINT_TOP_K's default)
DEPTH = 10  # length of the ranked lists MRR and the word budget are read from


class System(Protocol):
    """What an evaluation run reads of the system it scores."""

    settings: Settings
    store: ChunkStore
    retriever: HybridRetriever
    embedder: Any  # a llama-index BaseEmbedding

    def ensure_index(self) -> None:
        """Build the index when there is none yet."""

    def ask(self, question: str, mode: str | None = None) -> Answer:
        """A three-part cited answer."""


def load_questions(path: Path) -> list[dict]:
    """The `[[question]]` entries of an evaluation file, as scored: evidence and answers marked
    `set_apart` (page furniture, which is never retrieved or quoted) left out, and a question's
    kind narrowed to the sides that still have evidence ("unanswerable" when none has)."""
    return [scored(q) for q in tomllib.loads(path.read_text(encoding="utf-8"))["question"]]


def scored(question: dict) -> dict:
    """One question without its `set_apart` evidence and answers, its kind narrowed to match."""
    kept = {
        **question,
        "evidence": [e for e in question.get("evidence", []) if not e.get("set_apart")],
        "answers": [a for a in question.get("answers", []) if not a.get("set_apart")],
    }
    if kept["evidence"] == question.get("evidence", []) or question["kind"] == "unanswerable":
        return kept
    sides = {e["side"] for e in kept["evidence"]}
    narrowed = "contested" if len(sides) > 1 else "unanswerable"
    kept["kind"] = next(iter(sides)) if len(sides) == 1 else narrowed
    if kept["kind"] == "unanswerable":
        kept.pop("meeting", None)
    return kept


def evaluate_assistant(
    assistant: System,
    questions_file: Path,
    limit: int | None = None,
    k: int = DEFAULT_K,
    with_baseline: bool = True,
) -> dict[str, Any]:
    """The `counterpoint eval` report: our retrieval and answers, and the baseline's retrieval
    on the same questions, corpus and embedder."""
    questions = _questions(questions_file)[:limit]
    assistant.ensure_index()

    def ours(question: str, side: str) -> list[str]:
        found = assistant.retriever.retrieve(question, max(k, DEPTH), side)[side]
        return [p.text for p in found]

    assistant.retriever.retrieve("warm up", k)  # model and BM25 load outside the timings
    trials, ours_ms = retrieval_trials(questions, ours)
    report: dict[str, Any] = {
        "questions": len(questions),
        "evidence": len(trials),
        "k": k,
        "budget_words": WORD_BUDGET,
        "depth": max(k, DEPTH),
        "retrieval": {"ours": retrieval_figures(trials, k)},
        "misses": {"ours": _misses(trials)},
        "latency_ms": {"retrieve_ours": spread(ours_ms)},
    }
    if with_baseline:
        _add_baseline(report, assistant, questions, k)
    answers, ask_ms = _ask_all(assistant, questions)
    report["answers"] = answer_figures(questions, answers, _stored_texts(assistant, answers))
    report["answers"].update(label_figures(questions, answers))
    report["latency_ms"]["ask"] = spread(ask_ms)
    if any(q.get("answers") for q in questions):
        report["reliability"] = _reliability(assistant, questions, k)
    return report


def _reliability(assistant: System, questions: list[dict], k: int) -> dict[str, Any]:
    """The answer tier's reliability table on the question file's hand labels."""
    from counterpoint.answer.extractive import ANSWER_TIER, ExtractiveAnswerer
    from counterpoint.evaluation.answer_labels import labelled_answers, quote_answers
    from counterpoint.evaluation.calibration import labelled_sentences, reliability_report

    def labeller(question: dict):  # noqa: ANN202 - a calibration.Labeller
        labels = labelled_answers(question)
        return lambda sentence, side: quote_answers(sentence.text, side, labels)

    asked = [(q["id"], q["question"], labeller(q)) for q in questions]
    answerer = ExtractiveAnswerer(assistant.embedder)
    return reliability_report(
        labelled_sentences(assistant.retriever, answerer, asked, k), ANSWER_TIER
    )


def _questions(path: Path) -> list[dict]:
    from counterpoint.errors import InputError

    try:
        return load_questions(path)
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise InputError(f"cannot read the questions in {path}: {exc}") from None


def _add_baseline(report: dict, assistant: System, questions: list[dict], k: int) -> None:
    from counterpoint.evaluation.baseline import BaselinePipeline

    pipeline = BaselinePipeline.build(assistant.settings.corpus_dir, assistant.settings)
    trials, timings = retrieval_trials(
        questions, lambda question, side: pipeline.retrieve(question, side, report["depth"])
    )
    retrieval = report["retrieval"]
    retrieval["baseline"] = retrieval_figures(trials, k)
    retrieval["lead_points"] = lead_in_points(retrieval["ours"], retrieval["baseline"])
    report["misses"]["baseline"] = _misses(trials)
    report["latency_ms"]["retrieve_baseline"] = spread(timings)


def _misses(trials: list[Trial]) -> list[str]:
    return [f"{t.question_id}/{t.side}" for t in trials if t.rank is None]


def _ask_all(assistant: System, questions: list[dict]) -> tuple[list[Answer], list[float]]:
    assistant.ask("warm up: what does the company say?", mode="extractive")
    answers, timings = [], []
    for question in questions:
        started = time.perf_counter()
        answers.append(assistant.ask(question["question"], mode="extractive"))
        timings.append((time.perf_counter() - started) * 1000)
    return answers, timings


def _stored_texts(assistant: System, answers: list[Answer]) -> dict[str, str]:
    # Quotes are checked against the chunk as stored, not the copy carried in the answer.
    ids = sorted({c.chunk_id for a in answers for c in a.citations})
    if not ids:
        return {}
    found = assistant.store.collection.get(ids=ids, include=["documents"])
    return dict(zip(found["ids"], found["documents"], strict=True))
