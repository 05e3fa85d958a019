"""Ingest time for the seed corpus and warm `search` / extractive `ask` latency (median, p95).

Run by hand: `.venv/bin/python bench/latency.py` (or `make bench`). Prints figures; no pass/fail.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402
from counterpoint.evaluation import load_questions  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action, questions: list[str]) -> list[float]:  # noqa: ANN001
    """Milliseconds per call of `action(question)`."""
    times = []
    for question in questions:
        started = time.perf_counter()
        action(question)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    """One line: median and p95."""
    print(
        f"{name:<22} n={len(times):>3}  median {statistics.median(times):7.1f} ms"
        f"  p95 {percentile(times, 0.95):7.1f} ms"
    )


def main() -> None:
    """Build a fresh index, then time warm queries over the evaluation questions."""
    offline_environment()
    started = time.perf_counter()
    from counterpoint.assistant import Assistant

    questions = [q["question"] for q in load_questions(ROOT / "tests/data/eval_questions.toml")]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=Path(tmp), CHROMA_HOST="")
        assistant = Assistant(settings, notify=lambda m: None)
        assistant.embedder.get_query_embedding("warm up")
        loaded = time.perf_counter()
        ingest = assistant.ingest(progress=False)
        print(f"model load            {loaded - started:7.1f} s")
        print(f"ingest (seed corpus)  {ingest.seconds:7.1f} s  {ingest.summary()}")
        print(f"                      {ingest.chunks_written / ingest.seconds:7.1f} chunks/s")
        assistant.search(questions[0])  # builds BM25 once
        report("search (warm)", timed(assistant.search, questions * 2))
        report("ask extractive (cold)", timed(assistant.ask, questions))
        report("ask extractive (warm)", timed(assistant.ask, questions * 2))


if __name__ == "__main__":
    main()
