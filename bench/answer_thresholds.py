"""Where to set the extractive answerer's relevance threshold, measured on the eval questions.

For every question and side: the best sentence score. Sides holding gold evidence should clear
the threshold; unanswerable questions should not. Prints the separation at candidate thresholds.
Run by hand: `.venv/bin/python bench/answer_thresholds.py`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import SIDES, Settings, offline_environment  # noqa: E402
from counterpoint.evaluation.run import load_questions  # noqa: E402


def main() -> None:
    """Print best-sentence scores by kind and the error rates at each threshold."""
    offline_environment()
    import numpy as np

    from counterpoint.answer.extractive import ExtractiveAnswerer
    from counterpoint.assistant import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=Path(tmp), CHROMA_HOST="")
        assistant = Assistant(settings, notify=lambda m: None)
        assistant.ingest(progress=False)
        answerer = ExtractiveAnswerer(assistant.embedder)
        answerable, unanswerable = [], []
        for q in load_questions(ROOT / "tests" / "data" / "eval_questions.toml"):
            passages = assistant.retriever.retrieve(q["question"], settings.top_k)
            scored = answerer.score_sentences(q["question"], passages)
            gold = {e["side"] for e in q.get("evidence", [])}
            for side in SIDES:
                ranked = scored[side]
                best = ranked[0].score if ranked else 0.0
                if q["kind"] == "unanswerable":
                    unanswerable.append(best)
                elif side in gold:
                    answerable.append(best)
    print(f"answerable sides: n={len(answerable)} min={min(answerable):.3f}")
    print(f"unanswerable sides: n={len(unanswerable)} max={max(unanswerable):.3f}")
    for t in np.arange(0.30, 0.66, 0.025):
        missed = sum(s < t for s in answerable) / len(answerable)
        false = sum(s >= t for s in unanswerable) / len(unanswerable)
        print(
            f"threshold {t:.3f}: answerable sides silenced {missed:.0%}, "
            f"unanswerable sides answered {false:.0%}"
        )


if __name__ == "__main__":
    main()
