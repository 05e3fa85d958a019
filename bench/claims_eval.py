"""Precision and recall of the claims matrix against the hand labels, where the labelled
contested claims land on the Claims tab, how honest the confidences are, and timings.

Run by hand: `.venv/bin/python bench/claims_eval.py [--corpus DIR] [--labels FILE] [--mode M]`.
Default: the bundled corpus against tests/data/claims/hikvision_labels.toml;
`--corpus tests/data/second_corpus` scores the fictional corpus against its own labels.toml.
The corpus is ingested into a throw-away index, so nothing of yours is touched.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402
from counterpoint.evaluation.matrix_labels import render, score_matrix  # noqa: E402
from counterpoint.evaluation.matrix_triage import render_triage, score_triage  # noqa: E402
from counterpoint.matrix.render import render_top  # noqa: E402

BUNDLED = ROOT / "corpus"
BUNDLED_LABELS = ROOT / "tests" / "data" / "claims" / "hikvision_labels.toml"


def labels_for(corpus: Path) -> Path:
    """The label file of a corpus: the bundled one's, or labels.toml beside its corpus.toml."""
    return BUNDLED_LABELS if corpus.resolve() == BUNDLED.resolve() else corpus / "labels.toml"


def run(corpus: Path, labels: Path, mode: str, misses: bool) -> None:
    """Ingest `corpus`, build its matrix twice (cold, then cached) and print the score."""
    from counterpoint.assistant import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            COUNTERPOINT_DATA_DIR=Path(tmp),
            COUNTERPOINT_CORPUS_DIR=corpus.resolve(),
            CHROMA_HOST="",
        )
        assistant = Assistant(settings, notify=lambda message: None)
        started = time.perf_counter()
        assistant.ingest(progress=False)
        ingested = time.perf_counter()
        matrix = assistant.matrix(mode)
        built = time.perf_counter()
        assistant.matrix(mode)
        cached = time.perf_counter()
    score = score_matrix(matrix, labels)
    print(f"corpus {corpus}  labels {labels.name}  mode {matrix.mode}")
    print(f"{len(matrix.claims)} claim rows, {len(matrix.allegations)} allegation rows")
    if matrix.notice:
        print(f"notice: {matrix.notice}")
    print(render(score))
    print()
    print(render_triage(score_triage(matrix, labels)))
    print("\nthe top of the Claims tab:")
    print(render_top(matrix))
    print(
        f"\ningest {ingested - started:.1f}s  matrix {built - ingested:.1f}s"
        f"  cached {1000 * (cached - built):.0f}ms  stages {matrix.timings_ms}"
    )
    if misses:
        for text in score.missed_claims + score.missed_allegations:
            print(f"  missed: {text}")


def main() -> None:
    """Parse the arguments and score one corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=BUNDLED, help="folder with corpus.toml")
    parser.add_argument("--labels", type=Path, help="hand labels (default: the corpus's own)")
    parser.add_argument("--mode", default="rules", choices=("rules", "llm"))
    parser.add_argument("--misses", action="store_true", help="list labels not found as rows")
    args = parser.parse_args()
    offline_environment()
    run(args.corpus, args.labels or labels_for(args.corpus), args.mode, args.misses)


if __name__ == "__main__":
    main()
