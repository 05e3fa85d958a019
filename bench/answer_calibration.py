"""Calibrate the answer tier on every labelled set at hand: which candidate sentences answer.

    .venv/bin/python bench/answer_calibration.py --data /tmp/cal \
        [--bench-data DIR_OF_EVAL_BENCHMARK_RUNS] [--fit]

Labelled sets: the seed corpus's eval questions and the second corpus's (their hand labels of
every answering sentence), and the two benchmark sets' gold evidence (a sentence inside a gold
span answers; spans are incomplete, so precision there is a lower bound). The benchmark
indexes are the ones `counterpoint eval --benchmark` built under `--bench-data`; the seed and
second corpus are indexed under `--data` (once).

For every candidate sentence the extractive answerer scores (its passages, k per side), it
collects the answerer's signals and the label, and prints:
1. the reliability table of today's relevance, per set (band, sentences, precision);
2. with `--fit`: a logistic model of "answers" on the signals, fitted on all sets pooled and,
   to see whether it holds elsewhere, on all sets but one (scored on the one left out), and the
   precision / coverage curve of the threshold on each set. The weights it prints are what
   `counterpoint/answer/relevance.py` uses.
Nothing of the benchmarks is written anywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"


def bundled_sets(data: Path) -> dict[str, list]:
    """(question id, question, labeller) of the seed and second corpus, and their systems."""
    from counterpoint.assistant import Assistant
    from counterpoint.config import Settings
    from counterpoint.evaluation.answer_labels import labelled_answers, quote_answers
    from counterpoint.evaluation.run import load_questions

    sets = {}
    for name, corpus, questions in (
        ("seed", ROOT / "corpus", ROOT / "tests/data/eval_questions.toml"),
        (
            "second",
            ROOT / "tests/data/second_corpus",
            ROOT / "tests/data/second_corpus/eval_questions.toml",
        ),
    ):
        settings = Settings(_env_file=None).model_copy(
            update={"data_dir": data / name, "corpus_dir": corpus, "case": None}
        )
        system = Assistant(settings, notify=lambda _: None)
        system.ingest(progress=False)
        asked = []
        for q in load_questions(questions):
            labels = labelled_answers(q)
            asked.append(
                (
                    q["id"],
                    q["question"],
                    lambda s, side, labels=labels: quote_answers(s.text, side, labels),
                )
            )
        sets[name] = (system, asked, ("company", "critic"))
    return sets


def benchmark_sets(data: Path) -> dict[str, list]:
    """The benchmark questions by report, labelled by gold evidence, on their indexed cases."""
    from counterpoint.assistant import Assistant
    from counterpoint.config import Settings
    from counterpoint.evaluation.benchmark import canonical, load_benchmark
    from counterpoint.evaluation.benchmark_run import report_id

    sets = {}
    for name in ("climate_finance_bench", "financebench"):
        bench = load_benchmark(BENCHMARKS / name)
        root = data / "benchmarks" / name
        workspace = Assistant(Settings().model_copy(update={"data_dir": root, "case": None}))
        for doc in bench.docs:
            system = workspace.for_case(report_id(doc))
            asked = []
            for q in bench.asked_of(doc):
                if q.kind != "answerable":
                    continue
                gold = [e.canon for e in q.evidence]
                asked.append(
                    (q.id, q.question, lambda s, side, gold=gold: _inside(canonical(s.text), gold))
                )
            sets.setdefault(name, []).append((system, asked, ("company",)))
    return sets


def _inside(sentence: str, gold: list[str]) -> bool:
    return len(sentence) >= 20 and any(sentence in span for span in gold)


def collect(system, asked, sides) -> list:  # noqa: ANN001
    """Every candidate sentence with its signals, rank and label."""
    from counterpoint.answer.extractive import ExtractiveAnswerer

    answerer = ExtractiveAnswerer(system.embedder)
    rows = []
    for question_id, question, label in asked:
        passages = system.retriever.retrieve(question, system.settings.top_k)
        passages = {side: found for side, found in passages.items() if side in sides}
        for ranked in answerer.rank_sentences(question, passages).values():
            for rank, item in enumerate(ranked):
                rows.append(
                    (
                        question_id,
                        item,
                        rank,
                        ranked[0].score - item.score,
                        label(item.sentence, item.sentence.passage.side),
                    )
                )
    return rows


def features(rows: list) -> np.ndarray:
    """The signals of each candidate, as the logistic model reads them."""
    from counterpoint.answer.relevance import feature_vector

    return np.array([feature_vector(item, rank, gap) for _, item, rank, gap, _ in rows])


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method with an L2 penalty (intercept last)."""
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.diag(np.r_[np.ones(len(w) - 1), 0])
        w -= np.linalg.solve(hessian, gradient)
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The model's probability that each sentence answers."""
    return 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))


def report_curve(name: str, p: np.ndarray, rows: list) -> None:
    """Precision and coverage of the answer tier at each threshold (top 2 per question side)."""
    y = np.array([r[4] for r in rows])
    questions = {r[0] for r in rows}
    print(f"  {name}: threshold, sentences shown, precision, questions answered by one")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        shown = (p >= t) & (np.array([r[2] for r in rows]) < 2)
        hit = {rows[i][0] for i in np.flatnonzero(shown & y)}
        prec = y[shown].mean() if shown.any() else float("nan")
        print(f"    {t:.1f}  {shown.sum():5d}  {prec:.2f}  {len(hit) / len(questions):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--bench-data", type=Path)
    parser.add_argument("--fit", action="store_true")
    args = parser.parse_args()
    from counterpoint.config import offline_environment
    from counterpoint.evaluation.calibration import Labelled, reliability, table_lines

    offline_environment()
    rows: dict[str, list] = {}
    for name, (system, asked, sides) in bundled_sets(args.data).items():
        rows[name] = collect(system, asked, sides)
    if args.bench_data:
        for name, parts in benchmark_sets(args.bench_data).items():
            rows[name] = [
                row for system, asked, sides in parts for row in collect(system, asked, sides)
            ]
    for name, found in rows.items():
        items = [
            Labelled(q, i.sentence.passage.side, i.relevance, r, y, "") for q, i, r, _, y in found
        ]
        print("\n".join(table_lines(reliability(items), f"\n{name}: relevance today")))
    if not args.fit:
        return
    x = {name: features(found) for name, found in rows.items()}
    y = {name: np.array([r[4] for r in found], dtype=float) for name, found in rows.items()}
    pooled = fit(np.vstack(list(x.values())), np.concatenate(list(y.values())))
    print("\nweights fitted on all sets (features..., intercept):", np.round(pooled, 3).tolist())
    for name in rows:
        others = [n for n in rows if n != name]
        w = fit(np.vstack([x[n] for n in others]), np.concatenate([y[n] for n in others]))
        report_curve(f"{name}, fitted on the others", predict(w, x[name]), rows[name])
        report_curve(f"{name}, fitted on all", predict(pooled, x[name]), rows[name])


if __name__ == "__main__":
    main()
