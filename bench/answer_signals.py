"""Which relevance signals earn their place, measured on the hand labels of both corpora.

For the seed corpus and the fictional second corpus: the extractive answer's figures against the
labels (quote precision, expected facts, abstention, one-sided, meeting) with every signal, with
each signal removed alone, and at neighbouring thresholds. Retrieval runs once per question;
only the answerer's scoring changes between rows.
Run by hand: `.venv/bin/python bench/answer_signals.py`.
"""

from __future__ import annotations

import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402
from counterpoint.evaluation.run import load_questions  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

CORPORA = {
    "seed": (ROOT / "corpus", ROOT / "tests" / "data" / "eval_questions.toml"),
    "second": (
        ROOT / "tests" / "data" / "second_corpus",
        ROOT / "tests" / "data" / "second_corpus" / "eval_questions.toml",
    ),
}
# (module, constant, value) per row: a signal removed is its weight set to zero.
VARIANTS = {
    "all signals": [],
    # The passage cosine is about half of every score: without it the threshold moves with it.
    "no passage cosine (at 0.45)": [
        ("relevance", "PASSAGE_WEIGHT", 0.0),
        ("extractive", "RELEVANT", 0.45),
    ],
    "no IDF term overlap": [("relevance", "TERM_WEIGHT", 0.0)],
    "no phrase overlap": [("relevance", "PHRASE_WEIGHT", 0.0)],
    "no figure-question penalty": [("relevance", "NO_FIGURE_PENALTY", 0.0)],
    "threshold 0.8": [("extractive", "RELEVANT", 0.8)],
    "threshold 1.0": [("extractive", "RELEVANT", 1.0)],
    "one quote per side": [("extractive", "PER_SIDE", 1)],
}


@contextmanager
def patched(changes: list[tuple[str, str, float]]) -> Iterator[None]:
    """The answer modules with some constants changed, restored on exit."""
    from counterpoint.answer import extractive, relevance

    modules = {"extractive": extractive, "relevance": relevance}
    saved = [(modules[m], name, getattr(modules[m], name)) for m, name, _ in changes]
    for module, name, value in changes:
        setattr(modules[module], name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def figures_row(questions: list[dict], answers: list) -> str:  # noqa: ANN001 - Answers
    """One line of figures for one variant."""
    from counterpoint.evaluation.answer_labels import label_figures
    from counterpoint.evaluation.figures import abstention, fact_checks, share

    labels = label_figures(questions, answers)
    precision = labels["quote_precision"]["precision"]
    facts = share([c for q, a in zip(questions, answers, strict=True) for c in fact_checks(q, a)])
    kinds = [q["kind"] for q in questions]
    abstain = abstention(kinds, [a.insufficient_evidence for a in answers])
    meeting = labels["meeting"]
    disputed = meeting["outcomes"]["disputed"]
    return (
        f"precision {precision['company']['share']:.2f}/{precision['overall']['share']:.2f} "
        f"facts {facts['company']['share']:.2f}/{facts['overall']['share']:.2f} "
        f"abstain P {abstain['precision']:.2f} R {abstain['recall']:.2f} "
        f"one-sided {labels['one_sided']['share']:.2f} meeting {meeting['accuracy']:.2f} "
        f"(disputed {disputed['stated']} said, P {disputed['precision']})"
    )


def measure(corpus: Path, questions_file: Path) -> None:
    """Print one row per variant for one corpus."""
    from counterpoint.answer.extractive import ExtractiveAnswerer
    from counterpoint.assistant import Assistant

    questions = load_questions(questions_file)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            COUNTERPOINT_DATA_DIR=Path(tmp),
            COUNTERPOINT_CORPUS_DIR=corpus,
            CHROMA_HOST="",
        )
        assistant = Assistant(settings, notify=lambda m: None)
        assistant.ingest(progress=False)
        passages = [assistant.retriever.retrieve(q["question"], settings.top_k) for q in questions]
        answerer = ExtractiveAnswerer(assistant.embedder)
        for name, changes in VARIANTS.items():
            with patched(changes):
                answers = [
                    answerer.answer(q["question"], p)
                    for q, p in zip(questions, passages, strict=True)
                ]
            print(f"  {name:28} {figures_row(questions, answers)}")


def main() -> None:
    """Both corpora, every variant; figures are company/overall where two are given."""
    offline_environment()
    for name, (corpus, questions_file) in CORPORA.items():
        print(f"{name} corpus ({questions_file.relative_to(ROOT)})")
        measure(corpus, questions_file)


if __name__ == "__main__":
    main()
