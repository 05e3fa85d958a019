"""Recall of the evidence within 300 words per side: our pipeline against a plain LlamaIndex one
(`counterpoint.evaluation.baseline`), across chunk sizes and retrieval methods.

Run by hand: `.venv/bin/python bench/retrieval_eval.py [--sweep]`. `--sweep` re-ingests the seed
corpus at several chunk sizes and compares dense, BM25 and fused retrieval (a few minutes).
`counterpoint eval` gives the full figures (recall@k, MRR, answers, latency) for the configured
index.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402
from counterpoint.evaluation.baseline import baseline  # noqa: E402
from counterpoint.evaluation.figures import Recall, evaluate  # noqa: E402
from counterpoint.evaluation.run import load_questions  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "eval_questions.toml"


def ours(
    questions: list[dict], chunk_tokens: int, overlap: int, methods: tuple[str, ...]
) -> Recall:
    """Our ingest and hybrid per-side retrieval, in a throw-away index."""
    from counterpoint.assistant import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            COUNTERPOINT_DATA_DIR=Path(tmp),
            CHROMA_HOST="",
            COUNTERPOINT_CHUNK_TOKENS=chunk_tokens,
            COUNTERPOINT_CHUNK_OVERLAP=overlap,
        )
        assistant = Assistant(settings, notify=lambda m: None)
        assistant.ingest(progress=False)
        retriever = assistant.retriever
        retriever.methods = methods

        def retrieve(question: str, side: str) -> list[str]:
            return [p.text for p in retriever.retrieve(question, 10, side)[side]]

        return evaluate(questions, retrieve)


def main() -> None:
    """Print recall per side for the baseline and our configurations."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the questions missed")
    args = parser.parse_args()
    offline_environment()
    questions = load_questions(QUESTIONS)
    base = baseline(questions)
    print(base.line("baseline"))
    settings = Settings(_env_file=None)
    configs = [(settings.chunk_tokens, settings.chunk_overlap, ("dense", "bm25"))]
    if args.sweep:
        configs = [
            (size, overlap, methods)
            for size, overlap in [(96, 24), (128, 32), (160, 32), (200, 40), (256, 48)]
            for methods in [("dense",), ("bm25",), ("dense", "bm25")]
        ]
    for size, overlap, methods in configs:
        recall = ours(questions, size, overlap, methods)
        print(recall.line(f"{size}/{overlap} {'+'.join(methods)}"))
        if args.misses:
            print("   missed:", " ".join(recall.misses))


if __name__ == "__main__":
    main()
